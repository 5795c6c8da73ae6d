using AutoGradNet.Ops;

namespace AutoGradNet;

// More reductions: product, variance and standard deviation, vector norms and log-sum-exp over several axes. Every
// result is a new tensor (a copy). An empty axis list means all axes; negative axes count from the end.
public sealed partial class Tensor
{
    /// <summary>
    /// Product of all elements, as a 0-d tensor (1 for an empty tensor; Int64 stays Int64, Bool counts as Int64).
    /// The gradient of each element is the product of the others, also where elements are zero (PyTorch's rule).
    /// </summary>
    public Tensor Prod() => Ops.Prod.Apply(this, [], keepDim: false);

    /// <summary>Product along <paramref name="axis"/>; <paramref name="keepDim"/> keeps it with length 1. See <see cref="Prod()"/>.</summary>
    public Tensor Prod(int axis, bool keepDim = false) => Ops.Prod.Apply(this, [axis], keepDim);

    /// <summary>Product over several axes; an empty list means all axes. See <see cref="Prod()"/>.</summary>
    public Tensor Prod(int[] axes, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(axes);
        return Ops.Prod.Apply(this, axes, keepDim);
    }

    /// <summary>
    /// Variance over <paramref name="axes"/> (null or empty: all), like <c>torch.var(x, dim, correction=…)</c>:
    /// Σ(x − mean)² / (N − <paramref name="correction"/>), with N the number of elements reduced; correction 1 is the
    /// unbiased sample variance, 0 the population (biased) one. N ≤ correction divides by 0 (NaN for one element, as in
    /// PyTorch). Composed of Mean, Sub, Square, Sum and Div (two passes, so no cancellation); Int64 and Bool inputs
    /// compute in Float64.
    /// </summary>
    public Tensor Var(int[]? axes = null, double correction = 1, bool keepDim = false)
    {
        Checks.NotNull(this, "Var", "input");
        if (!(correction >= 0))
            throw new ArgumentOutOfRangeException(nameof(correction), correction, $"Var: correction must be ≥ 0, got {correction} (input shape {Shape}).");
        var x = Promotion.ToFloating(this);
        var spec = ReductionAxes.Of(x.Shape, axes ?? [], keepDim, "Var");
        var reduced = spec.Axes();
        var deviation = x - x.Mean(reduced, keepDim: true);
        return deviation.Square().Sum(reduced, keepDim) / Math.Max(0, spec.Count() - correction);
    }

    /// <summary>Variance along one axis; see <see cref="Var(int[], double, bool)"/>.</summary>
    public Tensor Var(int axis, double correction = 1, bool keepDim = false) => Var([axis], correction, keepDim);

    /// <summary>
    /// Standard deviation, √<see cref="Var(int[], double, bool)"/>, like <c>torch.std</c>. Where the variance is 0
    /// (all elements equal) the gradient is NaN, as in PyTorch (√ has an infinite slope at 0).
    /// </summary>
    public Tensor Std(int[]? axes = null, double correction = 1, bool keepDim = false)
    {
        Checks.NotNull(this, "Std", "input");
        if (!(correction >= 0))
            throw new ArgumentOutOfRangeException(nameof(correction), correction, $"Std: correction must be ≥ 0, got {correction} (input shape {Shape}).");
        ReductionAxes.Of(Shape, axes ?? [], keepDim, "Std");
        return Var(axes, correction, keepDim).Sqrt();
    }

    /// <summary>Standard deviation along one axis; see <see cref="Std(int[], double, bool)"/>.</summary>
    public Tensor Std(int axis, double correction = 1, bool keepDim = false) => Std([axis], correction, keepDim);

    /// <summary>
    /// The vector p-norm over <paramref name="axes"/> (null or empty: all), like <c>torch.linalg.vector_norm</c>, for
    /// p = 1 (Σ|x|), 2 (√Σx²) and ∞ (max |x|, pass <see cref="double.PositiveInfinity"/>). Gradients follow PyTorch:
    /// sign(x) for p = 1 (0 at 0); x/‖x‖ for p = 2, and 0 (not NaN) for an all-zero slice; for p = ∞ the gradient
    /// sign(x) is shared equally among the elements tied for the largest |x|. Composed of Abs, Square, Sum, Sqrt,
    /// Where and Max. The 2-norm squares without rescaling, so it overflows when an |x| exceeds about 1e154.
    /// </summary>
    public Tensor Norm(double p = 2, int[]? axes = null, bool keepDim = false)
    {
        Checks.NotNull(this, "Norm", "input");
        var reduced = axes ?? [];
        ReductionAxes.Of(Shape, reduced, keepDim, "Norm");
        var x = Promotion.ToFloating(this);
        if (p == 1) return x.Abs().Sum(reduced, keepDim);
        if (p == 2)
        {
            // √ has an infinite slope at 0: an all-zero slice takes a constant 0 instead, and the √ branch is fed 1
            // there, so neither branch sends NaN back (the "double where").
            var squares = x.Square().Sum(reduced, keepDim);
            var isZero = squares.ElementwiseEquals(Scalar(0, squares.DType));
            return Where(isZero, 0.0, Where(isZero, 1.0, squares).Sqrt());
        }
        if (double.IsPositiveInfinity(p)) return Ops.Max.Apply(x.Abs(), reduced, keepDim, "Norm");
        throw new ArgumentOutOfRangeException(nameof(p), p, $"Norm: p = {p} is not supported (input shape {Shape}); use 1, 2 or double.PositiveInfinity.");
    }

    /// <summary>
    /// log Σ exp(x) over <paramref name="axes"/> (empty: all), like <c>torch.logsumexp(x, dims)</c>, computed as
    /// m + log Σ exp(x − m) with m the per-slice maximum held constant (it cancels mathematically, so the gradient, the
    /// softmax over the slice, stays exact) and large inputs do not overflow. An all −∞ slice gives −∞ (and NaN
    /// gradients, as in PyTorch); an empty slice gives −∞. Composed of Max (as a constant), Sub, Exp, Sum, Log and Add.
    /// </summary>
    public Tensor LogSumExp(int[] axes, bool keepDim = false)
    {
        Checks.NotNull(this, "LogSumExp", "input");
        ArgumentNullException.ThrowIfNull(axes);
        var x = Promotion.ToFloating(this);
        var spec = ReductionAxes.Of(x.Shape, axes, keepDim, "LogSumExp");
        var reduced = spec.Axes();
        Tensor shift;
        using (NoGrad())
        {
            if (spec.Count() == 0 || x.Size == 0)
            {
                shift = Scalar(0, x.DType);
            }
            else
            {
                var m = Ops.Max.Apply(x, reduced, keepDim: true, "LogSumExp");
                shift = Where(m.IsFinite(), m, 0.0); // −∞ − (−∞) must not happen
            }
        }
        var lse = (x - shift).Exp().Sum(reduced, keepDim: true).Log() + shift;
        return lse.Reshape(spec.OutputShape);
    }

    /// <summary>log Σ exp(x) along one axis; see <see cref="LogSumExp(int[], bool)"/>.</summary>
    public Tensor LogSumExp(int axis, bool keepDim = false) => LogSumExp([axis], keepDim);

    /// <summary>log Σ exp(x) over all elements, as a 0-d tensor; see <see cref="LogSumExp(int[], bool)"/>.</summary>
    public Tensor LogSumExp() => LogSumExp([], keepDim: false);
}
