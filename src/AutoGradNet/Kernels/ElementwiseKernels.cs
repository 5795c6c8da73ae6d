using System.Numerics;
using System.Runtime.Intrinsics;

namespace AutoGradNet.Kernels;

/// <summary>
/// Elementwise kernels over whole tensors, with numpy broadcasting for binary ones. Inputs are read through their
/// strides (views are not copied first); results are fresh contiguous tensors.
/// </summary>
internal static class Elementwise
{
    /// <summary>Computes <c>op(a, b)</c> into contiguous <paramref name="result"/>, whose shape is the broadcast of both; all share its dtype.</summary>
    public static void Binary<TOp>(Tensor a, Tensor b, Tensor result) where TOp : IBinaryOp<TOp>
        => Dispatch.Numeric(result.DType, new BinaryKernel<TOp>(a, b, result));

    /// <summary>Applies a floating-point unary function into contiguous <paramref name="result"/>.</summary>
    public static void Unary<TOp>(Tensor x, Tensor result, double arg = 0) where TOp : IUnaryOp
        => Dispatch.Run(result.DType, new UnaryKernel<TOp>(x, result, arg));

    /// <summary>Writes <c>op(a, b)</c> (operands of one numeric dtype, broadcast) into Bool <paramref name="result"/>.</summary>
    public static void Compare<TOp>(Tensor a, Tensor b, Tensor result) where TOp : ICompareOp
        => Dispatch.Numeric(a.DType, new CompareKernel<TOp>(a, b, result));

    /// <summary>Writes <c>op(x)</c> for each element of numeric <paramref name="x"/> into Bool <paramref name="result"/>.</summary>
    public static void Predicate<TOp>(Tensor x, Tensor result) where TOp : IPredicateOp
        => Dispatch.Numeric(x.DType, new PredicateKernel<TOp>(x, result));

    /// <summary>Elementwise <c>cond ? a : b</c> (cond Bool) with all three broadcast to <paramref name="result"/>'s shape.</summary>
    public static void Where(Tensor cond, Tensor a, Tensor b, Tensor result)
        => Dispatch.Copy(result.DType, new WhereKernel(cond, a, b, result));

    /// <summary>
    /// Writes <paramref name="x"/>, broadcast to <paramref name="target"/>'s shape, into <paramref name="target"/>
    /// through its strides (it may be a view); the dtypes must match.
    /// </summary>
    public static void CopyInto(Tensor x, Tensor target)
        => Dispatch.Copy(target.DType, new CopyKernel(x, target));

    /// <summary>The elements of <paramref name="t"/> broadcast to <paramref name="shape"/>, in row-major order (no copy when already so).</summary>
    public static ReadOnlySpan<T> Expand<T>(Tensor t, Shape shape)
    {
        if (t.Shape == shape) return t.Dense<T>();
        var buffer = new T[shape.Size];
        Strided.Gather<T>(t.StorageSpan<T>(), t.BroadcastStrides(shape), shape, buffer);
        return buffer;
    }

    /// <summary>
    /// Like <see cref="Expand{T}"/>, but a single-element operand broadcast to a larger shape is returned as
    /// <paramref name="scalar"/> (the span is then empty) instead of being copied out to the whole shape.
    /// </summary>
    private static ReadOnlySpan<T> ExpandOrScalar<T>(Tensor t, Shape shape, out T scalar)
    {
        if (t.Size == 1 && shape.Size > 1)
        {
            scalar = t.StorageSpan<T>()[0];
            return default;
        }
        scalar = default!;
        return Expand<T>(t, shape);
    }

    private readonly struct UnaryKernel<TOp>(Tensor x, Tensor result, double arg) : IKernel where TOp : IUnaryOp
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
            => TOp.Apply<T>(x.Dense<T>(), result.AsSpan<T>(), T.CreateTruncating(arg));
    }

    private readonly struct CopyKernel(Tensor x, Tensor target) : ICopyKernel
    {
        public void Run<T>() where T : unmanaged
        {
            if (target.IsContiguous)
            {
                var dst = target.AsSpan<T>();
                // A strided or broadcast source is gathered straight into the target, without a dense copy in between;
                // a source sharing the target's storage is read whole first (Expand copies it), as below.
                if ((x.IsContiguous && x.Shape == target.Shape) || ReferenceEquals(x.Storage, target.Storage) || dst.IsEmpty)
                    Expand<T>(x, target.Shape).CopyTo(dst);
                else
                    Strided.Gather(x.StorageSpan<T>(), x.BroadcastStrides(target.Shape), target.Shape, dst);
                return;
            }
            var src = Expand<T>(x, target.Shape);
            // Expand returns the storage itself only for a contiguous source of the target's shape; if that storage is
            // the target's (x.T.CopyFrom(x)), read it whole before the strided writes begin.
            if (ReferenceEquals(x.Storage, target.Storage) && x.IsContiguous && x.Shape == target.Shape) src = src.ToArray();
            Strided.Scatter(src, ((T[])target.Storage.Data).AsSpan(target.StorageOffset), target.StrideArray, target.Shape);
        }
    }

    private readonly struct WhereKernel(Tensor cond, Tensor a, Tensor b, Tensor result) : ICopyKernel
    {
        public void Run<T>() where T : unmanaged
        {
            // Scalar branches (ReLU's 0, the sigmoid's constants) are read once, not copied out to the whole shape.
            var c = Expand<bool>(cond, result.Shape);
            var x = ExpandOrScalar<T>(a, result.Shape, out var x0);
            var y = ExpandOrScalar<T>(b, result.Shape, out var y0);
            bool xs = x.IsEmpty, ys = y.IsEmpty;
            var d = result.AsSpan<T>();
            var i = Vector256.IsHardwareAccelerated ? SelectVectorized(c, x, x0, y, y0, d) : 0;
            for (; i < d.Length; i++) d[i] = c[i] ? (xs ? x0 : x[i]) : (ys ? y0 : y[i]);
        }

        /// <summary>
        /// The SIMD part of where for 4- and 8-byte elements: each Bool byte is widened into a lane mask and the lanes are
        /// blended, with no branch per element (the branch on a ReLU mask mispredicts half the time). Returns how many
        /// leading elements it wrote.
        /// </summary>
        private static unsafe int SelectVectorized<T>(ReadOnlySpan<bool> c, ReadOnlySpan<T> x, T x0, ReadOnlySpan<T> y, T y0, Span<T> d)
            where T : unmanaged
        {
            if (sizeof(T) != 4 && sizeof(T) != 8) return 0;
            var lanes = Vector256<T>.Count;
            var n = d.Length - d.Length % lanes;
            fixed (bool* pc = c)
            fixed (T* px = x, py = y, pd = d)
            {
                var sx = Vector256.Create(x0);
                var sy = Vector256.Create(y0);
                for (var i = 0; i < n; i += lanes)
                {
                    var mask = Mask<T>(pc + i);
                    var vx = x.IsEmpty ? sx : Vector256.Load(px + i);
                    var vy = y.IsEmpty ? sy : Vector256.Load(py + i);
                    Vector256.ConditionalSelect(mask, vx, vy).Store(pd + i);
                }
            }
            return n;
        }

        /// <summary>All-ones lanes where the Bool bytes at <paramref name="c"/> are true (8 bytes for 4-byte lanes, 4 for 8-byte).</summary>
        private static unsafe Vector256<T> Mask<T>(bool* c) where T : unmanaged
        {
            if (sizeof(T) == 4)
            {
                var bytes = Vector128.CreateScalar(*(ulong*)c).AsByte();
                var words = Vector128.WidenLower(bytes);
                var ints = Vector256.Create(Vector128.WidenLower(words), Vector128.WidenUpper(words));
                return Vector256.GreaterThan(ints, Vector256<uint>.Zero).As<uint, T>();
            }
            var four = Vector128.CreateScalar(*(uint*)c).AsByte();
            var w = Vector128.WidenLower(Vector128.WidenLower(four));
            var longs = Vector256.Create(Vector128.WidenLower(w), Vector128.WidenUpper(w));
            return Vector256.GreaterThan(longs, Vector256<ulong>.Zero).As<ulong, T>();
        }
    }

    private readonly struct CompareKernel<TOp>(Tensor a, Tensor b, Tensor result) : INumericKernel where TOp : ICompareOp
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var x = ExpandOrScalar<T>(a, result.Shape, out var x0);
            var y = ExpandOrScalar<T>(b, result.Shape, out var y0);
            var d = result.AsSpan<bool>();
            if (y.IsEmpty && !x.IsEmpty)
            {
                for (var i = 0; i < d.Length; i++) d[i] = TOp.Test(x[i], y0); // x > 0 and the like
                return;
            }
            bool xs = x.IsEmpty, ys = y.IsEmpty;
            for (var i = 0; i < d.Length; i++) d[i] = TOp.Test(xs ? x0 : x[i], ys ? y0 : y[i]);
        }
    }

    private readonly struct PredicateKernel<TOp>(Tensor x, Tensor result) : INumericKernel where TOp : IPredicateOp
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var src = x.Dense<T>();
            var d = result.AsSpan<bool>();
            for (var i = 0; i < d.Length; i++) d[i] = TOp.Test(src[i]);
        }
    }

    private readonly struct BinaryKernel<TOp>(Tensor a, Tensor b, Tensor result) : INumericKernel where TOp : IBinaryOp<TOp>
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var d = result.AsSpan<T>();
            var shape = result.Shape;
            if (shape.Size == 0) return;
            bool aFull = a.Shape == shape && a.IsContiguous, bFull = b.Shape == shape && b.IsContiguous;
            ReadOnlySpan<T> x = a.StorageSpan<T>(), y = b.StorageSpan<T>();
            if (aFull && bFull) { TOp.Apply(x[..d.Length], y[..d.Length], d); return; }
            if (aFull && b.Size == 1) { TOp.Apply(x[..d.Length], y[0], d); return; }
            if (bFull && a.Size == 1) { TOp.Apply(x[0], y[..d.Length], d); return; }

            // General case: walk the output row by row. Within a row an operand is contiguous (stride 1), a single
            // repeated value (stride 0), or strided, in which case the row is gathered into a scratch buffer first.
            var sa = a.BroadcastStrides(shape);
            var sb = b.BroadcastStrides(shape);
            var n = shape[shape.Rank - 1];
            int ia = n == 1 ? 1 : sa[^1], ib = n == 1 ? 1 : sb[^1];
            var oa = Strided.RowOffsets(shape, sa);
            var ob = Strided.RowOffsets(shape, sb);
            var rowA = ia is 0 or 1 ? [] : new T[n];
            var rowB = ib is 0 or 1 ? [] : new T[n];
            for (var r = 0; r < oa.Length; r++)
            {
                var dst = d.Slice(r * n, n);
                var ra = Row(x, oa[r], ia, n, rowA);
                var rb = Row(y, ob[r], ib, n, rowB);
                if (ia != 0 && ib != 0) TOp.Apply(ra, rb, dst);
                else if (ia != 0) TOp.Apply(ra, y[ob[r]], dst);
                else if (ib != 0) TOp.Apply(x[oa[r]], rb, dst);
                else dst.Fill(TOp.Apply(x[oa[r]], y[ob[r]]));
            }
        }

        private static ReadOnlySpan<T> Row<T>(ReadOnlySpan<T> src, int offset, int stride, int n, T[] scratch)
        {
            if (stride == 0) return default;
            if (stride == 1) return src.Slice(offset, n);
            for (var j = 0; j < n; j++) scratch[j] = src[offset + j * stride];
            return scratch;
        }
    }
}
