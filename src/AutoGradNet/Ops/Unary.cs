using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

// Elementwise unary functions: forward through a SIMD kernel, derivative beside it.

internal static class UnaryForward
{
    public static Tensor Run<TOp>(Tensor x, double arg = 0) where TOp : IUnaryOp
    {
        Checks.NotNull(x, "elementwise function", "input");
        var r = Tensor.Empty(x.Shape, x.DType);
        Elementwise.Unary<TOp>(x, r, arg);
        return r;
    }
}

/// <summary>−x. d/dx = −1.</summary>
internal sealed class Neg(Tensor x) : Node(x)
{
    public static Tensor Apply(Tensor x)
    {
        var r = UnaryForward.Run<NegOp>(x);
        return ShouldRecord(x) ? r.Attach(new Neg(x)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) => [-g];
}

/// <summary>eˣ. d/dx = eˣ (the saved output).</summary>
internal sealed class Exp : Node
{
    private Exp(Tensor x, Tensor output) : base(x) => Save(output);

    public static Tensor Apply(Tensor x)
    {
        var r = UnaryForward.Run<ExpOp>(x);
        return ShouldRecord(x) ? r.Attach(new Exp(x, r)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) => [g * Saved(0)];
}

/// <summary>ln x. d/dx = 1/x.</summary>
internal sealed class Log : Node
{
    private Log(Tensor x) : base(x) => Save(x);

    public static Tensor Apply(Tensor x)
    {
        var r = UnaryForward.Run<LogOp>(x);
        return ShouldRecord(x) ? r.Attach(new Log(x)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) => [g / Saved(0)];
}

/// <summary>ln(1 + x), accurate for tiny x. d/dx = 1/(1 + x).</summary>
internal sealed class Log1p : Node
{
    private Log1p(Tensor x) : base(x) => Save(x);

    public static Tensor Apply(Tensor x)
    {
        var r = UnaryForward.Run<Log1pOp>(x);
        return ShouldRecord(x) ? r.Attach(new Log1p(x)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) => [g / (Saved(0) + 1.0)];
}

/// <summary>
/// tanh x. d/dx = 1 − tanh²x (from the saved output). A primitive rather than the composite 2σ(2x) − 1, which
/// loses all relative precision near 0.
/// </summary>
internal sealed class Tanh : Node
{
    private Tanh(Tensor x, Tensor output) : base(x) => Save(output);

    public static Tensor Apply(Tensor x)
    {
        var r = UnaryForward.Run<TanhOp>(x);
        return ShouldRecord(x) ? r.Attach(new Tanh(x, r)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) => [g * (1.0 - Saved(0) * Saved(0))];
}

/// <summary>xᵖ for a scalar p. d/dx = p·xᵖ⁻¹.</summary>
internal sealed class Pow : Node
{
    private readonly double _p;

    private Pow(Tensor x, double p) : base(x)
    {
        _p = p;
        Save(x);
    }

    public static Tensor Apply(Tensor x, double p)
    {
        var r = UnaryForward.Run<PowOp>(x, p);
        return ShouldRecord(x) ? r.Attach(new Pow(x, p)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) =>
        [_p == 0 ? g * 0.0 : g * _p * (_p == 2 ? Saved(0) : Saved(0).Pow(_p - 1))];
}

/// <summary>√x. d/dx = 1/(2√x) (from the saved output).</summary>
internal sealed class Sqrt : Node
{
    private Sqrt(Tensor x, Tensor output) : base(x) => Save(output);

    public static Tensor Apply(Tensor x)
    {
        var r = UnaryForward.Run<SqrtOp>(x);
        return ShouldRecord(x) ? r.Attach(new Sqrt(x, r)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) => [g * 0.5 / Saved(0)];
}

/// <summary>|x|. d/dx = sign(x) (0 at the kink, as in PyTorch).</summary>
internal sealed class Abs : Node
{
    private Abs(Tensor x) : base(x) => Save(x);

    public static Tensor Apply(Tensor x)
    {
        var r = UnaryForward.Run<AbsOp>(x);
        return ShouldRecord(x) ? r.Attach(new Abs(x)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) => [g * Saved(0).Sign()];
}

/// <summary>A dtype conversion. ∂: the gradient converted back to the input's dtype.</summary>
internal sealed class Cast : Node
{
    private readonly DType _source;

    private Cast(Tensor x) : base(x) => _source = x.DType;

    public static Tensor Apply(Tensor x, DType dtype)
    {
        var r = x.ConvertedTo(dtype);
        return ShouldRecord(x) ? r.Attach(new Cast(x)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) => [g.To(_source)];
}

/// <summary>An out-of-place copy. d/dx = 1.</summary>
internal sealed class Clone(Tensor x) : Node(x)
{
    public static Tensor Apply(Tensor x)
    {
        var r = Tensor.Empty(x.Shape, x.DType);
        Array.Copy(x.Storage.Data, r.Storage.Data, x.Size);
        return ShouldRecord(x) ? r.Attach(new Clone(x)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) => [g];
}
