// The micro-kernels are written out by hand, one line per accumulator, so that the JIT keeps every accumulator in
// a register (it does not unroll loops). Keep the three in step when changing one.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoGradNet.Kernels;

/// <summary>
/// A register-tiled GEMM micro-kernel: an MR×NR tile of C from a packed panel of A (MR values per k step) and a packed
/// panel of B (NR values per k step), with the cache-block sizes that suit it.
/// </summary>
internal unsafe interface IMicroKernel<T> where T : unmanaged
{
    /// <summary>Rows of the register tile.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the register tile.</summary>
    static abstract int NR { get; }

    /// <summary>Depth of a packed block (k per pass): a kc×NR panel of B stays in the L1 cache.</summary>
    static abstract int KC { get; }

    /// <summary>Rows of a packed block of A (a multiple of MR): an MC×KC block stays in the L2 cache.</summary>
    static abstract int MC { get; }

    /// <summary>Columns of a packed block of B (a multiple of NR): a KC×NC block stays in the L3 cache.</summary>
    static abstract int NC { get; }

    /// <summary>Whether this machine runs the kernel in hardware for <typeparamref name="T"/>.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>
    /// The tile c[i·ldc + j] (i &lt; MR, j &lt; NR) becomes Σ_p a[p·MR + i]·b[p·NR + j] over p &lt; kc, plus its old
    /// value when <paramref name="accumulate"/>.
    /// </summary>
    static abstract void Run(T* a, T* b, int kc, T* c, int ldc, bool accumulate);
}

/// <summary>AVX-512: a 12×(2·16) float or 12×(2·8) double tile, 24 accumulators of the 32 zmm registers.</summary>
internal readonly struct Kernel512<T> : IMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int MR => 12;
    public static int NR => 2 * Vector512<T>.Count;
    public static int KC => 256;
    public static int MC => 120;
    public static int NC => typeof(T) == typeof(float) ? 3072 : 1536;

    public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> MultiplyAdd(Vector512<T> x, Vector512<T> y, Vector512<T> acc)
    {
        if (typeof(T) == typeof(float)) return Avx512F.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        return Avx512F.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
    }

    /// <inheritdoc cref="IMicroKernel{T}.Run"/>
    public static unsafe void Run(T* a, T* b, int kc, T* c, int ldc, bool accumulate)
    {
        // Bring the C tile toward L1 while the products are formed.
        Sse.Prefetch0(c + 0 * (long)ldc);
        Sse.Prefetch0(c + 0 * (long)ldc + 2 * Vector512<T>.Count - 1);
        Sse.Prefetch0(c + 1 * (long)ldc);
        Sse.Prefetch0(c + 1 * (long)ldc + 2 * Vector512<T>.Count - 1);
        Sse.Prefetch0(c + 2 * (long)ldc);
        Sse.Prefetch0(c + 2 * (long)ldc + 2 * Vector512<T>.Count - 1);
        Sse.Prefetch0(c + 3 * (long)ldc);
        Sse.Prefetch0(c + 3 * (long)ldc + 2 * Vector512<T>.Count - 1);
        Sse.Prefetch0(c + 4 * (long)ldc);
        Sse.Prefetch0(c + 4 * (long)ldc + 2 * Vector512<T>.Count - 1);
        Sse.Prefetch0(c + 5 * (long)ldc);
        Sse.Prefetch0(c + 5 * (long)ldc + 2 * Vector512<T>.Count - 1);
        Sse.Prefetch0(c + 6 * (long)ldc);
        Sse.Prefetch0(c + 6 * (long)ldc + 2 * Vector512<T>.Count - 1);
        Sse.Prefetch0(c + 7 * (long)ldc);
        Sse.Prefetch0(c + 7 * (long)ldc + 2 * Vector512<T>.Count - 1);
        Sse.Prefetch0(c + 8 * (long)ldc);
        Sse.Prefetch0(c + 8 * (long)ldc + 2 * Vector512<T>.Count - 1);
        Sse.Prefetch0(c + 9 * (long)ldc);
        Sse.Prefetch0(c + 9 * (long)ldc + 2 * Vector512<T>.Count - 1);
        Sse.Prefetch0(c + 10 * (long)ldc);
        Sse.Prefetch0(c + 10 * (long)ldc + 2 * Vector512<T>.Count - 1);
        Sse.Prefetch0(c + 11 * (long)ldc);
        Sse.Prefetch0(c + 11 * (long)ldc + 2 * Vector512<T>.Count - 1);
        Vector512<T> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71, c80, c81, c90, c91, c100, c101, c110, c111;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = c80 = c81 = c90 = c91 = c100 = c101 = c110 = c111 = Vector512<T>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + Vector512<T>.Count);
            Vector512<T> ai;
            ai = Vector512.Create(a[0]);
            c00 = MultiplyAdd(ai, b0, c00);
            c01 = MultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = MultiplyAdd(ai, b0, c10);
            c11 = MultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = MultiplyAdd(ai, b0, c20);
            c21 = MultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = MultiplyAdd(ai, b0, c30);
            c31 = MultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]);
            c40 = MultiplyAdd(ai, b0, c40);
            c41 = MultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]);
            c50 = MultiplyAdd(ai, b0, c50);
            c51 = MultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(a[6]);
            c60 = MultiplyAdd(ai, b0, c60);
            c61 = MultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(a[7]);
            c70 = MultiplyAdd(ai, b0, c70);
            c71 = MultiplyAdd(ai, b1, c71);
            ai = Vector512.Create(a[8]);
            c80 = MultiplyAdd(ai, b0, c80);
            c81 = MultiplyAdd(ai, b1, c81);
            ai = Vector512.Create(a[9]);
            c90 = MultiplyAdd(ai, b0, c90);
            c91 = MultiplyAdd(ai, b1, c91);
            ai = Vector512.Create(a[10]);
            c100 = MultiplyAdd(ai, b0, c100);
            c101 = MultiplyAdd(ai, b1, c101);
            ai = Vector512.Create(a[11]);
            c110 = MultiplyAdd(ai, b0, c110);
            c111 = MultiplyAdd(ai, b1, c111);
            a += 12;
            b += 2 * Vector512<T>.Count;
        }
        if (accumulate)
        {
            c00 += Vector512.Load(c + 0 * (long)ldc);
            c01 += Vector512.Load(c + 0 * (long)ldc + Vector512<T>.Count);
            c10 += Vector512.Load(c + 1 * (long)ldc);
            c11 += Vector512.Load(c + 1 * (long)ldc + Vector512<T>.Count);
            c20 += Vector512.Load(c + 2 * (long)ldc);
            c21 += Vector512.Load(c + 2 * (long)ldc + Vector512<T>.Count);
            c30 += Vector512.Load(c + 3 * (long)ldc);
            c31 += Vector512.Load(c + 3 * (long)ldc + Vector512<T>.Count);
            c40 += Vector512.Load(c + 4 * (long)ldc);
            c41 += Vector512.Load(c + 4 * (long)ldc + Vector512<T>.Count);
            c50 += Vector512.Load(c + 5 * (long)ldc);
            c51 += Vector512.Load(c + 5 * (long)ldc + Vector512<T>.Count);
            c60 += Vector512.Load(c + 6 * (long)ldc);
            c61 += Vector512.Load(c + 6 * (long)ldc + Vector512<T>.Count);
            c70 += Vector512.Load(c + 7 * (long)ldc);
            c71 += Vector512.Load(c + 7 * (long)ldc + Vector512<T>.Count);
            c80 += Vector512.Load(c + 8 * (long)ldc);
            c81 += Vector512.Load(c + 8 * (long)ldc + Vector512<T>.Count);
            c90 += Vector512.Load(c + 9 * (long)ldc);
            c91 += Vector512.Load(c + 9 * (long)ldc + Vector512<T>.Count);
            c100 += Vector512.Load(c + 10 * (long)ldc);
            c101 += Vector512.Load(c + 10 * (long)ldc + Vector512<T>.Count);
            c110 += Vector512.Load(c + 11 * (long)ldc);
            c111 += Vector512.Load(c + 11 * (long)ldc + Vector512<T>.Count);
        }
        c00.Store(c + 0 * (long)ldc);
        c01.Store(c + 0 * (long)ldc + Vector512<T>.Count);
        c10.Store(c + 1 * (long)ldc);
        c11.Store(c + 1 * (long)ldc + Vector512<T>.Count);
        c20.Store(c + 2 * (long)ldc);
        c21.Store(c + 2 * (long)ldc + Vector512<T>.Count);
        c30.Store(c + 3 * (long)ldc);
        c31.Store(c + 3 * (long)ldc + Vector512<T>.Count);
        c40.Store(c + 4 * (long)ldc);
        c41.Store(c + 4 * (long)ldc + Vector512<T>.Count);
        c50.Store(c + 5 * (long)ldc);
        c51.Store(c + 5 * (long)ldc + Vector512<T>.Count);
        c60.Store(c + 6 * (long)ldc);
        c61.Store(c + 6 * (long)ldc + Vector512<T>.Count);
        c70.Store(c + 7 * (long)ldc);
        c71.Store(c + 7 * (long)ldc + Vector512<T>.Count);
        c80.Store(c + 8 * (long)ldc);
        c81.Store(c + 8 * (long)ldc + Vector512<T>.Count);
        c90.Store(c + 9 * (long)ldc);
        c91.Store(c + 9 * (long)ldc + Vector512<T>.Count);
        c100.Store(c + 10 * (long)ldc);
        c101.Store(c + 10 * (long)ldc + Vector512<T>.Count);
        c110.Store(c + 11 * (long)ldc);
        c111.Store(c + 11 * (long)ldc + Vector512<T>.Count);
    }
}

/// <summary>AVX2 with FMA: a 6×(2·8) float or 6×(2·4) double tile, 12 accumulators of the 16 ymm registers.</summary>
internal readonly struct Kernel256<T> : IMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int MR => 6;
    public static int NR => 2 * Vector256<T>.Count;
    public static int KC => 256;
    public static int MC => 120;
    public static int NC => typeof(T) == typeof(float) ? 3072 : 1536;

    public static bool IsSupported => Vector256.IsHardwareAccelerated && Fma.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> MultiplyAdd(Vector256<T> x, Vector256<T> y, Vector256<T> acc)
    {
        if (typeof(T) == typeof(float)) return Fma.MultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        return Fma.MultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
    }

    /// <inheritdoc cref="IMicroKernel{T}.Run"/>
    public static unsafe void Run(T* a, T* b, int kc, T* c, int ldc, bool accumulate)
    {
        // Bring the C tile toward L1 while the products are formed.
        Sse.Prefetch0(c + 0 * (long)ldc);
        Sse.Prefetch0(c + 0 * (long)ldc + 2 * Vector256<T>.Count - 1);
        Sse.Prefetch0(c + 1 * (long)ldc);
        Sse.Prefetch0(c + 1 * (long)ldc + 2 * Vector256<T>.Count - 1);
        Sse.Prefetch0(c + 2 * (long)ldc);
        Sse.Prefetch0(c + 2 * (long)ldc + 2 * Vector256<T>.Count - 1);
        Sse.Prefetch0(c + 3 * (long)ldc);
        Sse.Prefetch0(c + 3 * (long)ldc + 2 * Vector256<T>.Count - 1);
        Sse.Prefetch0(c + 4 * (long)ldc);
        Sse.Prefetch0(c + 4 * (long)ldc + 2 * Vector256<T>.Count - 1);
        Sse.Prefetch0(c + 5 * (long)ldc);
        Sse.Prefetch0(c + 5 * (long)ldc + 2 * Vector256<T>.Count - 1);
        Vector256<T> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<T>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + Vector256<T>.Count);
            Vector256<T> ai;
            ai = Vector256.Create(a[0]);
            c00 = MultiplyAdd(ai, b0, c00);
            c01 = MultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(a[1]);
            c10 = MultiplyAdd(ai, b0, c10);
            c11 = MultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(a[2]);
            c20 = MultiplyAdd(ai, b0, c20);
            c21 = MultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(a[3]);
            c30 = MultiplyAdd(ai, b0, c30);
            c31 = MultiplyAdd(ai, b1, c31);
            ai = Vector256.Create(a[4]);
            c40 = MultiplyAdd(ai, b0, c40);
            c41 = MultiplyAdd(ai, b1, c41);
            ai = Vector256.Create(a[5]);
            c50 = MultiplyAdd(ai, b0, c50);
            c51 = MultiplyAdd(ai, b1, c51);
            a += 6;
            b += 2 * Vector256<T>.Count;
        }
        if (accumulate)
        {
            c00 += Vector256.Load(c + 0 * (long)ldc);
            c01 += Vector256.Load(c + 0 * (long)ldc + Vector256<T>.Count);
            c10 += Vector256.Load(c + 1 * (long)ldc);
            c11 += Vector256.Load(c + 1 * (long)ldc + Vector256<T>.Count);
            c20 += Vector256.Load(c + 2 * (long)ldc);
            c21 += Vector256.Load(c + 2 * (long)ldc + Vector256<T>.Count);
            c30 += Vector256.Load(c + 3 * (long)ldc);
            c31 += Vector256.Load(c + 3 * (long)ldc + Vector256<T>.Count);
            c40 += Vector256.Load(c + 4 * (long)ldc);
            c41 += Vector256.Load(c + 4 * (long)ldc + Vector256<T>.Count);
            c50 += Vector256.Load(c + 5 * (long)ldc);
            c51 += Vector256.Load(c + 5 * (long)ldc + Vector256<T>.Count);
        }
        c00.Store(c + 0 * (long)ldc);
        c01.Store(c + 0 * (long)ldc + Vector256<T>.Count);
        c10.Store(c + 1 * (long)ldc);
        c11.Store(c + 1 * (long)ldc + Vector256<T>.Count);
        c20.Store(c + 2 * (long)ldc);
        c21.Store(c + 2 * (long)ldc + Vector256<T>.Count);
        c30.Store(c + 3 * (long)ldc);
        c31.Store(c + 3 * (long)ldc + Vector256<T>.Count);
        c40.Store(c + 4 * (long)ldc);
        c41.Store(c + 4 * (long)ldc + Vector256<T>.Count);
        c50.Store(c + 5 * (long)ldc);
        c51.Store(c + 5 * (long)ldc + Vector256<T>.Count);
    }
}

/// <summary>Portable (any CPU with 128-bit vectors, or none): a 4×(2·4) float or 4×(2·2) double tile, multiply then add.</summary>
internal readonly struct KernelPortable<T> : IMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int MR => 4;
    public static int NR => 2 * Vector128<T>.Count;
    public static int KC => 256;
    public static int MC => 128;
    public static int NC => typeof(T) == typeof(float) ? 2048 : 1024;

    public static bool IsSupported => true && (typeof(T) == typeof(float) || typeof(T) == typeof(double));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> MultiplyAdd(Vector128<T> x, Vector128<T> y, Vector128<T> acc)
    {
        if (typeof(T) == typeof(float)) return (x.AsSingle() * y.AsSingle() + acc.AsSingle()).As<float, T>();
        return (x.AsDouble() * y.AsDouble() + acc.AsDouble()).As<double, T>();
    }

    /// <inheritdoc cref="IMicroKernel{T}.Run"/>
    public static unsafe void Run(T* a, T* b, int kc, T* c, int ldc, bool accumulate)
    {
        Vector128<T> c00, c01, c10, c11, c20, c21, c30, c31;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector128<T>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + Vector128<T>.Count);
            Vector128<T> ai;
            ai = Vector128.Create(a[0]);
            c00 = MultiplyAdd(ai, b0, c00);
            c01 = MultiplyAdd(ai, b1, c01);
            ai = Vector128.Create(a[1]);
            c10 = MultiplyAdd(ai, b0, c10);
            c11 = MultiplyAdd(ai, b1, c11);
            ai = Vector128.Create(a[2]);
            c20 = MultiplyAdd(ai, b0, c20);
            c21 = MultiplyAdd(ai, b1, c21);
            ai = Vector128.Create(a[3]);
            c30 = MultiplyAdd(ai, b0, c30);
            c31 = MultiplyAdd(ai, b1, c31);
            a += 4;
            b += 2 * Vector128<T>.Count;
        }
        if (accumulate)
        {
            c00 += Vector128.Load(c + 0 * (long)ldc);
            c01 += Vector128.Load(c + 0 * (long)ldc + Vector128<T>.Count);
            c10 += Vector128.Load(c + 1 * (long)ldc);
            c11 += Vector128.Load(c + 1 * (long)ldc + Vector128<T>.Count);
            c20 += Vector128.Load(c + 2 * (long)ldc);
            c21 += Vector128.Load(c + 2 * (long)ldc + Vector128<T>.Count);
            c30 += Vector128.Load(c + 3 * (long)ldc);
            c31 += Vector128.Load(c + 3 * (long)ldc + Vector128<T>.Count);
        }
        c00.Store(c + 0 * (long)ldc);
        c01.Store(c + 0 * (long)ldc + Vector128<T>.Count);
        c10.Store(c + 1 * (long)ldc);
        c11.Store(c + 1 * (long)ldc + Vector128<T>.Count);
        c20.Store(c + 2 * (long)ldc);
        c21.Store(c + 2 * (long)ldc + Vector128<T>.Count);
        c30.Store(c + 3 * (long)ldc);
        c31.Store(c + 3 * (long)ldc + Vector128<T>.Count);
    }
}
