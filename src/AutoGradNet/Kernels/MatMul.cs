using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGradNet.Kernels;

/// <summary>
/// Batched matrix multiply <c>[..., m, k] @ [..., k, n]</c> with broadcast batch dimensions. Operands are read through
/// their strides: a transposed matrix (a view with column-major strides) is used in place, never copied.
/// </summary>
internal static class MatMul
{
    public static void Batched(Tensor a, Tensor b, Tensor result, Shape batch)
        => Dispatch.Run(result.DType, new BatchedKernel(a, b, result, batch));

    /// <summary>A matrix inside a buffer: element (i, j) is at <c>Offset + i·RowStride + j·ColStride</c>.</summary>
    private readonly record struct Matrix(int Offset, int RowStride, int ColStride);

    /// <summary>
    /// C (m×n, contiguous) = A·B. When B's rows are contiguous, each row of C accumulates rows of B scaled by A's
    /// entries (SIMD multiply-add); when B's columns are contiguous (B is a transpose), each entry of C is a dot product
    /// of a row of A with a column of B.
    /// </summary>
    private static void Gemm<T>(ReadOnlySpan<T> x, Matrix a, ReadOnlySpan<T> y, Matrix b, Span<T> c, int m, int k, int n, T[] rowScratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        c.Clear();
        if (k == 0) return;
        if (b.ColStride == 1 || n == 1)
        {
            for (var i = 0; i < m; i++)
            {
                var row = c.Slice(i * n, n);
                var ai = a.Offset + i * a.RowStride;
                for (var p = 0; p < k; p++)
                    TensorPrimitives.MultiplyAdd(y.Slice(b.Offset + p * b.RowStride, n), x[ai + p * a.ColStride], row, row);
            }
            return;
        }
        // B is column-major (b.RowStride == 1): C[i, j] = A[i, :] · B[:, j].
        for (var i = 0; i < m; i++)
        {
            ReadOnlySpan<T> aRow;
            var ai = a.Offset + i * a.RowStride;
            if (a.ColStride == 1)
            {
                aRow = x.Slice(ai, k);
            }
            else
            {
                for (var p = 0; p < k; p++) rowScratch[p] = x[ai + p * a.ColStride];
                aRow = rowScratch;
            }
            for (var j = 0; j < n; j++)
                c[i * n + j] = TensorPrimitives.Dot(aRow, y.Slice(b.Offset + j * b.ColStride, k));
        }
    }

    private readonly struct BatchedKernel(Tensor a, Tensor b, Tensor result, Shape batch) : IKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            int m = a.Shape[^2], k = a.Shape[^1], n = b.Shape[^1];
            var d = result.AsSpan<T>();
            if (d.IsEmpty) return;
            // B must have contiguous rows or contiguous columns; anything else is made contiguous first.
            var bOperand = IsRowMajor(b) || IsColumnMajor(b) ? b : b.Detach().Contiguous();
            ReadOnlySpan<T> x = a.StorageSpan<T>(), y = bOperand.StorageSpan<T>();
            var offA = BatchOffsets(a, batch);
            var offB = BatchOffsets(bOperand, batch);
            var scratch = new T[k];
            for (var i = 0; i < offA.Length; i++)
            {
                Gemm(x, MatrixAt(a, offA[i]), y, MatrixAt(bOperand, offB[i]), d.Slice(i * m * n, m * n), m, k, n, scratch);
            }
        }

        private static bool IsRowMajor(Tensor t) => t.Strides[^1] == 1 || t.Shape[^1] == 1;

        private static bool IsColumnMajor(Tensor t) => t.Strides[^2] == 1 || t.Shape[^2] == 1;

        private static Matrix MatrixAt(Tensor t, int offset) => new(offset, t.Strides[^2], t.Strides[^1]);

        /// <summary>Start of each batch's matrix in an operand whose batch dims broadcast to <paramref name="batch"/>.</summary>
        private static int[] BatchOffsets(Tensor operand, Shape batch)
        {
            var batchStrides = new int[batch.Rank];
            var lead = batch.Rank - (operand.Rank - 2);
            for (var i = 0; i < operand.Rank - 2; i++)
                batchStrides[i + lead] = operand.Shape[i] == 1 ? 0 : operand.Strides[i];
            // One "row" of length 1 per batch entry: the row offsets are the matrix starts.
            return Strided.RowOffsets(new Shape([.. batch.Dims, 1]), [.. batchStrides, 0]);
        }
    }
}
