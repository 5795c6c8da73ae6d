using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>Exp, Log, Pow, Sqrt, Abs and Clone: backward against finite differences, forward and gradient against Math.</summary>
public class UnaryTests
{
    [Fact]
    public void Exp_backward_matches_finite_differences() =>
        ShouldPassGradCheck(x => x[0].Exp(), Random(1, [2, 3]));

    [Fact]
    public void Log_backward_matches_finite_differences_on_positive_inputs() =>
        ShouldPassGradCheck(x => x[0].Log(), Positive(2, [2, 3], low: 0.3, high: 3));

    [Theory]
    [InlineData(2.0)]
    [InlineData(3.0)]
    [InlineData(-1.0)]
    public void Pow_with_integer_exponent_matches_finite_differences(double exponent) =>
        // Integer exponents are defined for negative bases too; keep away from 0 for the negative power.
        ShouldPassGradCheck(x => x[0].Pow(exponent), AwayFromZero(3, [2, 3], margin: 0.4));

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.5)]
    [InlineData(-0.5)]
    [InlineData(2.0)]
    [InlineData(3.0)]
    [InlineData(-1.0)]
    public void Pow_matches_finite_differences_on_positive_inputs(double exponent) =>
        ShouldPassGradCheck(x => x[0].Pow(exponent), Positive(4, [2, 3]));

    [Fact]
    public void Pow_with_exponent_zero_is_one_with_zero_gradient()
    {
        var x = Random(5, [4]).RequireGrad();
        var y = x.Pow(0);
        ShouldBeClose(y.ToArray(), [1, 1, 1, 1]);
        y.Sum().Backward();
        ShouldBeClose(x.Grad!.ToArray(), [0, 0, 0, 0]);
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(3.0)]
    [InlineData(0.5)]
    [InlineData(-1.0)]
    [InlineData(1.5)]
    public void Pow_forward_and_gradient_equal_Math_Pow_and_p_x_to_p_minus_1(double p)
    {
        var x = Positive(6, [5]).RequireGrad();
        var y = x.Pow(p);
        var xv = x.ToArray();
        ShouldBeClose(y.ToArray(), [.. xv.Select(v => Math.Pow(v, p))], 1e-14, 1e-13);
        y.Sum().Backward();
        ShouldBeClose(x.Grad!.ToArray(), [.. xv.Select(v => p * Math.Pow(v, p - 1))], 1e-14, 1e-13);
    }

    [Fact]
    public void Sqrt_backward_matches_finite_differences_on_positive_inputs() =>
        ShouldPassGradCheck(x => x[0].Sqrt(), Positive(7, [3, 2], low: 0.3, high: 4));

    [Fact]
    public void Abs_backward_matches_finite_differences_away_from_zero() =>
        ShouldPassGradCheck(x => x[0].Abs(), AwayFromZero(8, [3, 4]));

    [Fact]
    public void Abs_gradient_is_the_sign_and_zero_at_the_kink()
    {
        var x = Tensor.FromArray([-2.0, -0.5, 0.0, 0.5, 3.0]).RequireGrad();
        x.Abs().Sum().Backward();
        ShouldBeClose(x.Grad!.ToArray(), [-1, -1, 0, 1, 1]);
    }

    [Fact]
    public void Clone_backward_matches_finite_differences_and_copies_storage()
    {
        ShouldPassGradCheck(x => x[0].Clone() * x[0], Random(9, [2, 3]));
        var a = Random(10, [3]);
        var c = a.Clone();
        using (Tensor.NoGrad()) c.SetItemAt(100, 0);
        a.ItemAt(0).ShouldNotBe(100);
    }

    [Fact]
    public void Exp_log_sqrt_abs_forward_and_gradients_equal_their_Math_formulas()
    {
        var xv = Positive(11, [6], low: 0.2, high: 3).ToArray();
        var expected = new (Func<Tensor, Tensor> Op, Func<double, double> F, Func<double, double> DF)[]
        {
            (t => t.Exp(), Math.Exp, Math.Exp),
            (t => t.Log(), Math.Log, v => 1 / v),
            (t => t.Sqrt(), Math.Sqrt, v => 0.5 / Math.Sqrt(v)),
            (t => (-t).Abs(), Math.Abs, _ => 1),
            (t => -t, v => -v, _ => -1),
        };
        foreach (var (op, f, df) in expected)
        {
            var x = Tensor.FromArray(xv).RequireGrad();
            var y = op(x);
            ShouldBeClose(y.ToArray(), [.. xv.Select(f)], 1e-14, 1e-14);
            y.Sum().Backward();
            ShouldBeClose(x.Grad!.ToArray(), [.. xv.Select(df)], 1e-14, 1e-14);
        }
    }

    [Fact]
    public void Chained_unary_ops_match_finite_differences() =>
        // log(sqrt(x² + 1)) + exp(−|x|): a composite that passes every unary backward through another.
        ShouldPassGradCheck(x => (x[0].Pow(2) + 1).Sqrt().Log() + (-x[0].Abs()).Exp(), AwayFromZero(12, [2, 4]));
}
