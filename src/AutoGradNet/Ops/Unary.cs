using System.Numerics;
using System.Numerics.Tensors;
using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

// Elementwise unary primitives: each is its forward kernel and, beside it, its derivative.

/// <summary>−x. d/dx = −1.</summary>
internal readonly struct Neg : IUnaryFunction
{
    public static string Name => "Neg";
    public static Saves Saves => Saves.None;
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Negate(x, y);
    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => -g;
}

/// <summary>eˣ. d/dx = eˣ (the saved output).</summary>
internal readonly struct Exp : IUnaryFunction
{
    public static string Name => "Exp";
    public static Saves Saves => Saves.Output;
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Exp(x, y);
    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => g * y;
}

/// <summary>ln x. d/dx = 1/x.</summary>
internal readonly struct Log : IUnaryFunction
{
    public static string Name => "Log";
    public static Saves Saves => Saves.Inputs;
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Log(x, y);
    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => g / x;
}

/// <summary>
/// ln(1 + x), accurate for tiny x. d/dx = 1/(1 + x). With u = 1 + x (rounded), ln(1 + x) ≈ ln(u)·x/(u − 1), which
/// cancels the rounding of u (Goldberg's method); exactly x when u rounds to 1.
/// </summary>
internal readonly struct Log1p : IUnaryFunction
{
    public static string Name => "Log1p";
    public static Saves Saves => Saves.Inputs;

    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < y.Length; i++)
        {
            var v = x[i];
            var u = T.One + v;
            y[i] = u == T.One ? v : (T.IsInfinity(u) ? T.Log(u) : T.Log(u) * v / (u - T.One));
        }
    }

    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => g / (x + 1.0);
}

/// <summary>
/// tanh x. d/dx = 1 − tanh²x (from the saved output). A primitive rather than the composite 2σ(2x) − 1, which loses
/// all relative precision near 0. The scalar library function is used: TensorPrimitives.Tanh (System.Numerics.Tensors
/// 10.0) loses relative precision near 0 (8e-8 at x = 1e-10 in float64; 3e-5 at 1e-4 and −0 at 1e-8 in float32).
/// </summary>
internal readonly struct Tanh : IUnaryFunction
{
    public static string Name => "Tanh";
    public static Saves Saves => Saves.Output;

    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < y.Length; i++) y[i] = T.Tanh(x[i]);
    }

    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => g * (1.0 - y * y);
}

/// <summary>√x. d/dx = 1/(2√x) (from the saved output).</summary>
internal readonly struct Sqrt : IUnaryFunction
{
    public static string Name => "Sqrt";
    public static Saves Saves => Saves.Output;
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sqrt(x, y);
    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => g * 0.5 / y;
}

/// <summary>|x|. d/dx = sign(x) (0 at the kink, as in PyTorch).</summary>
internal readonly struct Abs : IUnaryFunction
{
    public static string Name => "Abs";
    public static Saves Saves => Saves.Inputs;
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Abs(x, y);
    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => g * x.Sign();
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

    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["exponent"] = _p };

    public static Tensor Apply(Tensor x, double p)
    {
        x = Promotion.ToFloating(x);
        var r = Tensor.Empty(x.Shape, x.DType);
        Elementwise.Unary<PowOp>(x, r, p);
        return Graph.Record(r, x, p, static (x, p) => new Pow(x, p));
    }

    private protected override Tensor?[] Backward(Tensor g) =>
        [_p == 0 ? g * 0.0 : g * _p * (_p == 2 ? Saved(0) : Saved(0).Pow(_p - 1))];
}

/// <summary>A dtype conversion. ∂: the gradient converted back to the input's dtype (recorded between float types only).</summary>
internal sealed class Cast : Node
{
    private readonly DType _source;

    private Cast(Tensor x) : base(x) => _source = x.DType;

    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["source"] = _source };

    public static Tensor Apply(Tensor x, DType dtype)
    {
        var r = x.ConvertedTo(dtype);
        return Graph.Record(r, x, static (x, _) => new Cast(x));
    }

    private protected override Tensor?[] Backward(Tensor g) => [g.To(_source)];
}

/// <summary>An out-of-place copy into fresh contiguous storage. d/dx = 1.</summary>
internal sealed class Clone(Tensor x) : Node(x)
{
    public static Tensor Apply(Tensor x)
    {
        var r = Tensor.Empty(x.Shape, x.DType);
        Elementwise.CopyInto(x, r);
        return Graph.Record(r, x, static (x, _) => new Clone(x));
    }

    private protected override Tensor?[] Backward(Tensor g) => [g];
}
