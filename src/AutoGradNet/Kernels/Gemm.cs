using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace AutoGradNet.Kernels;

/// <summary>
/// One matrix product C = A·B, C row-major (m×n, row stride <c>ldc</c>, overwritten), A and B read through any strides,
/// so a transposed operand (a view) is used in place. Three strategies:
/// <list type="bullet">
/// <item>matrix·vector (m = 1 or n = 1): dot products or scaled-row sums straight from the operands;</item>
/// <item>small products: plain loops (packing would cost more than it saves);</item>
/// <item>everything else: the packed, cache-blocked algorithm of GotoBLAS/BLIS. Blocks of B (kc×nc) and A (mc×kc) are
/// copied into contiguous panels, and a register-tiled micro-kernel (<see cref="IMicroKernel{T}"/>: AVX-512, AVX2+FMA
/// or portable) computes each MR×NR tile of C with fused multiply-adds. Large products split C's rows or columns across
/// <see cref="Parallelism.MaxThreads"/> threads.</item>
/// </list>
/// Accumulation along k is blocked in every strategy: partial sums of at most <see cref="SumBlock"/> terms are formed
/// first and then added, so the rounding error of float32 grows like blocked summation's, not like k·ε.
/// </summary>
internal static unsafe partial class Gemm
{
    /// <summary>The longest run of terms summed one after another before a partial sum is folded into the result.</summary>
    internal const int SumBlock = 256;

    /// <summary>Which strategy to use; <see cref="Strategy.Auto"/> except in tests, which force each one in turn.</summary>
    internal enum Strategy { Auto, Vector, Small, Packed512, Packed256, PackedPortable }

    /// <summary>
    /// Test hook: forces one strategy for every product started on this thread (<see cref="Strategy.Auto"/> by
    /// default). A forced vector strategy falls back to plain loops when neither side is a vector.
    /// </summary>
    [ThreadStatic] internal static Strategy Forced;

    /// <summary>Below this many multiply-adds (m·n·k) the plain loops win.</summary>
    private const long SmallWork = 4096;

    /// <summary>Below this many multiply-adds one thread does the whole product.</summary>
    private const long ParallelWork = 1L << 20;

    /// <summary>An operand: element (i, j) is at <c>Data[i·RowStride + j·ColStride]</c>.</summary>
    internal readonly struct Operand<T>(T* data, int rowStride, int colStride) where T : unmanaged
    {
        public readonly T* Data = data;
        public readonly int RowStride = rowStride;
        public readonly int ColStride = colStride;

        public T this[int i, int j] => Data[(long)i * RowStride + (long)j * ColStride];

        /// <summary>The sub-matrix starting at (i, j).</summary>
        public Operand<T> At(int i, int j) => new(Data + (long)i * RowStride + (long)j * ColStride, RowStride, ColStride);

        /// <summary>The transpose, as a view.</summary>
        public Operand<T> Transposed => new(Data, ColStride, RowStride);
    }

    /// <summary>C (m×n, row stride ldc) = A (m×k) · B (k×n), using up to <paramref name="threads"/> threads.</summary>
    public static void Multiply<T>(Operand<T> a, Operand<T> b, T* c, int ldc, int m, int n, int k, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            for (var i = 0; i < m; i++) new Span<T>(c + (long)i * ldc, n).Clear();
            return;
        }
        var strategy = Forced != Strategy.Auto ? Forced : Choose<T>(m, n, k);
        switch (strategy)
        {
            case Strategy.Vector when n == 1:
                MatrixVector(a, b.Data, b.RowStride, c, ldc, m, k);
                break;
            case Strategy.Vector when m == 1:
                MatrixVector(b.Transposed, a.Data, a.ColStride, c, 1, n, k);
                break;
            case Strategy.Vector:
            case Strategy.Small:
                Small(a, b, c, ldc, m, n, k);
                break;
            case Strategy.Packed512:
                Packed<T, Kernel512<T>>(a, b, c, ldc, m, n, k, threads);
                break;
            case Strategy.Packed256:
                Packed<T, Kernel256<T>>(a, b, c, ldc, m, n, k, threads);
                break;
            default:
                Packed<T, KernelPortable<T>>(a, b, c, ldc, m, n, k, threads);
                break;
        }
    }

    private static Strategy Choose<T>(int m, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 1 || n == 1) return Strategy.Vector;
        if ((long)m * n * k <= SmallWork && k <= SumBlock) return Strategy.Small;
        if (Kernel512<T>.IsSupported) return Strategy.Packed512;
        if (Kernel256<T>.IsSupported) return Strategy.Packed256;
        return Strategy.PackedPortable;
    }

    /// <summary>How many threads a product of this size should use.</summary>
    public static int ThreadsFor(long work, int maxThreads)
        => work < ParallelWork ? 1 : (int)Math.Min(maxThreads, Math.Max(1, work / (ParallelWork / 2)));

    // ---------------------------------------------------------------- matrix · vector

    /// <summary>
    /// y[i·incY] = Σ_p X[i, p]·v[p·incV] for i &lt; rows: dot products when X's rows are contiguous, sums of scaled
    /// columns when its columns are, plain loops otherwise; each in blocks of <see cref="SumBlock"/> terms.
    /// </summary>
    private static void MatrixVector<T>(Operand<T> x, T* v, int incV, T* y, int incY, int rows, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[]? gathered = null;
        if (incV != 1 && k > 1)
        {
            gathered = new T[k];
            for (var p = 0; p < k; p++) gathered[p] = v[(long)p * incV];
        }
        fixed (T* vc = gathered)
        {
            if (gathered is not null) v = vc;
            if (x.ColStride == 1 || k == 1)
            {
                for (var i = 0; i < rows; i++)
                    y[(long)i * incY] = BlockedDot(new ReadOnlySpan<T>(x.Data + (long)i * x.RowStride, k), new ReadOnlySpan<T>(v, k));
                return;
            }
            if (x.RowStride == 1 && (long)rows * k > SmallWork)
            {
                // Columns of X are contiguous: y = Σ_p v[p]·X[:, p], one block of columns at a time.
                var partial = new T[rows];
                var total = new T[rows];
                for (var p0 = 0; p0 < k; p0 += SumBlock)
                {
                    var p1 = Math.Min(k, p0 + SumBlock);
                    Array.Clear(partial);
                    for (var p = p0; p < p1; p++)
                        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(x.Data + (long)p * x.ColStride, rows), v[p], partial, partial);
                    TensorPrimitives.Add(total, partial, total);
                }
                for (var i = 0; i < rows; i++) y[(long)i * incY] = total[i];
                return;
            }
            for (var i = 0; i < rows; i++)
            {
                var total = T.Zero;
                for (var p0 = 0; p0 < k; p0 += SumBlock)
                {
                    var p1 = Math.Min(k, p0 + SumBlock);
                    var s = T.Zero;
                    for (var p = p0; p < p1; p++) s = T.FusedMultiplyAdd(x[i, p], v[p], s);
                    total += s;
                }
                y[(long)i * incY] = total;
            }
        }
    }

    /// <summary>x·y as a sum of dot products over blocks of <see cref="SumBlock"/> terms.</summary>
    private static T BlockedDot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length <= SumBlock) return TensorPrimitives.Dot(x, y);
        var sum = T.Zero;
        for (var p = 0; p < x.Length; p += SumBlock)
        {
            var len = Math.Min(SumBlock, x.Length - p);
            sum += TensorPrimitives.Dot(x.Slice(p, len), y.Slice(p, len));
        }
        return sum;
    }

    // ---------------------------------------------------------------- small products

    /// <summary>
    /// Plain loops (k ≤ <see cref="SumBlock"/> here): dot products for narrow results, else row i of C accumulates rows
    /// of B scaled by A[i, p].
    /// </summary>
    private static void Small<T>(Operand<T> a, Operand<T> b, T* c, int ldc, int m, int n, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n < 8)
        {
            // Narrow results (a small graph's products): each entry is one dot product summed in a register.
            for (var i = 0; i < m; i++)
            {
                var ai = a.Data + (long)i * a.RowStride;
                for (var j = 0; j < n; j++)
                {
                    var bj = b.Data + (long)j * b.ColStride;
                    var s = T.Zero;
                    for (var p = 0; p < k; p++) s = T.FusedMultiplyAdd(ai[(long)p * a.ColStride], bj[(long)p * b.RowStride], s);
                    c[(long)i * ldc + j] = s;
                }
            }
            return;
        }
        for (var i = 0; i < m; i++)
        {
            var row = c + (long)i * ldc;
            for (var j = 0; j < n; j++) row[j] = T.Zero;
            for (var p = 0; p < k; p++)
            {
                var aip = a[i, p];
                var bp = b.Data + (long)p * b.RowStride;
                if (b.ColStride == 1)
                {
                    var cRow = new Span<T>(row, n);
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(bp, n), aip, cRow, cRow);
                }
                else
                {
                    for (var j = 0; j < n; j++) row[j] = T.FusedMultiplyAdd(aip, bp[(long)j * b.ColStride], row[j]);
                }
            }
        }
    }

    // ---------------------------------------------------------------- packed, blocked product

    /// <summary>
    /// The BLIS loop nest around a micro-kernel. Work is split into <c>threads</c> bands of whole MR rows or NR columns;
    /// each thread packs its own panels, so threads share nothing but the operands.
    /// </summary>
    private static void Packed<T, TKernel>(Operand<T> a, Operand<T> b, T* c, int ldc, int m, int n, int k, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IMicroKernel<T>
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        // Each thread packs the whole of the operand it does not split: split the side whose partner is smaller to pack
        // (rows when B is the smaller copy), unless that side has too few tiles to go round.
        int rowTiles = (m + mr - 1) / mr, colTiles = (n + nr - 1) / nr;
        var splitRows = rowTiles >= threads && colTiles >= threads ? (long)k * n <= (long)m * k : rowTiles >= colTiles;
        var units = splitRows ? rowTiles : colTiles;
        threads = Math.Max(1, Math.Min(threads, units));
        if (threads == 1)
        {
            PackedBand<T, TKernel>(a, b, c, ldc, 0, m, 0, n, k);
            return;
        }
        var state = new BandJob<T>(a, b, c, ldc, m, n, k, splitRows, units, threads);
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var (start, end) = state.Band(t, splitRows ? mr : nr);
            if (start >= end) return;
            if (state.SplitRows)
                PackedBand<T, TKernel>(state.A, state.B, state.C, state.Ldc, start, end, 0, state.N, state.K);
            else
                PackedBand<T, TKernel>(state.A, state.B, state.C, state.Ldc, 0, state.M, start, end, state.K);
        });
    }

    /// <summary>The operands of a multithreaded product and how its bands are cut.</summary>
    private sealed class BandJob<T>(Operand<T> a, Operand<T> b, T* c, int ldc, int m, int n, int k, bool splitRows, int units, int threads)
        where T : unmanaged
    {
        public Operand<T> A { get; } = a;
        public Operand<T> B { get; } = b;
        public T* C { get; } = c;
        public int Ldc { get; } = ldc;
        public int M { get; } = m;
        public int N { get; } = n;
        public int K { get; } = k;
        public bool SplitRows { get; } = splitRows;

        /// <summary>Band t: whole tiles of <paramref name="tile"/> rows or columns, as even as possible.</summary>
        public (int Start, int End) Band(int t, int tile)
        {
            var extent = SplitRows ? M : N;
            int first = (int)((long)units * t / threads), last = (int)((long)units * (t + 1) / threads);
            return (Math.Min(extent, first * tile), Math.Min(extent, last * tile));
        }
    }

    /// <summary>Rows [i0, i1) × columns [j0, j1) of C, on the calling thread.</summary>
    private static void PackedBand<T, TKernel>(Operand<T> a, Operand<T> b, T* c, int ldc, int i0, int i1, int j0, int j1, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IMicroKernel<T>
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        // Blocks of even size (k = 784 runs as 4 × 196, not 3 × 256 + 16): no thin last block.
        var kcMax = Balanced(k, TKernel.KC, 1);
        var ncMax = Balanced(j1 - j0, TKernel.NC, nr);
        var mcMax = Balanced(i1 - i0, TKernel.MC, mr);
        var buffers = PackBuffers.ForThisThread();
        var packedB = (T*)buffers.B((nuint)(ncMax * kcMax * sizeof(T)));
        var packedA = (T*)buffers.A((nuint)(mcMax * kcMax * sizeof(T)));
        var edge = stackalloc T[mr * nr];
        for (var jc = j0; jc < j1; jc += ncMax)
        {
            var nc = Math.Min(ncMax, j1 - jc);
            for (var pc = 0; pc < k; pc += kcMax)
            {
                var kc = Math.Min(kcMax, k - pc);
                var accumulate = pc > 0;
                PackB(b.At(pc, jc), packedB, kc, nc, nr);
                for (var ic = i0; ic < i1; ic += mcMax)
                {
                    var mc = Math.Min(mcMax, i1 - ic);
                    PackA(a.At(ic, pc), packedA, mc, kc, mr);
                    for (var jr = 0; jr < nc; jr += nr)
                    {
                        var nrHere = Math.Min(nr, nc - jr);
                        var pb = packedB + (long)jr * kc;
                        for (var ir = 0; ir < mc; ir += mr)
                        {
                            var mrHere = Math.Min(mr, mc - ir);
                            var pa = packedA + (long)ir * kc;
                            var tile = c + (long)(ic + ir) * ldc + jc + jr;
                            if (mrHere == mr && nrHere == nr)
                            {
                                TKernel.Run(pa, pb, kc, tile, ldc, accumulate);
                            }
                            else
                            {
                                TKernel.Run(pa, pb, kc, edge, nr, false);
                                StoreEdge(edge, nr, tile, ldc, mrHere, nrHere, accumulate);
                            }
                        }
                    }
                }
            }
        }
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    /// <summary>The size of each of the fewest blocks of at most <paramref name="max"/> that cover <paramref name="extent"/>, evenly, rounded up to a multiple of <paramref name="multiple"/>.</summary>
    private static int Balanced(int extent, int max, int multiple)
    {
        var blocks = (extent + max - 1) / max;
        return Math.Min(max, RoundUp((extent + blocks - 1) / blocks, multiple));
    }

    private static void StoreEdge<T>(T* edge, int nr, T* tile, int ldc, int rows, int cols, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < rows; i++)
        {
            T* src = edge + i * nr, dst = tile + (long)i * ldc;
            if (accumulate)
            {
                for (var j = 0; j < cols; j++) dst[j] += src[j];
            }
            else
            {
                for (var j = 0; j < cols; j++) dst[j] = src[j];
            }
        }
    }

    /// <summary>
    /// Per-thread packing buffers in native memory aligned to 64 bytes, grown on demand and freed when the thread ends
    /// (the holder is thread-static; its finalizer frees the memory).
    /// </summary>
    private sealed class PackBuffers
    {
        [ThreadStatic] private static PackBuffers? current;

        private void* a, b;
        private nuint aSize, bSize;

        public static PackBuffers ForThisThread() => current ??= new PackBuffers();

        public void* A(nuint bytes) => Ensure(ref a, ref aSize, bytes);

        public void* B(nuint bytes) => Ensure(ref b, ref bSize, bytes);

        private static void* Ensure(ref void* buffer, ref nuint size, nuint bytes)
        {
            if (bytes <= size) return buffer;
            NativeMemory.AlignedFree(buffer);
            buffer = null;
            size = 0;
            buffer = NativeMemory.AlignedAlloc(bytes, 64);
            size = bytes;
            return buffer;
        }

        ~PackBuffers()
        {
            NativeMemory.AlignedFree(a);
            NativeMemory.AlignedFree(b);
        }
    }
}
