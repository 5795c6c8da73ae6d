using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

/// <summary>
/// where(cond, a, b): a where cond ≠ 0, else b, all three broadcast. ∂/∂a = cond, ∂/∂b = 1 − cond;
/// the condition gets no gradient. The base of ReLU, clamping and the stable sigmoid.
/// </summary>
internal sealed class Where : Node
{
    private Where(Tensor cond, Tensor a, Tensor b) : base(cond, a, b) => Save(cond);

    public static Tensor Apply(Tensor cond, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(cond);
        Checks.SameDType(a, b, "where");
        cond = cond.To(a.DType); // the condition only selects: its dtype does not matter
        var shape = Shape.Broadcast(Shape.Broadcast(cond.Shape, a.Shape, "where"), b.Shape, "where");
        var r = Tensor.Empty(shape, a.DType);
        Elementwise.Where(cond, a, b, r);
        return ShouldRecord(a, b) ? r.Attach(new Where(cond, a, b)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g)
    {
        var zero = Tensor.Scalar(0, g.DType);
        var cond = Saved(0);
        return [null, NeedsGrad(1) ? Apply(cond, g, zero) : null, NeedsGrad(2) ? Apply(cond, zero, g) : null];
    }
}

/// <summary>Elementwise comparisons and sign: piecewise constant, so they record nothing (their derivative is 0).</summary>
internal static class Compare
{
    public static Tensor Apply<TOp>(Tensor a, Tensor b, string op) where TOp : IBinaryOp<TOp>
    {
        var r = Tensor.Empty(Checks.BroadcastBinary(a, b, op), a.DType);
        Elementwise.Binary<TOp>(a, b, r);
        return r;
    }
}
