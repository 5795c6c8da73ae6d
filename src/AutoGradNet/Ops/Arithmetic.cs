using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

// Elementwise binary arithmetic with numpy broadcasting. Each rule returns gradients in the broadcast
// shape; the engine sums them back to each input's shape.

/// <summary>a + b. ∂/∂a = 1, ∂/∂b = 1.</summary>
internal sealed class Add(Tensor a, Tensor b) : Node(a, b)
{
    public static Tensor Apply(Tensor a, Tensor b)
    {
        var r = Tensor.Empty(Checks.BroadcastBinary(a, b, "add"), a.DType);
        Elementwise.Binary<AddOp>(a, b, r);
        return ShouldRecord(a, b) ? r.Attach(new Add(a, b)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) => [g, g];
}

/// <summary>a − b. ∂/∂a = 1, ∂/∂b = −1.</summary>
internal sealed class Sub(Tensor a, Tensor b) : Node(a, b)
{
    public static Tensor Apply(Tensor a, Tensor b)
    {
        var r = Tensor.Empty(Checks.BroadcastBinary(a, b, "sub"), a.DType);
        Elementwise.Binary<SubOp>(a, b, r);
        return ShouldRecord(a, b) ? r.Attach(new Sub(a, b)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) => [g, NeedsGrad(1) ? -g : null];
}

/// <summary>a · b. ∂/∂a = b, ∂/∂b = a.</summary>
internal sealed class Mul : Node
{
    private Mul(Tensor a, Tensor b) : base(a, b) => Save(a, b);

    public static Tensor Apply(Tensor a, Tensor b)
    {
        var r = Tensor.Empty(Checks.BroadcastBinary(a, b, "mul"), a.DType);
        Elementwise.Binary<MulOp>(a, b, r);
        return ShouldRecord(a, b) ? r.Attach(new Mul(a, b)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) =>
        [NeedsGrad(0) ? g * Saved(1) : null, NeedsGrad(1) ? g * Saved(0) : null];
}

/// <summary>a / b. ∂/∂a = 1/b, ∂/∂b = −a/b².</summary>
internal sealed class Div : Node
{
    private Div(Tensor a, Tensor b) : base(a, b) => Save(a, b);

    public static Tensor Apply(Tensor a, Tensor b)
    {
        var r = Tensor.Empty(Checks.BroadcastBinary(a, b, "div"), a.DType);
        Elementwise.Binary<DivOp>(a, b, r);
        return ShouldRecord(a, b) ? r.Attach(new Div(a, b)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) =>
        [NeedsGrad(0) ? g / Saved(1) : null, NeedsGrad(1) ? -g * Saved(0) / (Saved(1) * Saved(1)) : null];
}
