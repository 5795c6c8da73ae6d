using System.Text.Json;
using AutoGradNet.Ops;
using AutoGradNet.Verification;
using AutoGradNet.Tests.Reference;
using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>
/// Sin, Cos, Atan, Asin, Sinh, Cosh, Erf, Expm1, Reciprocal, Square and Rsqrt: finite differences (contiguous and
/// strided inputs), PyTorch's values and gradients, every kernel length in Float64 and Float32 against the scalar
/// System.Math function, accuracy near 0, second derivatives, Int64 inputs and errors.
/// </summary>
public class UnaryMathTests
{
    /// <summary>One op: the tensor method, an independent double reference, its derivative, and a valid input range.</summary>
    private sealed record Op(Func<Tensor, Tensor> Apply, Func<double, double> Value, Func<double, double> Derivative, double Low, double High);

    private static readonly Dictionary<string, Op> s_ops = new()
    {
        ["sin"] = new(x => x.Sin(), Math.Sin, Math.Cos, -3, 3),
        ["cos"] = new(x => x.Cos(), Math.Cos, v => -Math.Sin(v), -3, 3),
        ["atan"] = new(x => x.Atan(), Math.Atan, v => 1 / (1 + v * v), -3, 3),
        ["asin"] = new(x => x.Asin(), Math.Asin, v => 1 / Math.Sqrt(1 - v * v), -0.9, 0.9),
        ["sinh"] = new(x => x.Sinh(), Math.Sinh, Math.Cosh, -3, 3),
        ["cosh"] = new(x => x.Cosh(), Math.Cosh, Math.Sinh, -3, 3),
        ["erf"] = new(x => x.Erf(), ErfBySeries, v => 2 / Math.Sqrt(Math.PI) * Math.Exp(-v * v), -3, 3),
        ["expm1"] = new(x => x.Expm1(), v => Math.Exp(v) - 1, Math.Exp, -2, 2),
        ["reciprocal"] = new(x => x.Reciprocal(), v => 1 / v, v => -1 / (v * v), 0.3, 3),
        ["square"] = new(x => x.Square(), v => v * v, v => 2 * v, -3, 3),
        ["rsqrt"] = new(x => x.Rsqrt(), v => 1 / Math.Sqrt(v), v => -0.5 * Math.Pow(v, -1.5), 0.3, 3),
    };

    public static TheoryData<string> OpNames => [.. s_ops.Keys];

    public static TheoryData<string> TorchCaseNames => [.. s_ops.Keys.SelectMany(op => TorchReference.Cases(op)).Select(c => c.Name)];

    /// <summary>
    /// erf by its Maclaurin series 2/√π Σ (−1)ⁿx^(2n+1)/(n!(2n+1)) in 28-digit decimal arithmetic, independent of the
    /// implementation; the cancellation costs at most 8 digits for |x| ≤ 4.2.
    /// </summary>
    private static double ErfBySeries(double x)
    {
        // (decimal)x keeps only 15 digits: add the remainder separately so the conversion is exact to ~30 digits.
        var hi = (decimal)x;
        var d = hi + (decimal)(x - (double)hi);
        var x2 = d * d;
        decimal term = d, sum = d;
        for (var n = 1; n < 400 && term != 0; n++)
        {
            term = term * -x2 / n;
            sum += term / (2 * n + 1);
        }
        return (double)(sum * 1.1283791670955125738961589031m);
    }

    [Theory]
    [MemberData(nameof(OpNames))]
    public void Backward_matches_finite_differences(string name)
    {
        var op = s_ops[name];
        GradCheck.Assert(x => op.Apply(x[0]), [Random(1, [3, 4], op.Low, op.High)]);
    }

    [Theory]
    [MemberData(nameof(OpNames))]
    public void Backward_matches_finite_differences_on_a_transposed_input(string name)
    {
        var op = s_ops[name];
        var x = Random(2, [4, 3], op.Low, op.High).T.Detach();
        x.IsContiguous.ShouldBeFalse();
        GradCheck.Assert(t => op.Apply(t[0]), [x]);
    }

    [Theory]
    [MemberData(nameof(OpNames))]
    public void Second_derivative_matches_finite_differences(string name)
    {
        var op = s_ops[name];
        GradCheck.Assert(x => AutoGrad.Grad(op.Apply(x[0]).Sum(), [x[0]], createGraph: true)[0], [Random(3, [5], op.Low, op.High)]);
    }

    [Theory]
    [MemberData(nameof(TorchCaseNames))]
    public void Values_and_gradients_match_PyTorch(string caseName) =>
        TorchCaseRunner.ShouldMatch(caseName, x => s_ops[TorchReference.Case(caseName).Op].Apply(x[0]));

    [Theory]
    [MemberData(nameof(OpNames))]
    public void Float64_kernel_matches_the_scalar_function_and_derivative_at_every_length_0_to_40(string name)
    {
        var op = s_ops[name];
        for (var n = 0; n <= 40; n++)
        {
            var x = Random(100 + n, [n], op.Low, op.High).RequireGrad();
            var y = op.Apply(x);
            y.DType.ShouldBe(DType.Float64);
            var xv = x.ToArray();
            ShouldBeClose(y.ToArray(), [.. xv.Select(op.Value)], 1e-15, 4e-15);
            y.Sum().Backward();
            ShouldBeClose(x.Grad!.ToArray(), [.. xv.Select(op.Derivative)], 1e-15, 1e-14);
        }
    }

    [Theory]
    [MemberData(nameof(OpNames))]
    public void Float32_kernel_agrees_with_Float64_to_float_precision_at_every_length_0_to_40(string name)
    {
        var op = s_ops[name];
        for (var n = 0; n <= 40; n++)
        {
            var x32 = Random(200 + n, [n], op.Low, op.High).To(DType.Float32);
            var y = op.Apply(x32);
            y.DType.ShouldBe(DType.Float32);
            // The reference is the double function of the (float-rounded) inputs.
            ShouldBeClose(y.ToArray(), [.. x32.ToArray().Select(op.Value)], 1e-6, 1e-6);
        }
    }

    [Theory]
    [MemberData(nameof(OpNames))]
    public void Int64_input_is_computed_in_Float64(string name)
    {
        var op = s_ops[name];
        var x = Tensor.FromArray(new long[] { 1, 2, 3 });
        var y = op.Apply(name == "asin" ? x - 1L : x);
        y.DType.ShouldBe(DType.Float64);
        ShouldBeClose(y.ToArray(), [.. (name == "asin" ? [0.0, 1, 2] : new[] { 1.0, 2, 3 }).Select(op.Value)], 1e-15, 1e-14);
    }

    [Theory]
    [InlineData("sin", 1.0)]
    [InlineData("atan", 1.0)]
    [InlineData("asin", 1.0)]
    [InlineData("sinh", 1.0)]
    [InlineData("erf", ErfSlopeAtZero)]
    public void Odd_functions_keep_full_relative_precision_near_zero_in_both_float_types(string name, double slope)
    {
        // f(x) = slope·x + O(x³), exact to double precision at these magnitudes.
        var op = s_ops[name];
        double[] xs = [1e-10, -3e-12, 1e-200, 2.5e-8];
        ShouldBeClose(op.Apply(Tensor.FromArray(xs)).ToArray(), [.. xs.Select(v => slope * v)], 0, 4e-16);
        float[] fs = [1e-4f, -3e-6f, 1e-8f, 1e-30f];
        ShouldBeClose(op.Apply(Tensor.FromArray(fs)).ToArray(), [.. fs.Select(v => (double)(float)(slope * v))], 0, 2e-7);
    }

    private const double ErfSlopeAtZero = 1.1283791670955126;

    [Theory]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(-2.0, -0.9953222650189527)]
    [InlineData(3.0, 0.9999779095030014)]
    [InlineData(1e-10, 1.1283791670955126e-10)]
    [InlineData(2.5, 0.999593047982555)]
    [InlineData(5.0, 0.9999999999984626)]
    [InlineData(-7.0, -1.0)]
    [InlineData(0.0, 0.0)]
    public void Erf_matches_known_values_to_1e_minus_14_relative(double x, double expected) =>
        ShouldBeClose(Tensor.FromArray([x]).Erf().ToArray(), [expected], 0, 1e-14);

    [Fact]
    public void Erf_is_odd_keeps_signed_zero_and_propagates_NaN_and_infinities()
    {
        var y = Tensor.FromArray([-0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity]).Erf().ToArray();
        double.IsNegative(y[0]).ShouldBeTrue();
        y[0].ShouldBe(0);
        double.IsNaN(y[1]).ShouldBeTrue();
        y[2].ShouldBe(1);
        y[3].ShouldBe(-1);
        var x = Random(4, [50], -6, 6);
        ShouldBeClose((-x).Erf().ToArray(), [.. x.Erf().ToArray().Select(v => -v)], 0, 0);
    }

    [Fact]
    public void Erf_agrees_with_a_decimal_series_across_the_range_in_both_branches()
    {
        var x = Tensor.FromArray([1e-8, 0.01, 0.3, 1.1, 1.9, 2.49, 2.51, 3.3, 4.2, -3.7]);
        ShouldBeClose(x.Erf().ToArray(), [.. x.ToArray().Select(ErfBySeries)], 1e-15, 2e-15);
    }

    /// <summary>Inputs whose square rounds badly in float64, with erf and e^(−x²) from mpmath (generate_erf_reference.py).</summary>
    private static (double X, double Erf, double ExpMinusSquare)[] MpmathErfCases()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference/erf_reference.json")));
        return [.. json.RootElement.GetProperty("cases").EnumerateArray().Select(c =>
            (c.GetProperty("x").GetDouble(), c.GetProperty("erf").GetDouble(), c.GetProperty("exp_minus_square").GetDouble()))];
    }

    private static double Ulps(double actual, double expected) =>
        Math.Abs(actual - expected) / (Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected));

    [Fact]
    public void Erf_compensates_the_rounding_of_x_squared_in_its_exponential()
    {
        // At these inputs x·x in float64 is off from x² by 0.4–0.5 ulp of x², so exp(−x·x) alone is wrong by up to
        // ~8 ulp (x near 2.5); with the compensation e^(−x²) = exp(−hi)·(1 − lo) it stays within one.
        var cases = MpmathErfCases();
        cases.Length.ShouldBe(100);
        var worst = cases.Max(c => Ulps(ErfMath.ExpMinusSquare(Math.Abs(c.X)), c.ExpMinusSquare));
        worst.ShouldBeLessThanOrEqualTo(1.0, "worst error of e^(−x²) in ulps");
        var uncompensated = cases.Max(c => Ulps(Math.Exp(-c.X * c.X), c.ExpMinusSquare));
        uncompensated.ShouldBeGreaterThan(3.0, "the cases should be ones where the rounding of x² matters");
    }

    [Fact]
    public void Erf_is_within_a_few_ulp_of_mpmath_in_both_branches()
    {
        var cases = MpmathErfCases();
        var y = Tensor.FromArray([.. cases.Select(c => c.X)]).Erf().ToArray();
        var errors = cases.Select((c, i) => Ulps(y[i], c.Erf)).ToArray();
        errors.Max().ShouldBeLessThanOrEqualTo(8.0, $"worst error of erf in ulps; mean {errors.Average():F2}");
    }

    [Theory]
    [InlineData(1e-10)]
    [InlineData(-1e-12)]
    [InlineData(1e-300)]
    [InlineData(3e-8)]
    [InlineData(-1e-5)]
    public void Expm1_and_Sinh_keep_full_relative_precision_near_zero(double x)
    {
        // Taylor series, exact to double precision at these magnitudes: eˣ − 1 = x + x²/2 + x³/6, sinh x = x + x³/6.
        var expm1 = x + x * x / 2 + x * x * x / 6 + x * x * x * x / 24;
        var sinh = x + x * x * x / 6;
        ShouldBeClose(Tensor.FromArray([x]).Expm1().ToArray(), [expm1], 0, 3e-16);
        ShouldBeClose(Tensor.FromArray([x]).Sinh().ToArray(), [sinh], 0, 3e-16);
        ShouldBeClose(Tensor.FromArray([(float)x]).Expm1().ToArray(), [(float)x + (double)(float)x * (float)x / 2], 0, 2e-7);
    }

    [Fact]
    public void Expm1_handles_large_and_infinite_inputs()
    {
        var y = Tensor.FromArray([-800.0, double.NegativeInfinity, 800, double.PositiveInfinity, double.NaN, 50]).Expm1().ToArray();
        y[0].ShouldBe(-1);
        y[1].ShouldBe(-1);
        y[2].ShouldBe(double.PositiveInfinity);
        y[3].ShouldBe(double.PositiveInfinity);
        double.IsNaN(y[4]).ShouldBeTrue();
        ShouldBeClose([y[5]], [Math.Exp(50) - 1], 0, 1e-15);
    }

    [Fact]
    public void Reciprocal_and_Rsqrt_give_infinity_at_zero_and_Asin_NaN_outside_its_domain()
    {
        Tensor.FromArray([0.0, -0.0]).Reciprocal().ToArray().ShouldBe([double.PositiveInfinity, double.NegativeInfinity]);
        Tensor.FromArray([0.0]).Rsqrt().ToArray().ShouldBe([double.PositiveInfinity]);
        double.IsNaN(Tensor.FromArray([-1.0]).Rsqrt().Item()).ShouldBeTrue();
        double.IsNaN(Tensor.FromArray([1.5]).Asin().Item()).ShouldBeTrue();
    }

    [Fact]
    public void Asin_gradient_is_infinite_at_one()
    {
        var x = Tensor.FromArray([1.0, -1.0]).RequireGrad();
        x.Asin().Sum().Backward();
        x.Grad!.ToArray().ShouldBe([double.PositiveInfinity, double.PositiveInfinity]);
    }

    [Fact]
    public void Nodes_are_named_after_the_methods()
    {
        var x = Random(5, [2]).RequireGrad();
        x.Sin().GradFn!.Name.ShouldStartWith("Sin");
        x.Erf().GradFn!.Name.ShouldStartWith("Erf");
        x.Rsqrt().GradFn!.Name.ShouldStartWith("Rsqrt");
    }
}
