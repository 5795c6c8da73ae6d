using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGradNet.Kernels;

/// <summary>
/// Sum and max over one axis, viewing the input as <c>[outer, n, inner]</c>. Long reductions are split in halves
/// recursively (pairwise summation), so the rounding error of a float32 sum grows like log n rather than n.
/// </summary>
internal static class Reduction
{
    /// <summary>Below this many terms a reduction runs straight through (SIMD); above it, it is split in halves.</summary>
    private const int LeafLength = 1024;

    /// <summary>Below this many rows an axis reduction accumulates row by row; above it, it is split in halves.</summary>
    private const int LeafRows = 64;

    /// <summary>Reduces axis <paramref name="axis"/> of <paramref name="x"/> into <paramref name="result"/> (that axis of length 1).</summary>
    public static void Axis<TOp>(Tensor x, int axis, Tensor result) where TOp : IBinaryOp<TOp>
    {
        if (!x.IsContiguous && Strided.StorageOrder(x) is { } order)
        {
            // A transpose or permute of a contiguous block: reduce it in storage order (the reduced axis' stride is
            // the step between rows or elements, so nothing is gathered), then write the result, which is smaller
            // than the input by the reduced axis, back in this tensor's axis order.
            var stored = Strided.InStorageOrder(x, order);
            var at = Array.IndexOf(order, axis);
            var reduced = Tensor.Empty(stored.Shape.With(at, 1), result.DType);
            Axis<TOp>(stored, at, reduced);
            var strides = new int[order.Length];
            for (var i = 0; i < order.Length; i++) strides[order[i]] = reduced.Strides[i];
            Elementwise.CopyInto(reduced.View(result.Shape, strides, 0), result);
            return;
        }
        var dims = x.Shape.Dims;
        int outer = 1, inner = 1;
        for (var i = 0; i < axis; i++) outer *= dims[i];
        for (var i = axis + 1; i < dims.Length; i++) inner *= dims[i];
        Dispatch.Numeric(x.DType, new AxisKernel<TOp>(x, result, outer, dims[axis], inner));
    }

    /// <summary>Sum of all elements (0 for an empty tensor).</summary>
    public static void SumAll(Tensor x, Tensor result) => Dispatch.Numeric(x.DType, new SumAllKernel(x, result));

    /// <summary>Pairwise sum: straight SIMD sums of at most <see cref="LeafLength"/> terms, combined in a balanced tree.</summary>
    public static T PairwiseSum<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        if (x.Length <= LeafLength) return TensorPrimitives.Sum(x);
        var half = x.Length / 2;
        return PairwiseSum(x[..half]) + PairwiseSum(x[half..]);
    }

    private readonly struct SumAllKernel(Tensor x, Tensor result) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            // A transpose or permute holds the same elements as its storage block: sum that in place, ungathered.
            var order = x.IsContiguous ? null : Strided.StorageOrder(x);
            var elements = order is null ? x.Dense<T>() : Strided.InStorageOrder(x, order).AsSpan<T>();
            result.AsSpan<T>()[0] = PairwiseSum<T>(elements);
        }
    }

    private readonly struct AxisKernel<TOp>(Tensor x, Tensor result, int outer, int n, int inner) : INumericKernel where TOp : IBinaryOp<TOp>
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            ReadOnlySpan<T> src = x.Dense<T>();
            var dst = result.AsSpan<T>();
            if (n == 0) return; // sum over an empty axis is 0, which the zeroed result already holds
            if (inner == 1)
            {
                // The reduced axis is contiguous: fold each row with the SIMD aggregate.
                for (var o = 0; o < outer; o++) dst[o] = TOp.Aggregate(src.Slice(o * n, n));
                return;
            }
            // One scratch row per level of the halving tree.
            var depth = 1;
            for (var rows = n; rows > LeafRows; rows = (rows + 1) / 2) depth++;
            var scratch = n > LeafRows ? new T[depth * inner] : [];
            for (var o = 0; o < outer; o++)
                ReduceRows(src.Slice(o * n * inner, n * inner), n, inner, dst.Slice(o * inner, inner), scratch);
        }

        /// <summary>Reduces <paramref name="rows"/> rows of length <paramref name="inner"/> into <paramref name="acc"/>.</summary>
        private static void ReduceRows<T>(ReadOnlySpan<T> block, int rows, int inner, Span<T> acc, Span<T> scratch)
            where T : unmanaged, INumber<T>
        {
            if (rows <= LeafRows)
            {
                block[..inner].CopyTo(acc);
                for (var j = 1; j < rows; j++) TOp.Apply(acc, block.Slice(j * inner, inner), acc);
                return;
            }
            var half = rows / 2;
            var right = scratch[..inner];
            ReduceRows(block[..(half * inner)], half, inner, acc, scratch[inner..]);
            ReduceRows(block[(half * inner)..], rows - half, inner, right, scratch[inner..]);
            TOp.Apply(acc, right, acc);
        }
    }
}
