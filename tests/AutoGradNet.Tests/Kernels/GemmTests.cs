using AutoGradNet.Kernels;

namespace AutoGradNet.Tests.Kernels;

/// <summary>
/// Every GEMM strategy against a naive triple loop in float64 over the input values: every size from 1 to 67 on each
/// side (past every register-tile, vector and packing remainder), odd and non-square shapes, block boundaries, all
/// operand layouts (row-major, transposed, strided), both float types, one and two threads.
/// </summary>
public class GemmTests
{
    public static TheoryData<string, DType> StrategiesAndTypes()
    {
        var data = new TheoryData<string, DType>();
        foreach (var s in new[] { Gemm.Strategy.Small, Gemm.Strategy.Vector, Gemm.Strategy.Packed512, Gemm.Strategy.Packed256, Gemm.Strategy.PackedPortable })
        {
            if (!Supported(s)) continue;
            data.Add(s.ToString(), DType.Float32);
            data.Add(s.ToString(), DType.Float64);
        }
        return data;
    }

    private static bool Supported(Gemm.Strategy s) => s switch
    {
        Gemm.Strategy.Packed512 => Kernel512<double>.IsSupported,
        Gemm.Strategy.Packed256 => Kernel256<double>.IsSupported,
        _ => true,
    };

    /// <summary>The three layouts of an r×c operand: row-major, a transpose (column-major), and every other column of a wider matrix.</summary>
    private static Tensor Operand(int seed, int rows, int cols, int layout, DType dtype) => layout switch
    {
        0 => TestData.Random(seed, [rows, cols]).To(dtype).Detach(),
        1 => TestData.Random(seed, [cols, rows]).To(dtype).Detach().T,
        _ => TestData.Random(seed, [rows, 2 * cols]).To(dtype).Detach().Slice(1, 0, 2 * cols, 2),
    };

    /// <summary>C = A·B by the textbook loop, in float64, and the bound on float rounding: ε·k·Σ|aᵢₚ||bₚⱼ| per entry.</summary>
    private static (double[] Value, double[] Bound) Reference(Tensor a, Tensor b)
    {
        int m = a.Shape[0], k = a.Shape[1], n = b.Shape[1];
        double[] x = a.ToArray(), y = b.ToArray(), c = new double[m * n], bound = new double[m * n];
        var eps = a.DType == DType.Float32 ? 6e-8 : 1.2e-16;
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double s = 0, abs = 0;
                for (var p = 0; p < k; p++)
                {
                    s += x[i * k + p] * y[p * n + j];
                    abs += Math.Abs(x[i * k + p] * y[p * n + j]);
                }
                c[i * n + j] = s;
                bound[i * n + j] = 2 * eps * Math.Max(k, 1) * abs + 1e-300;
            }
        }
        return (c, bound);
    }

    private static void ShouldMatchReference(Tensor a, Tensor b, Gemm.Strategy strategy)
    {
        Gemm.Forced = strategy;
        Tensor c;
        try { c = a.MatMul(b); }
        finally { Gemm.Forced = Gemm.Strategy.Auto; }
        var (expected, bound) = Reference(a, b);
        var actual = c.ToArray();
        c.Shape.ShouldBe(new Shape(a.Shape[0], b.Shape[1]));
        for (var i = 0; i < actual.Length; i++)
        {
            if (Math.Abs(actual[i] - expected[i]) > bound[i])
            {
                throw new ShouldAssertException(
                    $"{strategy} {a.DType} {a.Shape}@{b.Shape} (A strides {string.Join(",", a.Strides)}, B strides " +
                    $"{string.Join(",", b.Strides)}): C[{i / b.Shape[1]}, {i % b.Shape[1]}] = {actual[i]}, expected {expected[i]} ± {bound[i]}");
            }
        }
    }

    private static IEnumerable<(int M, int N, int K)> EdgeShapes()
    {
        for (var s = 1; s <= 67; s++)
        {
            yield return (s, 7, 5);
            yield return (5, s, 7);
            yield return (7, 5, s);
            yield return (s, s, s);
        }
        yield return (1, 1, 1);
        yield return (3, 1, 300);  // matrix·vector longer than one summation block
        yield return (1, 3, 300);
        yield return (13, 11, 255); // around the k block (256)
        yield return (13, 11, 256);
        yield return (13, 11, 257);
        yield return (13, 9, 513);
        yield return (119, 5, 3);   // around the row block (120, 128)
        yield return (121, 5, 3);
        yield return (129, 17, 9);
        yield return (241, 3, 2);
    }

    [Theory]
    [MemberData(nameof(StrategiesAndTypes))]
    public void Every_strategy_matches_the_triple_loop_for_every_size_and_layout(string strategyName, DType dtype)
    {
        var strategy = Enum.Parse<Gemm.Strategy>(strategyName);
        var seed = 0;
        foreach (var (m, n, k) in EdgeShapes())
        {
            for (var la = 0; la < 3; la++)
            {
                for (var lb = 0; lb < 3; lb++)
                {
                    // Every layout pair on small shapes, row-major and transposed pairs on the larger ones.
                    if ((la == 2 || lb == 2) && m * n * k > 5000) continue;
                    ShouldMatchReference(Operand(++seed, m, k, la, dtype), Operand(++seed, k, n, lb, dtype), strategy);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(StrategiesAndTypes))]
    public void Columns_past_the_widest_packed_block_are_computed(string strategyName, DType dtype)
    {
        var strategy = Enum.Parse<Gemm.Strategy>(strategyName);
        // NC is 3072 floats / 1536 doubles for the vector kernels, 2048 / 1024 for the portable one.
        var n = dtype == DType.Float32 ? 3072 + 45 : 1536 + 45;
        ShouldMatchReference(Operand(1, 13, 3, 0, dtype), Operand(2, 3, n, 0, dtype), strategy);
        ShouldMatchReference(Operand(3, 13, 3, 1, dtype), Operand(4, 3, n, 1, dtype), strategy);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Products_split_across_two_threads_match_one_thread_and_the_triple_loop(DType dtype)
    {
        var saved = Parallelism.MaxThreads;
        try
        {
            // Above the parallel threshold (2^20 multiply-adds): split by rows (m large) and by columns (n large),
            // with remainders that do not divide evenly between the threads.
            foreach (var (m, n, k) in new[] { (301, 37, 97), (37, 301, 97), (128, 128, 64), (67, 300, 60) })
            {
                var a = Operand(m, m, k, 0, dtype);
                var b = Operand(n, k, n, 1, dtype);
                Parallelism.MaxThreads = 2;
                var two = a.MatMul(b).ToArray();
                ShouldMatchReference(a, b, Gemm.Strategy.Auto);
                Parallelism.MaxThreads = 1;
                a.MatMul(b).ToArray().ShouldBe(two); // the same sums in the same order
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void A_batch_of_many_small_products_split_across_threads_matches_the_triple_loop(DType dtype)
    {
        var saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 2;
            var a = TestData.Random(1, [300, 19, 23]).To(dtype).Detach();
            var b = TestData.Random(2, [23, 17]).To(dtype).Detach();
            var c = a.MatMul(b);
            for (var i = 0; i < 300; i += 37)
            {
                var (expected, bound) = Reference(a[i], b);
                var actual = c[i].ToArray();
                for (var j = 0; j < actual.Length; j++) Math.Abs(actual[j] - expected[j]).ShouldBeLessThanOrEqualTo(bound[j]);
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Theory]
    [MemberData(nameof(StrategiesAndTypes))]
    public void An_empty_inner_dimension_gives_zeros_and_empty_sides_give_empty_results(string strategyName, DType dtype)
    {
        var strategy = Enum.Parse<Gemm.Strategy>(strategyName);
        Gemm.Forced = strategy;
        try
        {
            Tensor.Zeros([3, 0], dtype).MatMul(Tensor.Zeros([0, 4], dtype)).ToArray().ShouldBe(new double[12]);
            Tensor.Zeros([0, 5], dtype).MatMul(Tensor.Zeros([5, 4], dtype)).Shape.ShouldBe(new Shape(0, 4));
            Tensor.Zeros([3, 5], dtype).MatMul(Tensor.Zeros([5, 0], dtype)).Shape.ShouldBe(new Shape(3, 0));
        }
        finally
        {
            Gemm.Forced = Gemm.Strategy.Auto;
        }
    }

    /// <summary>
    /// Float32 accuracy over a long inner dimension: k terms of 0.1·0.1 summed one at a time drift by about 9 % at
    /// k = 10⁷ (the old kernel gave 108 794 instead of 100 000). Blocked summation (blocks of b terms) has an error of
    /// about (b + k/b)·ε relative; every strategy must stay within that bound.
    /// </summary>
    [Theory]
    [InlineData("Auto", 1, 1, 10_000_000)]
    [InlineData("Vector", 1, 3, 2_000_000)]
    [InlineData("Vector", 3, 1, 2_000_000)]
    [InlineData("Auto", 2, 3, 2_000_000)]
    [InlineData("PackedPortable", 2, 3, 1_000_000)]
    public void Float32_error_over_a_long_inner_dimension_grows_no_faster_than_blocked_summation(string strategyName, int m, int n, int k)
    {
        var strategy = Enum.Parse<Gemm.Strategy>(strategyName);
        if (!Supported(strategy)) return;
        var a = Tensor.Full([m, k], 0.1, DType.Float32);
        var b = Tensor.Full([k, n], 0.1, DType.Float32);
        Gemm.Forced = strategy;
        double[] c;
        try { c = a.MatMul(b).ToArray(); }
        finally { Gemm.Forced = Gemm.Strategy.Auto; }
        var term = (double)0.1f * 0.1f;
        var exact = term * k;
        const double eps = 5.96e-8; // 2⁻²⁴
        var blockedBound = (Gemm.SumBlock + (double)k / Gemm.SumBlock) * eps;
        foreach (var value in c)
        {
            var relative = Math.Abs(value - exact) / exact;
            relative.ShouldBeLessThanOrEqualTo(blockedBound, $"{strategy} [{m},{k}]@[{k},{n}] gave {value}, exact {exact}");
        }
    }
}
