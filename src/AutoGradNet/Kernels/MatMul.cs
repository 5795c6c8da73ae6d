using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGradNet.Kernels;

/// <summary>Batched matrix multiply <c>[..., m, k] @ [..., k, n]</c> with broadcast batch dimensions.</summary>
internal static class MatMul
{
    public static void Batched(Tensor a, Tensor b, Tensor result, Shape batch)
        => Dispatch.Run(result.DType, new BatchedKernel(a, b, result, batch));

    /// <summary>C = A·B for row-major A (m×k), B (k×n), C (m×n): each row of C accumulates rows of B scaled by A's entries (SIMD multiply-add).</summary>
    private static void Gemm<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        c.Clear();
        for (var i = 0; i < m; i++)
        {
            var row = c.Slice(i * n, n);
            for (var p = 0; p < k; p++)
            {
                TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), a[i * k + p], row, row);
            }
        }
    }

    private readonly struct BatchedKernel(Tensor a, Tensor b, Tensor result, Shape batch) : IKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            int m = a.Shape[^2], k = a.Shape[^1], n = b.Shape[^1];
            ReadOnlySpan<T> x = a.AsSpan<T>(), y = b.AsSpan<T>();
            var d = result.AsSpan<T>();
            var offA = BatchOffsets(a.Shape, batch, m * k);
            var offB = BatchOffsets(b.Shape, batch, k * n);
            for (var i = 0; i < offA.Length; i++)
                Gemm(x.Slice(offA[i], m * k), y.Slice(offB[i], k * n), d.Slice(i * m * n, m * n), m, k, n);
        }

        /// <summary>Start of each batch's matrix in an operand whose batch dims broadcast to <paramref name="batch"/>.</summary>
        private static int[] BatchOffsets(Shape operand, Shape batch, int matrixSize)
        {
            var own = new Shape(operand.Dims[..^2]);
            var strides = own.BroadcastStrides(batch);
            for (var i = 0; i < strides.Length; i++) strides[i] *= matrixSize;
            // One "row" of length 1 per batch entry: the row offsets are the matrix starts.
            return Strided.RowOffsets(new Shape([.. batch.Dims, 1]), [.. strides, 0]);
        }
    }
}
