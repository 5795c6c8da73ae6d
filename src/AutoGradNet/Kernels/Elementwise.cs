using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGradNet.Kernels;

/// <summary>An elementwise binary operation; the span forms default to a scalar loop and SIMD ops override them.</summary>
internal interface IBinaryOp<TSelf> where TSelf : IBinaryOp<TSelf>
{
    static abstract T Apply<T>(T a, T b) where T : unmanaged, INumber<T>;

    static virtual void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T>
    {
        for (var i = 0; i < d.Length; i++) d[i] = TSelf.Apply(a[i], b[i]);
    }

    static virtual void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, INumber<T>
    {
        for (var i = 0; i < d.Length; i++) d[i] = TSelf.Apply(a[i], b);
    }

    static virtual void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T>
    {
        for (var i = 0; i < d.Length; i++) d[i] = TSelf.Apply(a, b[i]);
    }

    /// <summary>Folds a non-empty span with the operation (used by reductions along a contiguous axis).</summary>
    static virtual T Aggregate<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        var acc = x[0];
        for (var i = 1; i < x.Length; i++) acc = TSelf.Apply(acc, x[i]);
        return acc;
    }
}

/// <summary>An elementwise unary operation with an optional scalar argument (the exponent of pow).</summary>
internal interface IUnaryOp
{
    static abstract void Apply<T>(ReadOnlySpan<T> x, Span<T> d, T arg) where T : unmanaged, IFloatingPointIeee754<T>;
}

internal readonly struct AddOp : IBinaryOp<AddOp>
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a + b;
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Add(a, b, d);
    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Add(a, b, d);
    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Add(b, a, d);
    public static T Aggregate<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => Reduction.PairwiseSum(x);
}

internal readonly struct SubOp : IBinaryOp<SubOp>
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a - b;
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Subtract(a, b, d);
    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Subtract(a, b, d);
    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Subtract(a, b, d);
}

internal readonly struct MulOp : IBinaryOp<MulOp>
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a * b;
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(a, b, d);
    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(a, b, d);
    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(b, a, d);
}

internal readonly struct DivOp : IBinaryOp<DivOp>
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => a / b;
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Divide(a, b, d);
    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Divide(a, b, d);
    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Divide(a, b, d);
}

/// <summary>Elementwise maximum, used by max-reductions; NaN wins, as in PyTorch.</summary>
internal readonly struct MaxOp : IBinaryOp<MaxOp>
{
    public static T Apply<T>(T a, T b) where T : unmanaged, INumber<T> => T.Max(a, b);
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Max(a, b, d);
    public static T Aggregate<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => TensorPrimitives.Max(x);
}

/// <summary>Sign as −1, 0 or +1 (NaN stays NaN).</summary>
internal readonly struct SignOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d, T arg) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < d.Length; i++)
            d[i] = T.IsNaN(x[i]) ? x[i] : T.CreateTruncating(T.Sign(x[i]));
    }
}

/// <summary>x^arg for a scalar exponent.</summary>
internal readonly struct PowOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d, T arg) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (arg == T.CreateTruncating(2))
            TensorPrimitives.Multiply(x, x, d);
        else
            TensorPrimitives.Pow(x, arg, d);
    }
}

/// <summary>A test of one element, giving a <see cref="bool"/> (isnan, isfinite).</summary>
internal interface IPredicateOp
{
    static abstract bool Test<T>(T x) where T : unmanaged, INumber<T>;
}

internal readonly struct IsNaNOp : IPredicateOp
{
    public static bool Test<T>(T x) where T : unmanaged, INumber<T> => T.IsNaN(x);
}

internal readonly struct IsFiniteOp : IPredicateOp
{
    public static bool Test<T>(T x) where T : unmanaged, INumber<T> => T.IsFinite(x);
}

/// <summary>A comparison of two elements, giving a <see cref="bool"/>.</summary>
internal interface ICompareOp
{
    static abstract bool Test<T>(T a, T b) where T : unmanaged, INumber<T>;
}

internal readonly struct GreaterOp : ICompareOp
{
    public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a > b;
}

internal readonly struct GreaterEqualOp : ICompareOp
{
    public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a >= b;
}

internal readonly struct LessOp : ICompareOp
{
    public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a < b;
}

internal readonly struct LessEqualOp : ICompareOp
{
    public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a <= b;
}

internal readonly struct EqualOp : ICompareOp
{
    public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a == b;
}

internal readonly struct NotEqualOp : ICompareOp
{
    public static bool Test<T>(T a, T b) where T : unmanaged, INumber<T> => a != b;
}
