using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoGradNet.Kernels;

/// <summary>
/// Packing: copying blocks of A and B into the panel layout the micro-kernel reads (A: MR values per k step, B: NR
/// values per k step). When the source runs the other way (A row-major, or B a transpose), the copy is a transpose,
/// done 8×8 (float) or 4×4 (double) at a time in AVX registers; other layouts, and the panel edges, copy one element at
/// a time.
/// </summary>
internal static unsafe partial class Gemm
{
    /// <summary>
    /// Copies the mc×kc block of A into panels of <paramref name="mr"/> rows: panel r holds, for each p, the mr entries
    /// A[r·mr + i, p] side by side (zeros past the last row).
    /// </summary>
    private static void PackA<T>(Operand<T> a, T* dst, int mc, int kc, int mr) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var r = 0; r < mc; r += mr)
        {
            var rows = Math.Min(mr, mc - r);
            var panel = dst + (long)r * kc;
            var src = a.Data + (long)r * a.RowStride;
            if (rows == mr && a.RowStride == 1)
                CopyRows(src, a.ColStride, kc, panel, mr);
            else if (rows == mr && a.ColStride == 1 && CanTranspose<T>(mr))
                TransposeInto(src, a.RowStride, mr, kc, panel, mr);
            else
                CopyStrided(src, a.RowStride, a.ColStride, rows, kc, panel, mr);
        }
    }

    /// <summary>
    /// Copies the kc×nc block of B into panels of <paramref name="nr"/> columns: panel s holds, for each p, the nr entries
    /// B[p, s·nr + j] side by side (zeros past the last column).
    /// </summary>
    private static void PackB<T>(Operand<T> b, T* dst, int kc, int nc, int nr) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var s = 0; s < nc; s += nr)
        {
            var cols = Math.Min(nr, nc - s);
            var panel = dst + (long)s * kc;
            var src = b.Data + (long)s * b.ColStride;
            if (cols == nr && b.ColStride == 1)
                CopyRows(src, b.RowStride, kc, panel, nr);
            else if (cols == nr && b.RowStride == 1 && CanTranspose<T>(nr))
                TransposeInto(src, b.ColStride, nr, kc, panel, nr);
            else
                CopyStrided(src, b.ColStride, b.RowStride, cols, kc, panel, nr);
        }
    }

    /// <summary>
    /// The generic copy: entry (i, p) of a count×kc source (i at stride <paramref name="strideI"/>, p at
    /// <paramref name="strideP"/>) goes to panel[p·width + i]; entries count..width of each p are zeroed.
    /// </summary>
    private static void CopyStrided<T>(T* src, int strideI, int strideP, int count, int kc, T* panel, int width)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var p = 0; p < kc; p++)
        {
            var s = src + (long)p * strideP;
            var d = panel + (long)p * width;
            var i = 0;
            for (; i < count; i++) d[i] = s[(long)i * strideI];
            for (; i < width; i++) d[i] = T.Zero;
        }
    }

    /// <summary>Row p of the panel is the <paramref name="width"/> contiguous values at src + p·stride (B row-major, or A a transpose).</summary>
    private static void CopyRows<T>(T* src, int stride, int kc, T* panel, int width) where T : unmanaged
    {
        if (Vector512.IsHardwareAccelerated && width == 2 * Vector512<T>.Count)
        {
            for (var p = 0; p < kc; p++, src += stride, panel += width)
            {
                Vector512.Load(src).Store(panel);
                Vector512.Load(src + Vector512<T>.Count).Store(panel + Vector512<T>.Count);
            }
            return;
        }
        if (Vector256.IsHardwareAccelerated && width == 12 && typeof(T) == typeof(float))
        {
            // The A panel of the AVX-512 float kernel: 8 + 4 floats.
            for (var p = 0; p < kc; p++, src += stride, panel += width)
            {
                Vector256.Load(src).Store(panel);
                Vector128.Load(src + 8).Store(panel + 8);
            }
            return;
        }
        if (Vector512.IsHardwareAccelerated && width == 12 && typeof(T) == typeof(double))
        {
            for (var p = 0; p < kc; p++, src += stride, panel += width)
            {
                Vector512.Load(src).Store(panel);
                Vector256.Load(src + 8).Store(panel + 8);
            }
            return;
        }
        for (var p = 0; p < kc; p++) new ReadOnlySpan<T>(src + (long)p * stride, width).CopyTo(new Span<T>(panel + (long)p * width, width));
    }

    /// <summary>Whether <see cref="TransposeInto"/> handles panels of this width on this machine.</summary>
    private static bool CanTranspose<T>(int width)
        => Avx.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && width % 4 == 0;

    /// <summary>
    /// The transposing copy: <paramref name="width"/> source lines of kc contiguous values each (line i at
    /// src + i·lineStride) become the panel, panel[p·width + i] = line i's value p.
    /// </summary>
    private static void TransposeInto<T>(T* src, int lineStride, int width, int kc, T* panel, int panelWidth) where T : unmanaged
    {
        var p = 0;
        if (typeof(T) == typeof(float))
        {
            var s = (float*)src;
            var d = (float*)panel;
            for (; p + 8 <= kc; p += 8)
            {
                var i = 0;
                for (; i + 8 <= width; i += 8) Transpose8x8(s + (long)i * lineStride + p, lineStride, d + (long)p * panelWidth + i, panelWidth);
                for (; i < width; i += 4) Transpose4x8(s + (long)i * lineStride + p, lineStride, d + (long)p * panelWidth + i, panelWidth);
            }
        }
        else
        {
            var s = (double*)src;
            var d = (double*)panel;
            for (; p + 4 <= kc; p += 4)
            {
                for (var i = 0; i < width; i += 4) Transpose4x4(s + (long)i * lineStride + p, lineStride, d + (long)p * panelWidth + i, panelWidth);
            }
        }
        for (; p < kc; p++)
        {
            for (var i = 0; i < width; i++) panel[(long)p * panelWidth + i] = src[(long)i * lineStride + p];
        }
    }

    /// <summary>8 lines of 8 floats (line r at s + r·ss) become 8 lines of 8 (line q at d + q·ds holds value q of each).</summary>
    private static void Transpose8x8(float* s, long ss, float* d, long ds)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ss), r2 = Avx.LoadVector256(s + 2 * ss),
            r3 = Avx.LoadVector256(s + 3 * ss), r4 = Avx.LoadVector256(s + 4 * ss), r5 = Avx.LoadVector256(s + 5 * ss),
            r6 = Avx.LoadVector256(s + 6 * ss), r7 = Avx.LoadVector256(s + 7 * ss);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3),
            t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE),
            u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + ds, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * ds, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * ds, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * ds, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * ds, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * ds, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * ds, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>4 lines of 8 floats become 8 lines of 4.</summary>
    private static void Transpose4x8(float* s, long ss, float* d, long ds)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ss), r2 = Avx.LoadVector256(s + 2 * ss), r3 = Avx.LoadVector256(s + 3 * ss);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Sse.Store(d, u0.GetLower());
        Sse.Store(d + ds, u1.GetLower());
        Sse.Store(d + 2 * ds, u2.GetLower());
        Sse.Store(d + 3 * ds, u3.GetLower());
        Sse.Store(d + 4 * ds, u0.GetUpper());
        Sse.Store(d + 5 * ds, u1.GetUpper());
        Sse.Store(d + 6 * ds, u2.GetUpper());
        Sse.Store(d + 7 * ds, u3.GetUpper());
    }

    /// <summary>4 lines of 4 doubles become 4 lines of 4.</summary>
    private static void Transpose4x4(double* s, long ss, double* d, long ds)
    {
        Vector256<double> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ss), r2 = Avx.LoadVector256(s + 2 * ss), r3 = Avx.LoadVector256(s + 3 * ss);
        Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Avx.Store(d, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(d + ds, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(d + 2 * ds, Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(d + 3 * ds, Avx.Permute2x128(t1, t3, 0x31));
    }
}
