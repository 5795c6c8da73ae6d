using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoGradNet.Benchmarks;

/// <summary>
/// This machine's fused multiply-add peak: many independent FMA chains (enough to cover the FMA latency on every
/// FMA port), on <c>Vector512</c> when it is hardware accelerated, else <c>Vector256</c> with FMA. GFLOP/s counts an
/// FMA as two floating-point operations.
/// </summary>
internal static class FmaPeak
{
    /// <summary>The instruction set the peak uses: "avx512", "avx2+fma" or "none".</summary>
    public static string Isa =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? "avx512"
        : Fma.IsSupported && Avx.IsSupported ? "avx2+fma"
        : "none";

    /// <summary>GFLOP/s of <paramref name="threads"/> threads running the kernel at once (total, not per thread).</summary>
    public static double Measure(bool float64, int threads, string isa, double seconds = 0.2)
    {
        // Calibrate an iteration count that takes about `seconds` on one thread.
        long iterations = 1 << 16;
        while (true)
        {
            var sw = Stopwatch.StartNew();
            Kernel(float64, isa, iterations);
            if (sw.Elapsed.TotalSeconds > seconds / 4) break;
            iterations *= 2;
        }
        iterations *= 4;

        using var barrier = new Barrier(threads + 1);
        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                barrier.SignalAndWait();
                Kernel(float64, isa, iterations);
                barrier.SignalAndWait();
            }) { IsBackground = true };
            workers[t].Start();
        }
        barrier.SignalAndWait();
        var watch = Stopwatch.StartNew();
        barrier.SignalAndWait();
        var elapsed = watch.Elapsed.TotalSeconds;
        foreach (var w in workers) w.Join();
        return threads * FlopsPerIteration(float64, isa) * iterations / elapsed / 1e9;
    }

    private static double FlopsPerIteration(bool float64, string isa)
    {
        var lanes = (isa == "avx512" ? 64 : 32) / (float64 ? 8 : 4);
        var chains = isa == "avx512" ? 16 : 12;
        return 2.0 * lanes * chains;
    }

    private static double Kernel(bool float64, string isa, long iterations) => (isa, float64) switch
    {
        ("avx512", false) => Avx512Single(iterations),
        ("avx512", true) => Avx512Double(iterations),
        ("avx2+fma", false) => Avx2Single(iterations),
        ("avx2+fma", true) => Avx2Double(iterations),
        _ => throw new PlatformNotSupportedException("FmaPeak: neither Vector512 nor Vector256 with FMA is accelerated here."),
    };

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Avx512Single(long n)
    {
        var m = Vector512.Create(0.9999999f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        Vector512<float> a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (long i = 0; i < n; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c); a1 = Avx512F.FusedMultiplyAdd(a1, m, c);
            a2 = Avx512F.FusedMultiplyAdd(a2, m, c); a3 = Avx512F.FusedMultiplyAdd(a3, m, c);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, c); a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c); a7 = Avx512F.FusedMultiplyAdd(a7, m, c);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, c); a9 = Avx512F.FusedMultiplyAdd(a9, m, c);
            a10 = Avx512F.FusedMultiplyAdd(a10, m, c); a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
            a12 = Avx512F.FusedMultiplyAdd(a12, m, c); a13 = Avx512F.FusedMultiplyAdd(a13, m, c);
            a14 = Avx512F.FusedMultiplyAdd(a14, m, c); a15 = Avx512F.FusedMultiplyAdd(a15, m, c);
        }
        var s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15;
        return Vector512.Sum(s);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Avx512Double(long n)
    {
        var m = Vector512.Create(0.9999999);
        var c = Vector512.Create(1e-7);
        Vector512<double> a0 = Vector512.Create(1.0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        Vector512<double> a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (long i = 0; i < n; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c); a1 = Avx512F.FusedMultiplyAdd(a1, m, c);
            a2 = Avx512F.FusedMultiplyAdd(a2, m, c); a3 = Avx512F.FusedMultiplyAdd(a3, m, c);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, c); a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c); a7 = Avx512F.FusedMultiplyAdd(a7, m, c);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, c); a9 = Avx512F.FusedMultiplyAdd(a9, m, c);
            a10 = Avx512F.FusedMultiplyAdd(a10, m, c); a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
            a12 = Avx512F.FusedMultiplyAdd(a12, m, c); a13 = Avx512F.FusedMultiplyAdd(a13, m, c);
            a14 = Avx512F.FusedMultiplyAdd(a14, m, c); a15 = Avx512F.FusedMultiplyAdd(a15, m, c);
        }
        var s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15;
        return Vector512.Sum(s);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Avx2Single(long n)
    {
        var m = Vector256.Create(0.9999999f);
        var c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector256<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < n; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c); a1 = Fma.MultiplyAdd(a1, m, c); a2 = Fma.MultiplyAdd(a2, m, c);
            a3 = Fma.MultiplyAdd(a3, m, c); a4 = Fma.MultiplyAdd(a4, m, c); a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c); a7 = Fma.MultiplyAdd(a7, m, c); a8 = Fma.MultiplyAdd(a8, m, c);
            a9 = Fma.MultiplyAdd(a9, m, c); a10 = Fma.MultiplyAdd(a10, m, c); a11 = Fma.MultiplyAdd(a11, m, c);
        }
        var s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return Vector256.Sum(s);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Avx2Double(long n)
    {
        var m = Vector256.Create(0.9999999);
        var c = Vector256.Create(1e-7);
        Vector256<double> a0 = Vector256.Create(1.0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector256<double> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < n; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c); a1 = Fma.MultiplyAdd(a1, m, c); a2 = Fma.MultiplyAdd(a2, m, c);
            a3 = Fma.MultiplyAdd(a3, m, c); a4 = Fma.MultiplyAdd(a4, m, c); a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c); a7 = Fma.MultiplyAdd(a7, m, c); a8 = Fma.MultiplyAdd(a8, m, c);
            a9 = Fma.MultiplyAdd(a9, m, c); a10 = Fma.MultiplyAdd(a10, m, c); a11 = Fma.MultiplyAdd(a11, m, c);
        }
        var s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return Vector256.Sum(s);
    }
}
