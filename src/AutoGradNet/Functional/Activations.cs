namespace AutoGradNet;

/// <summary>
/// Composite functions built only from primitive ops (like <c>torch.nn.functional</c>): their gradients come
/// from the graph traversal through those primitives, never from a hand-written derivative.
/// </summary>
public static partial class Functional
{
    /// <summary>
    /// The logistic sigmoid σ(x) = 1 / (1 + e⁻ˣ), in a form that cannot overflow: with z = e^(−|x|) ≤ 1,
    /// σ(x) = 1/(1+z) for x ≥ 0 and z/(1+z) for x &lt; 0, written as one division where(x ≥ 0, 1, z) / (1 + z).
    /// Both branches stay finite for any x (σ(±1000) is exactly 1 and 0), so their gradients do too.
    /// </summary>
    public static Tensor Sigmoid(Tensor x)
    {
        Ops.Checks.NotNull(x, "Sigmoid", "input");
        x = Ops.Promotion.ToFloating(x); // like PyTorch, an Int64 or Bool input is computed in Float64
        // −|x| as x · s with the constant sign s = −1 where x ≥ 0, else 1: at x = 0 the derivative is taken from the
        // x ≥ 0 branch (abs would give 0 there and lose σ'(0) = 1/4), and the sign costs one recorded op, not two.
        // The mask x ≥ 0 and s are constants (no gradient flows to them): one unrecorded pass makes both, the values of
        // x >= 0 and Tensor.Where(x >= 0, -1.0, 1.0).
        var (nonNegative, sign) = SignOfNegAbs(x);
        var z = (x * sign).Exp();
        return Tensor.Where(nonNegative, x.DType == DType.Float32 ? OneFloat32 : OneFloat64, z) / (1.0 + z);
    }

    // The numerator's constant 1 of the x ≥ 0 branch: 0-d and only ever read (Where keeps no reference to it), so one
    // per dtype serves every call.
    private static readonly Tensor OneFloat64 = Tensor.Scalar(1, DType.Float64);
    private static readonly Tensor OneFloat32 = Tensor.Scalar(1, DType.Float32);

    /// <summary>For a floating-point x: the Bool mask x ≥ 0 and the sign s (−1 where x ≥ 0, 1 elsewhere, NaN included) in x's dtype.</summary>
    private static (Tensor NonNegative, Tensor Sign) SignOfNegAbs(Tensor x)
    {
        var mask = Tensor.Uninitialized(x.Shape, DType.Bool);
        var sign = Tensor.Uninitialized(x.Shape, x.DType);
        Kernels.Dispatch.Run(x.DType, new SignKernel(x, mask, sign));
        return (mask, sign);
    }

    private readonly struct SignKernel(Tensor x, Tensor mask, Tensor sign) : Kernels.IKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var xs = x.Dense<T>();
            var m = mask.AsSpan<bool>();
            var s = sign.AsSpan<T>();
            for (var i = 0; i < xs.Length; i++)
            {
                var nonNegative = xs[i] >= T.Zero;
                m[i] = nonNegative;
                s[i] = nonNegative ? T.NegativeOne : T.One;
            }
        }
    }

    /// <summary>Hyperbolic tangent, the primitive <see cref="Tensor.Tanh"/>: d/dx = 1 − tanh²x.</summary>
    public static Tensor Tanh(Tensor x)
    {
        Ops.Checks.NotNull(x, "Tanh", "input");
        return x.Tanh();
    }

    /// <summary>
    /// ReLU(x) = max(x, 0); its gradient is 1 for x &gt; 0 and 0 otherwise (0 at the kink, as in PyTorch).
    /// NaN passes through, as in PyTorch.
    /// </summary>
    public static Tensor Relu(Tensor x)
    {
        Ops.Checks.NotNull(x, "Relu", "input");
        return Tensor.Where(x <= 0, 0.0, x); // NaN <= 0 is false, so NaN is kept
    }

    /// <summary>
    /// softplus(x) = ln(1 + eˣ) = max(x, 0) + log1p(e^(−|x|)), finite for any x and accurate for very negative x
    /// (softplus(−40) ≈ 4.2e-18, not 0). Both terms select their branch
    /// with the same x ≥ 0 test, so the gradient at 0 is σ(0) = 1/2.
    /// </summary>
    public static Tensor Softplus(Tensor x)
    {
        Ops.Checks.NotNull(x, "Softplus", "input");
        x = Ops.Promotion.ToFloating(x); // like PyTorch, an Int64 or Bool input is computed in Float64
        var nonNegative = x >= 0;
        var positivePart = Tensor.Where(nonNegative, x, 0.0);
        var negAbs = Tensor.Where(nonNegative, -x, x);
        return positivePart + negAbs.Exp().Log1p();
    }

    /// <summary>
    /// Leaky ReLU: x for x &gt; 0, <paramref name="negativeSlope"/>·x otherwise (PyTorch's default slope 0.01); the
    /// gradient at 0 is the slope, as in PyTorch.
    /// </summary>
    public static Tensor LeakyRelu(Tensor x, double negativeSlope = 0.01)
    {
        Ops.Checks.NotNull(x, "LeakyRelu", "input");
        x = Ops.Promotion.ToFloating(x);
        return Tensor.Where(x > 0, x, x * negativeSlope);
    }

    /// <summary>
    /// ELU: x for x &gt; 0, α(eˣ − 1) otherwise (α = <paramref name="alpha"/>, default 1); the gradient at 0 is α, as in
    /// PyTorch. The exponential reads min(x, 0), so a large positive x cannot overflow into a NaN gradient.
    /// </summary>
    public static Tensor Elu(Tensor x, double alpha = 1)
    {
        Ops.Checks.NotNull(x, "Elu", "input");
        x = Ops.Promotion.ToFloating(x);
        var positive = x > 0;
        return Tensor.Where(positive, x, alpha * Tensor.Where(positive, 0.0, x).Expm1());
    }

    /// <summary>GELU, the exact form x·Φ(x) = x·(1 + erf(x/√2))/2 (PyTorch's default <c>approximate='none'</c>).</summary>
    public static Tensor Gelu(Tensor x)
    {
        Ops.Checks.NotNull(x, "Gelu", "input");
        x = Ops.Promotion.ToFloating(x);
        return 0.5 * x * (1.0 + (x * (1 / Math.Sqrt(2))).Erf());
    }

    /// <summary>SiLU (swish): x·σ(x).</summary>
    public static Tensor Silu(Tensor x)
    {
        Ops.Checks.NotNull(x, "Silu", "input");
        x = Ops.Promotion.ToFloating(x);
        return x * Sigmoid(x);
    }
}
