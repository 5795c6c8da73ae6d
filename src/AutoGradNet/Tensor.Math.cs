using AutoGradNet.Ops;

namespace AutoGradNet;

// Elementwise math: trigonometric and hyperbolic functions, erf, expm1, reciprocal, square, rsqrt, pow with a tensor
// exponent, and clamp with tensor bounds. Every result is a new contiguous tensor (a copy); Int64 and Bool inputs are
// computed in Float64, as PyTorch computes them in its default float type.
public sealed partial class Tensor
{
    /// <summary>sin x elementwise; d/dx = cos x.</summary>
    public Tensor Sin() => Unary<Ops.Sin>.Apply(this);

    /// <summary>cos x elementwise; d/dx = −sin x.</summary>
    public Tensor Cos() => Unary<Ops.Cos>.Apply(this);

    /// <summary>arctan x elementwise, in (−π/2, π/2); d/dx = 1/(1 + x²).</summary>
    public Tensor Atan() => Unary<Ops.Atan>.Apply(this);

    /// <summary>arcsin x elementwise (NaN outside [−1, 1]); d/dx = 1/√(1 − x²), infinite at ±1.</summary>
    public Tensor Asin() => Unary<Ops.Asin>.Apply(this);

    /// <summary>sinh x elementwise, with full relative precision near 0; d/dx = cosh x.</summary>
    public Tensor Sinh() => Unary<Ops.Sinh>.Apply(this);

    /// <summary>cosh x elementwise; d/dx = sinh x.</summary>
    public Tensor Cosh() => Unary<Ops.Cosh>.Apply(this);

    /// <summary>The error function erf x elementwise (relative error about 1e-15 in Float64); d/dx = 2/√π·e^(−x²).</summary>
    public Tensor Erf() => Unary<Ops.Erf>.Apply(this);

    /// <summary>eˣ − 1 elementwise, accurate when |x| is tiny (where <c>x.Exp() - 1</c> rounds to 0); d/dx = eˣ.</summary>
    public Tensor Expm1() => Unary<Ops.Expm1>.Apply(this);

    /// <summary>1/x elementwise (±∞ at ±0); d/dx = −1/x².</summary>
    public Tensor Reciprocal() => Unary<Ops.Reciprocal>.Apply(this);

    /// <summary>x² elementwise; d/dx = 2x. An Int64 input gives Float64 here (unlike torch.square, which keeps int64).</summary>
    public Tensor Square() => Unary<Ops.Square>.Apply(this);

    /// <summary>1/√x elementwise (+∞ at 0, NaN below 0); d/dx = −½·x^(−3/2).</summary>
    public Tensor Rsqrt() => Unary<Ops.Rsqrt>.Apply(this);

    /// <summary>
    /// Each element raised to the matching element of <paramref name="exponent"/> (broadcast; Int64 and Bool operands
    /// compute in Float64). Gradients follow PyTorch: ∂/∂base = b·aᵇ⁻¹, taken as 0 where the exponent is 0;
    /// ∂/∂exponent = ln(a)·aᵇ, taken as 0 where the base is 0 and the exponent ≥ 0 (NaN for a negative base).
    /// </summary>
    public Tensor Pow(Tensor exponent) => Binary<PowTensor>.Apply(this, exponent);

    /// <summary>
    /// The scalar <paramref name="baseValue"/> raised to each element of <paramref name="exponent"/>, like
    /// <c>torch.pow(2.0, t)</c>; d/db = ln(base)·baseᵇ.
    /// </summary>
    public static Tensor Pow(double baseValue, Tensor exponent)
    {
        Checks.NotNull(exponent, "Pow", "exponent");
        return Binary<PowTensor>.Apply(ScalarLike(exponent, baseValue), exponent);
    }

    /// <summary>
    /// Limits every element to [<paramref name="min"/>, <paramref name="max"/>] with tensor bounds (broadcast; either
    /// may be null for a one-sided clamp), like <c>torch.clamp(x, min, max)</c>: the result is min(max(x, min), max),
    /// so where min &gt; max it is max. Gradients follow PyTorch: to x where min ≤ x ≤ max (ties go to x), to min where
    /// x &lt; min &lt; max, to max where x &gt; max or max &lt; min; a NaN (in x or a bound) gives NaN with zero gradient
    /// everywhere. Where min = max and x lies outside, PyTorch sends the gradient nowhere, and so does this.
    /// </summary>
    public Tensor Clamp(Tensor? min, Tensor? max)
    {
        Checks.NotNull(this, "Clamp", "input");
        if (min is null && max is null)
            throw new ArgumentException($"Clamp: at least one of min and max must be given (input shape {Shape}).");
        if (DType == DType.Bool || min?.DType == DType.Bool || max?.DType == DType.Bool)
            throw new ArgumentException($"Clamp: not defined for Bool tensors (input {DType}, shape {Shape}); convert with .To(DType.Int64).");
        foreach (var bound in (ReadOnlySpan<Tensor?>)[min, max])
        {
            if (bound is null) continue;
            DTypes.Promote(this, bound, "Clamp");
            Shape.Broadcast(Shape, bound.Shape, "Clamp");
        }

        // The value, as a constant: where no branch below is selected (NaN, or min = max with x outside) it is the
        // result and nothing gets a gradient, as in PyTorch's clamp_backward.
        Tensor value;
        using (NoGrad())
        {
            value = this;
            if (min is not null) value = value.Maximum(min);
            if (max is not null) value = value.Minimum(max);
        }
        var notNaN = !value.IsNaN();
        var result = value;
        if (min is not null)
        {
            var takeMin = min > this;
            if (max is not null) takeMin &= min < max;
            result = Where(takeMin & notNaN, min, result);
        }
        if (max is not null)
        {
            var takeMax = max < this;
            if (min is not null) takeMax |= max < min;
            result = Where(takeMax & notNaN, max, result);
        }
        var takeX = min is null ? this <= max! : max is null ? this >= min : (this >= min) & (this <= max);
        return Where(takeX, this, result);
    }

    /// <summary>
    /// Limits every element to at least <paramref name="min"/> (a one-sided <see cref="Clamp(Tensor?, Tensor?)"/>):
    /// gradient 1 where x ≥ min, 0 below; NaN stays NaN with gradient 0.
    /// </summary>
    public Tensor ClampMin(double min) => Clamp(ClampBound(this, min), null);

    /// <summary>
    /// Limits every element to at most <paramref name="max"/> (a one-sided <see cref="Clamp(Tensor?, Tensor?)"/>):
    /// gradient 1 where x ≤ max, 0 above; NaN stays NaN with gradient 0.
    /// </summary>
    public Tensor ClampMax(double max) => Clamp(null, ClampBound(this, max));

    /// <summary>A 0-d bound for clamping <paramref name="x"/>: Int64 for an Int64 tensor and a whole number (so the result stays Int64, as in PyTorch), else as for arithmetic with a C# double.</summary>
    private static Tensor ClampBound(Tensor x, double bound)
        => x.DType == DType.Int64 && double.IsInteger(bound) ? Scalar(bound, DType.Int64) : ScalarLike(x, bound);
}
