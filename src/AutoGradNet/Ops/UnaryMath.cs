using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGradNet.Ops;

// More elementwise unary primitives (trigonometric, hyperbolic, erf, powers): each is its forward kernel and, beside
// it, its derivative. Where TensorPrimitives loses relative precision (sinh and expm1 near 0), a scalar loop is used.

/// <summary>sin x. d/dx = cos x.</summary>
internal readonly struct Sin : IUnaryFunction
{
    public static string Name => "Sin";
    public static Saves Saves => Saves.Inputs;
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sin(x, y);
    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => g * x.Cos();
}

/// <summary>cos x. d/dx = −sin x.</summary>
internal readonly struct Cos : IUnaryFunction
{
    public static string Name => "Cos";
    public static Saves Saves => Saves.Inputs;
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Cos(x, y);
    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => -g * x.Sin();
}

/// <summary>arctan x. d/dx = 1/(1 + x²).</summary>
internal readonly struct Atan : IUnaryFunction
{
    public static string Name => "Atan";
    public static Saves Saves => Saves.Inputs;
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Atan(x, y);
    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => g / (x.Square() + 1.0);
}

/// <summary>arcsin x (NaN outside [−1, 1]). d/dx = 1/√(1 − x²).</summary>
internal readonly struct Asin : IUnaryFunction
{
    public static string Name => "Asin";
    public static Saves Saves => Saves.Inputs;
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Asin(x, y);
    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => g * (1.0 - x.Square()).Rsqrt();
}

/// <summary>
/// sinh x. d/dx = cosh x. The scalar library function keeps full relative precision near 0, where
/// (eˣ − e⁻ˣ)/2 cancels.
/// </summary>
internal readonly struct Sinh : IUnaryFunction
{
    public static string Name => "Sinh";
    public static Saves Saves => Saves.Inputs;

    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < y.Length; i++) y[i] = T.Sinh(x[i]);
    }

    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => g * x.Cosh();
}

/// <summary>cosh x. d/dx = sinh x.</summary>
internal readonly struct Cosh : IUnaryFunction
{
    public static string Name => "Cosh";
    public static Saves Saves => Saves.Inputs;

    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < y.Length; i++) y[i] = T.Cosh(x[i]);
    }

    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => g * x.Sinh();
}

/// <summary>
/// eˣ − 1, accurate for tiny x. d/dx = eˣ = y + 1 (from the saved output). With u = eˣ (rounded),
/// eˣ − 1 ≈ (u − 1)·x/ln u, which cancels the rounding of u (Kahan's method); exactly x when u rounds to 1.
/// (.NET's <c>double.ExpM1</c> is <c>Exp(x) − 1</c>, which loses all relative precision near 0.)
/// </summary>
internal readonly struct Expm1 : IUnaryFunction
{
    public static string Name => "Expm1";
    public static Saves Saves => Saves.Output;

    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < y.Length; i++)
        {
            var v = x[i];
            var u = T.Exp(v);
            y[i] = u == T.One ? v
                : u - T.One == -T.One || T.IsInfinity(u) || T.IsNaN(u) ? u - T.One
                : (u - T.One) * v / T.Log(u);
        }
    }

    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => g * (y + 1.0);
}

/// <summary>
/// The error function erf x = 2/√π ∫₀ˣ e^(−t²) dt. d/dx = 2/√π · e^(−x²). Computed in double precision
/// (<see cref="ErfMath"/>), float32 results rounded from it.
/// </summary>
internal readonly struct Erf : IUnaryFunction
{
    public static string Name => "Erf";
    public static Saves Saves => Saves.Inputs;

    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < y.Length; i++) y[i] = T.CreateTruncating(ErfMath.Erf(double.CreateTruncating(x[i])));
    }

    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => g * ErfMath.TwoOverSqrtPi * (-x.Square()).Exp();
}

/// <summary>1/x. d/dx = −1/x² = −y² (from the saved output).</summary>
internal readonly struct Reciprocal : IUnaryFunction
{
    public static string Name => "Reciprocal";
    public static Saves Saves => Saves.Output;
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Reciprocal(x, y);
    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => -g * y.Square();
}

/// <summary>x². d/dx = 2x.</summary>
internal readonly struct Square : IUnaryFunction
{
    public static string Name => "Square";
    public static Saves Saves => Saves.Inputs;
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(x, x, y);
    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => g * 2.0 * x;
}

/// <summary>1/√x. d/dx = −½·x^(−3/2) = −½·y³ (from the saved output).</summary>
internal readonly struct Rsqrt : IUnaryFunction
{
    public static string Name => "Rsqrt";
    public static Saves Saves => Saves.Output;

    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < y.Length; i++) y[i] = T.One / T.Sqrt(x[i]);
    }

    public static Tensor Backward(Tensor g, Tensor x, Tensor y) => g * -0.5 * y * y.Square();
}

/// <summary>The error function in double precision (relative error about 1e-15).</summary>
internal static class ErfMath
{
    /// <summary>2/√π.</summary>
    public const double TwoOverSqrtPi = 1.1283791670955126;

    /// <summary>
    /// erf x. For |x| &lt; 2.5 the series erf x = 2/√π · e^(−x²) · Σₙ 2ⁿx^(2n+1)/(1·3·…·(2n+1)), whose terms are all
    /// positive (no cancellation); for 2.5 ≤ |x| &lt; 6, 1 − erfc x with erfc from its continued fraction
    /// erfc x = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))); beyond 6, erf x rounds to ±1.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        var a = Math.Abs(x);
        var r = a < 2.5 ? Series(a) : a < 6 ? 1 - ErfcContinuedFraction(a) : 1.0;
        return double.CopySign(r, x);
    }

    /// <summary>e^(−a²) with the rounding error of a² compensated (a² = hi + lo exactly, e^(−lo) ≈ 1 − lo).</summary>
    internal static double ExpMinusSquare(double a)
    {
        var hi = a * a;
        var lo = Math.FusedMultiplyAdd(a, a, -hi);
        return Math.Exp(-hi) * (1 - lo);
    }

    private static double Series(double a)
    {
        var a2 = a * a;
        double term = a, sum = a;
        for (var n = 1; n < 200 && term > sum * 1e-17; n++)
        {
            term *= 2 * a2 / (2 * n + 1);
            sum += term;
        }
        return TwoOverSqrtPi * ExpMinusSquare(a) * sum;
    }

    private static double ErfcContinuedFraction(double a)
    {
        var f = a;
        for (var n = 60; n >= 1; n--) f = a + n * 0.5 / f;
        return ExpMinusSquare(a) / (Math.Sqrt(Math.PI) * f);
    }
}
