using System.Numerics;
using System.Runtime.InteropServices;

namespace AutoGradNet.Kernels;

/// <summary>
/// Batched matrix multiply <c>[..., m, k] @ [..., k, n]</c> with broadcast batch dimensions, on <see cref="Gemm"/>.
/// Operands are read through their strides: a transposed matrix (a view) is used in place, never copied.
/// </summary>
internal static class MatMul
{
    public static void Batched(Tensor a, Tensor b, Tensor result, Shape batch)
        => Dispatch.Run(result.DType, new BatchedKernel(a, b, result, batch));

    private readonly struct BatchedKernel(Tensor a, Tensor b, Tensor result, Shape batch) : IKernel
    {
        public unsafe void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            int m = a.Shape[^2], k = a.Shape[^1], n = b.Shape[^1];
            var d = result.AsSpan<T>();
            if (d.IsEmpty) return;
            if (batch.Rank == 0)
            {
                fixed (T* pa = &MemoryMarshal.GetReference(a.StorageSpan<T>()))
                fixed (T* pb = &MemoryMarshal.GetReference(b.StorageSpan<T>()))
                fixed (T* pc = &MemoryMarshal.GetReference(d))
                {
                    Gemm.Multiply(
                        new Gemm.Operand<T>(pa, a.Strides[0], a.Strides[1]), new Gemm.Operand<T>(pb, b.Strides[0], b.Strides[1]),
                        pc, n, m, n, k, Gemm.ThreadsFor((long)m * n * k, Parallelism.MaxThreads));
                }
                return;
            }
            var offA = BatchOffsets(a, batch);
            var offB = BatchOffsets(b, batch);
            var count = offA.Length;
            var work = (long)m * n * k;
            var threads = Gemm.ThreadsFor(work * count, Parallelism.MaxThreads);
            fixed (T* pa = &MemoryMarshal.GetReference(a.StorageSpan<T>()))
            fixed (T* pb = &MemoryMarshal.GetReference(b.StorageSpan<T>()))
            fixed (T* pc = &MemoryMarshal.GetReference(d))
            {
                var job = new Job<T>(pa, a.Strides[^2], a.Strides[^1], offA, pb, b.Strides[^2], b.Strides[^1], offB, pc, m, n, k);
                if (count == 1 || threads == 1 || Gemm.ThreadsFor(work, threads) > 1)
                {
                    // One product at a time, each split across threads when it is large enough.
                    var inner = Gemm.ThreadsFor(work, threads);
                    for (var i = 0; i < count; i++) job.Run(i, inner);
                }
                else
                {
                    // Many small products: one thread per band of the batch.
                    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
                    {
                        int first = (int)((long)count * t / threads), last = (int)((long)count * (t + 1) / threads);
                        for (var i = first; i < last; i++) job.Run(i, 1);
                    });
                }
            }
        }

        /// <summary>Start of each batch's matrix in an operand whose batch dims broadcast to <paramref name="batch"/>.</summary>
        private static int[] BatchOffsets(Tensor operand, Shape batch)
        {
            var batchStrides = new int[batch.Rank];
            var lead = batch.Rank - (operand.Rank - 2);
            for (var i = 0; i < operand.Rank - 2; i++)
                batchStrides[i + lead] = operand.Shape[i] == 1 ? 0 : operand.Strides[i];
            return Strided.MatrixStarts(batch, batchStrides);
        }
    }

    /// <summary>The pinned operands of a batched product; <see cref="Run"/> computes one batch entry.</summary>
    private sealed unsafe class Job<T>(
        T* a, int rsA, int csA, int[] offA, T* b, int rsB, int csB, int[] offB, T* c, int m, int n, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int i, int threads)
            => Gemm.Multiply(
                new Gemm.Operand<T>(a + offA[i], rsA, csA),
                new Gemm.Operand<T>(b + offB[i], rsB, csB),
                c + (long)i * m * n, n, m, n, k, threads);
    }
}
