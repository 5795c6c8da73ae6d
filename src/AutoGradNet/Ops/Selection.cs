using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

/// <summary>
/// where(cond, a, b): a where cond is true, else b, all three broadcast. ∂/∂a = cond, ∂/∂b = ¬cond; the condition
/// gets no gradient. The base of ReLU, clamping and the stable sigmoid.
/// </summary>
internal sealed class Where : Node
{
    private Where(Tensor cond, Tensor a, Tensor b) : base(cond, a, b) => Save(cond);

    // The backward's constant branch: 0-d, never written (only read by Where), so one per dtype serves every backward.
    private static readonly Tensor ZeroFloat64 = Tensor.Scalar(0, DType.Float64);
    private static readonly Tensor ZeroFloat32 = Tensor.Scalar(0, DType.Float32);

    public static Tensor Apply(Tensor cond, Tensor a, Tensor b)
    {
        Checks.NotNull(cond, "Where", "condition");
        Checks.NotNull(a, "Where", "true branch");
        Checks.NotNull(b, "Where", "false branch");
        var dtype = DTypes.Promote(a, b, "Where");
        a = Promotion.Convert(a, dtype);
        b = Promotion.Convert(b, dtype);
        if (cond.DType != DType.Bool) cond = Compare.Apply<NotEqualOp>(cond, Tensor.Scalar(0, cond.DType), "Where"); // non-zero selects
        // Each branch 0-d or of the condition's shape (a masked fill, the sigmoid's numerator): the condition's shape.
        var shape = (a.Rank == 0 || a.Shape == cond.Shape) && (b.Rank == 0 || b.Shape == cond.Shape)
            ? cond.Shape
            : Shape.Broadcast(Shape.Broadcast(cond.Shape, a.Shape, "Where"), b.Shape, "Where");
        var r = Tensor.Uninitialized(shape, dtype); // the kernel writes every element
        Elementwise.Where(cond, a, b, r);
        return Graph.Record(r, [cond, a, b], 0, static (inputs, _) => new Where(inputs[0], inputs[1], inputs[2]));
    }

    private protected override Tensor?[] Backward(Tensor g)
    {
        var cond = Saved(0);
        if (!Graph.ShouldRecord(g) && cond.Shape == g.Shape && cond.IsContiguous && g.IsContiguous && g.DType.IsFloatingPoint())
        {
            // Not recorded (no createGraph) and nothing to broadcast: the same values as the Where calls below, in one pass.
            return [null, NeedsGrad(1) ? Masked(cond, g, true) : null, NeedsGrad(2) ? Masked(cond, g, false) : null];
        }
        var zero = g.DType == DType.Float32 ? ZeroFloat32 : ZeroFloat64; // a gradient is Float32 or Float64
        return [null, NeedsGrad(1) ? Apply(cond, g, zero) : null, NeedsGrad(2) ? Apply(cond, zero, g) : null];
    }

    /// <summary>g where the condition is <paramref name="where"/>, +0 elsewhere (Where(cond, g, 0) or Where(cond, 0, g)), unrecorded.</summary>
    private static Tensor Masked(Tensor cond, Tensor g, bool where)
    {
        var zero = g.DType == DType.Float32 ? ZeroFloat32 : ZeroFloat64;
        var r = Tensor.Uninitialized(g.Shape, g.DType); // the kernel writes every element
        Elementwise.Where(cond, where ? g : zero, where ? zero : g, r);
        return r;
    }
}

/// <summary>Elementwise comparisons and predicates: they give Bool tensors and record nothing (their derivative is 0).</summary>
internal static class Compare
{
    public static Tensor Apply<TOp>(Tensor a, Tensor b, string op) where TOp : ICompareOp
    {
        Checks.NotNull(a, op, "left operand");
        Checks.NotNull(b, op, "right operand");
        var dtype = DTypes.Promote(a, b, op);
        if (dtype == DType.Bool) dtype = DType.Int64; // compare booleans as 0/1
        var r = Tensor.Uninitialized(Shape.Broadcast(a.Shape, b.Shape, op), DType.Bool); // the kernel writes every element
        Elementwise.Compare<TOp>(Promotion.Convert(a, dtype), Promotion.Convert(b, dtype), r);
        return r;
    }

    public static Tensor Test<TOp>(Tensor x, string op) where TOp : IPredicateOp
    {
        var r = Tensor.Uninitialized(x.Shape, DType.Bool); // the kernel writes every element
        Elementwise.Predicate<TOp>(x.DType == DType.Bool ? x.ConvertedTo(DType.Int64) : x, r);
        return r;
    }
}
