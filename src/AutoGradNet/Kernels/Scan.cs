using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGradNet.Kernels;

/// <summary>
/// Running sums and products along one axis, viewing the tensor as <c>[outer, n, inner]</c>:
/// <c>y[o, j, i] = x[o, 0, i] ⊕ … ⊕ x[o, j, i]</c>, or from the end (<c>x[o, j, i] ⊕ … ⊕ x[o, n−1, i]</c>) when reversed.
/// When <c>inner &gt; 1</c> each step combines whole rows of length <c>inner</c> with SIMD.
/// </summary>
internal static class Scan
{
    /// <summary>Running sum of <paramref name="x"/> along <paramref name="axis"/> into the contiguous <paramref name="result"/>.</summary>
    public static void CumSum(Tensor x, int axis, bool reverse, Tensor result)
        => Dispatch.Numeric(x.DType, new ScanKernel<AddScan>(x, axis, reverse, result));

    /// <summary>Running product of <paramref name="x"/> along <paramref name="axis"/> into the contiguous <paramref name="result"/>.</summary>
    public static void CumProd(Tensor x, int axis, Tensor result)
        => Dispatch.Numeric(x.DType, new ScanKernel<MulScan>(x, axis, false, result));

    private interface IScanOp
    {
        static abstract T Apply<T>(T a, T b) where T : INumber<T>;

        static abstract void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : INumber<T>;
    }

    private readonly struct AddScan : IScanOp
    {
        public static T Apply<T>(T a, T b) where T : INumber<T> => a + b;

        public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : INumber<T> => TensorPrimitives.Add(a, b, y);
    }

    private readonly struct MulScan : IScanOp
    {
        public static T Apply<T>(T a, T b) where T : INumber<T> => a * b;

        public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : INumber<T> => TensorPrimitives.Multiply(a, b, y);
    }

    private readonly struct ScanKernel<TOp>(Tensor x, int axis, bool reverse, Tensor result) : INumericKernel where TOp : IScanOp
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var src = x.Dense<T>();
            var dst = result.AsSpan<T>();
            if (src.Length == 0) return;
            var (outer, inner) = x.Rank == 0 ? (1, 1) : Layout.Split(x.Shape, axis);
            var n = x.Rank == 0 ? 1 : x.Shape[axis];
            for (var o = 0; o < outer; o++)
            {
                var block = o * n * inner;
                if (inner == 1)
                {
                    // The scanned axis is contiguous: a plain running total.
                    if (reverse)
                    {
                        var acc = src[block + n - 1];
                        dst[block + n - 1] = acc;
                        for (var j = n - 2; j >= 0; j--) dst[block + j] = acc = TOp.Apply(src[block + j], acc);
                    }
                    else
                    {
                        var acc = src[block];
                        dst[block] = acc;
                        for (var j = 1; j < n; j++) dst[block + j] = acc = TOp.Apply(acc, src[block + j]);
                    }
                    continue;
                }
                // Row j combines row j − 1 (or j + 1 when reversed) of the result with row j of the input.
                var first = reverse ? n - 1 : 0;
                src.Slice(block + first * inner, inner).CopyTo(dst.Slice(block + first * inner, inner));
                var step = reverse ? -1 : 1;
                for (var k = 1; k < n; k++)
                {
                    var j = first + k * step;
                    var row = dst.Slice(block + j * inner, inner);
                    TOp.Apply<T>(dst.Slice(block + (j - step) * inner, inner), src.Slice(block + j * inner, inner), row);
                }
            }
        }
    }
}
