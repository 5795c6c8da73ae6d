using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGradNet.Kernels;

/// <summary>An elementwise binary operation; the span forms default to a scalar loop and SIMD ops override them.</summary>
internal interface IBinaryOp<TSelf> where TSelf : IBinaryOp<TSelf>
{
    static abstract T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;

    static virtual void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < d.Length; i++) d[i] = TSelf.Apply(a[i], b[i]);
    }

    static virtual void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < d.Length; i++) d[i] = TSelf.Apply(a[i], b);
    }

    static virtual void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < d.Length; i++) d[i] = TSelf.Apply(a, b[i]);
    }

    /// <summary>Folds a non-empty span with the operation (used by reductions along a contiguous axis).</summary>
    static virtual T Aggregate<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
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
    public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a + b;
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(a, b, d);
    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(a, b, d);
    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(b, a, d);
    public static T Aggregate<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Reduction.PairwiseSum(x);
}

internal readonly struct SubOp : IBinaryOp<SubOp>
{
    public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a - b;
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, d);
    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, d);
    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, d);
}

internal readonly struct MulOp : IBinaryOp<MulOp>
{
    public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a * b;
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(a, b, d);
    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(a, b, d);
    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(b, a, d);
}

internal readonly struct DivOp : IBinaryOp<DivOp>
{
    public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a / b;
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, d);
    public static void Apply<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, d);
    public static void Apply<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, d);
}

/// <summary>Elementwise maximum, used by max-reductions; NaN wins, as in PyTorch.</summary>
internal readonly struct MaxOp : IBinaryOp<MaxOp>
{
    public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Max(a, b);
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(a, b, d);
    public static T Aggregate<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x);
}

internal readonly struct GreaterOp : IBinaryOp<GreaterOp>
{
    public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a > b ? T.One : T.Zero;
}

internal readonly struct GreaterEqualOp : IBinaryOp<GreaterEqualOp>
{
    public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a >= b ? T.One : T.Zero;
}

internal readonly struct LessOp : IBinaryOp<LessOp>
{
    public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a < b ? T.One : T.Zero;
}

internal readonly struct LessEqualOp : IBinaryOp<LessEqualOp>
{
    public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a <= b ? T.One : T.Zero;
}

internal readonly struct EqualOp : IBinaryOp<EqualOp>
{
    public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a == b ? T.One : T.Zero;
}

internal readonly struct NotEqualOp : IBinaryOp<NotEqualOp>
{
    public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a != b ? T.One : T.Zero;
}

internal readonly struct NegOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d, T arg) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Negate(x, d);
}

internal readonly struct ExpOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d, T arg) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Exp(x, d);
}

internal readonly struct LogOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d, T arg) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Log(x, d);
}

internal readonly struct SqrtOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d, T arg) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sqrt(x, d);
}

internal readonly struct AbsOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d, T arg) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Abs(x, d);
}

/// <summary>
/// tanh x with the scalar library function: TensorPrimitives.Tanh (System.Numerics.Tensors 10.0) loses relative
/// precision near 0 (8e-8 at x = 1e-10 in float64; 3e-5 at 1e-4 and −0 at 1e-8 in float32).
/// </summary>
internal readonly struct TanhOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d, T arg) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < d.Length; i++) d[i] = T.Tanh(x[i]);
    }
}

/// <summary>
/// ln(1 + x), accurate for tiny x where 1 + x rounds: with u = 1 + x (rounded), ln(1 + x) ≈ ln(u)·x/(u − 1),
/// which cancels the rounding of u (Goldberg's method); exactly x when u rounds to 1.
/// </summary>
internal readonly struct Log1pOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d, T arg) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < d.Length; i++)
        {
            var v = x[i];
            var u = T.One + v;
            d[i] = u == T.One ? v : (T.IsInfinity(u) ? T.Log(u) : T.Log(u) * v / (u - T.One));
        }
    }
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

/// <summary>1 where the value is NaN, else 0.</summary>
internal readonly struct IsNaNOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d, T arg) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < d.Length; i++) d[i] = T.IsNaN(x[i]) ? T.One : T.Zero;
    }
}

/// <summary>1 where the value is finite, else 0.</summary>
internal readonly struct IsFiniteOp : IUnaryOp
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d, T arg) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < d.Length; i++) d[i] = T.IsFinite(x[i]) ? T.One : T.Zero;
    }
}

/// <summary>Elementwise kernels over whole tensors, with numpy broadcasting for binary ones.</summary>
internal static class Elementwise
{
    /// <summary>Computes <c>op(a, b)</c> into <paramref name="result"/>, whose shape is the broadcast of both.</summary>
    public static void Binary<TOp>(Tensor a, Tensor b, Tensor result) where TOp : IBinaryOp<TOp>
        => Dispatch.Run(result.DType, new BinaryKernel<TOp>(a, b, result));

    public static void Unary<TOp>(Tensor x, Tensor result, double arg = 0) where TOp : IUnaryOp
        => Dispatch.Run(result.DType, new UnaryKernel<TOp>(x, result, arg));

    /// <summary>Elementwise <c>cond != 0 ? a : b</c> with all three broadcast to <paramref name="result"/>'s shape.</summary>
    public static void Where(Tensor cond, Tensor a, Tensor b, Tensor result)
        => Dispatch.Run(result.DType, new WhereKernel(cond, a, b, result));

    /// <summary>Materializes <paramref name="x"/> broadcast to <paramref name="result"/>'s shape.</summary>
    public static void BroadcastTo(Tensor x, Tensor result)
        => Dispatch.Run(result.DType, new BroadcastKernel(x, result));

    private readonly struct UnaryKernel<TOp>(Tensor x, Tensor result, double arg) : IKernel where TOp : IUnaryOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
            => TOp.Apply<T>(x.AsSpan<T>(), result.AsSpan<T>(), T.CreateTruncating(arg));
    }

    private readonly struct BroadcastKernel(Tensor x, Tensor result) : IKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
            => Strided.Gather<T>(x.AsSpan<T>(), x.Shape.BroadcastStrides(result.Shape), result.Shape, result.AsSpan<T>());
    }

    private readonly struct WhereKernel(Tensor cond, Tensor a, Tensor b, Tensor result) : IKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var c = Expand<T>(cond, result.Shape);
            var x = Expand<T>(a, result.Shape);
            var y = Expand<T>(b, result.Shape);
            var d = result.AsSpan<T>();
            for (var i = 0; i < d.Length; i++) d[i] = c[i] != T.Zero ? x[i] : y[i];
        }

        private static ReadOnlySpan<T> Expand<T>(Tensor t, Shape shape) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (t.Shape == shape) return t.AsSpan<T>();
            var buffer = new T[shape.Size];
            Strided.Gather<T>(t.AsSpan<T>(), t.Shape.BroadcastStrides(shape), shape, buffer);
            return buffer;
        }
    }

    private readonly struct BinaryKernel<TOp>(Tensor a, Tensor b, Tensor result) : IKernel where TOp : IBinaryOp<TOp>
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            ReadOnlySpan<T> x = a.AsSpan<T>(), y = b.AsSpan<T>();
            var d = result.AsSpan<T>();
            var shape = result.Shape;
            if (a.Shape == shape && b.Shape == shape) { TOp.Apply(x, y, d); return; }
            if (a.Shape == shape && b.Size == 1) { TOp.Apply(x, y[0], d); return; }
            if (b.Shape == shape && a.Size == 1) { TOp.Apply(x[0], y, d); return; }
            if (shape.Size == 0) return;

            // General broadcast: walk the output row by row; within a row each operand is either
            // contiguous (stride 1) or a single repeated value (stride 0).
            var sa = a.Shape.BroadcastStrides(shape);
            var sb = b.Shape.BroadcastStrides(shape);
            var n = shape[shape.Rank - 1];
            bool aRow = sa[^1] == 1 || n == 1, bRow = sb[^1] == 1 || n == 1;
            var oa = Strided.RowOffsets(shape, sa);
            var ob = Strided.RowOffsets(shape, sb);
            for (var r = 0; r < oa.Length; r++)
            {
                var dst = d.Slice(r * n, n);
                if (aRow && bRow) TOp.Apply(x.Slice(oa[r], n), y.Slice(ob[r], n), dst);
                else if (aRow) TOp.Apply(x.Slice(oa[r], n), y[ob[r]], dst);
                else if (bRow) TOp.Apply(x[oa[r]], y.Slice(ob[r], n), dst);
                else dst.Fill(TOp.Apply(x[oa[r]], y[ob[r]]));
            }
        }
    }
}
