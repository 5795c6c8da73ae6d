using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

/// <summary>
/// Product over axes. ∂/∂xᵢ = the product of the other elements of xᵢ's slice, computed without dividing by zero:
/// with no zero in the slice it is P/xᵢ; with exactly one zero, the zero's gradient is the product of the non-zeros
/// and the others get 0; with two or more zeros every gradient is 0 (PyTorch's prod_backward).
/// </summary>
internal sealed class Prod : Node
{
    private readonly ReductionAxes _axes;

    private Prod(Tensor x, ReductionAxes axes) : base(x)
    {
        _axes = axes;
        Save(x);
    }

    public override IReadOnlyDictionary<string, object> Attributes => _axes.Describe();

    /// <summary>The product; Bool counts as Int64, Int64 stays Int64 (as in PyTorch); an empty slice gives 1.</summary>
    public static Tensor Apply(Tensor x, ReadOnlySpan<int> axes, bool keepDim)
    {
        if (x.DType == DType.Bool) x = x.ConvertedTo(DType.Int64);
        var spec = ReductionAxes.Of(x.Shape, axes, keepDim, "Prod");
        var empty = false;
        for (var i = 0; i < spec.Mask.Length; i++) empty |= spec.Mask[i] && x.Shape[i] == 0;
        var r = empty ? Tensor.Ones(spec.KeptShape, x.DType) : spec.Reduce<MulOp>(x);
        return Graph.Record(r.ViewAs(spec.OutputShape), x, spec, static (x, spec) => new Prod(x, spec));
    }

    private protected override Tensor?[] Backward(Tensor g)
    {
        // Written in tensor ops, so the gradient is differentiable again (exactly so where the slice has no zero; at a
        // zero the second derivative misses the terms through the zero).
        var x = Saved(0);
        var axes = _axes.Axes();
        var isZero = x.ElementwiseEquals(Tensor.Scalar(0, x.DType));
        var zeros = isZero.Sum(axes, keepDim: true);
        var nonZero = Tensor.Where(isZero, 1.0, x);
        var productOfNonZeros = nonZero.Prod(axes, keepDim: true);
        var others = Tensor.Where(
            zeros.ElementwiseEquals(Tensor.Scalar(0, DType.Int64)),
            productOfNonZeros / nonZero,
            Tensor.Where(zeros.ElementwiseEquals(Tensor.Scalar(1, DType.Int64)) & isZero, productOfNonZeros, 0.0));
        return [g.Reshape(_axes.KeptShape) * others];
    }
}

/// <summary>Helpers shared by the composite reductions.</summary>
internal static class ReductionAxesExtensions
{
    /// <summary>The reduced axes as a list of indices.</summary>
    public static int[] Axes(this ReductionAxes spec)
    {
        var axes = new List<int>();
        for (var i = 0; i < spec.Mask.Length; i++)
        {
            if (spec.Mask[i]) axes.Add(i);
        }
        return [.. axes];
    }

    /// <summary>How many elements each output element reduces.</summary>
    public static int Count(this ReductionAxes spec)
    {
        var n = 1;
        for (var i = 0; i < spec.Mask.Length; i++)
        {
            if (spec.Mask[i]) n *= spec.Input[i];
        }
        return n;
    }
}
