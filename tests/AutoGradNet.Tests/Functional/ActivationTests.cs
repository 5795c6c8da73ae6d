using static AutoGradNet.Tests.TestData;
using F = AutoGradNet.Functional;

namespace AutoGradNet.Tests;

/// <summary>Sigmoid, Tanh, Relu and Softplus: finite differences, hand-written references and extreme inputs.</summary>
public class ActivationTests
{
    private static double RefSigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>Forward and gradient of a composite checked against double-precision formulas on moderate inputs.</summary>
    private static void ShouldMatchFormula(Func<Tensor, Tensor> f, Func<double, double> value, Func<double, double> derivative, double[] xs)
    {
        var x = Tensor.FromArray(xs).RequireGrad();
        var y = f(x);
        ShouldBeClose(y.ToArray(), [.. xs.Select(value)], 1e-15, 1e-13);
        y.Sum().Backward();
        ShouldBeClose(x.Grad!.ToArray(), [.. xs.Select(derivative)], 1e-15, 1e-13);
    }

    private static readonly double[] Moderate = [-6, -2.5, -1, -0.3, 0.3, 1, 2.5, 6];

    [Fact]
    public void Sigmoid_backward_matches_finite_differences_on_both_branches() =>
        ShouldPassGradCheck(x => F.Sigmoid(x[0]), Random(1, [3, 4], -6, 6));

    [Fact]
    public void Tanh_backward_matches_finite_differences() =>
        ShouldPassGradCheck(x => F.Tanh(x[0]), Random(2, [3, 4], -3, 3));

    [Fact]
    public void Relu_backward_matches_finite_differences_away_from_the_kink() =>
        ShouldPassGradCheck(x => F.Relu(x[0]), AwayFromZero(3, [3, 4]));

    [Fact]
    public void Softplus_backward_matches_finite_differences() =>
        ShouldPassGradCheck(x => F.Softplus(x[0]), Random(4, [3, 4], -8, 8));

    [Fact]
    public void Sigmoid_forward_and_gradient_equal_one_over_one_plus_exp_and_s_times_one_minus_s() =>
        ShouldMatchFormula(F.Sigmoid, RefSigmoid, v => RefSigmoid(v) * (1 - RefSigmoid(v)), Moderate);

    [Fact]
    public void Tanh_forward_and_gradient_equal_Math_Tanh_and_one_minus_tanh_squared() =>
        ShouldMatchFormula(F.Tanh, Math.Tanh, v => 1 - Math.Tanh(v) * Math.Tanh(v), Moderate);

    [Fact]
    public void Relu_forward_and_gradient_equal_max_x_0_and_the_step_function() =>
        ShouldMatchFormula(F.Relu, v => Math.Max(v, 0), v => v > 0 ? 1 : 0, Moderate);

    [Fact]
    public void Softplus_forward_and_gradient_equal_log_one_plus_exp_and_the_sigmoid() =>
        ShouldMatchFormula(F.Softplus, v => Math.Log(1 + Math.Exp(v)), RefSigmoid, Moderate);

    [Fact]
    public void Tensor_method_forms_equal_the_functional_forms()
    {
        var x = Random(5, [6], -3, 3);
        x.Sigmoid().ToArray().ShouldBe(F.Sigmoid(x).ToArray());
        x.Tanh().ToArray().ShouldBe(F.Tanh(x).ToArray());
        x.Relu().ToArray().ShouldBe(F.Relu(x).ToArray());
    }

    [Fact]
    public void Sigmoid_derivative_at_zero_is_one_quarter()
    {
        // At x = 0 the where-based stable form must take the derivative from a branch, not from |x|'s kink.
        var x = Tensor.FromArray([0.0]).RequireGrad();
        var y = F.Sigmoid(x);
        y.Item().ShouldBe(0.5);
        y.Sum().Backward();
        x.Grad!.Item().ShouldBe(0.25, 1e-15);
    }

    [Fact]
    public void Tanh_derivative_at_zero_is_one_and_Softplus_derivative_at_zero_is_one_half()
    {
        var x = Tensor.FromArray([0.0]).RequireGrad();
        F.Tanh(x).Sum().Backward();
        x.Grad!.Item().ShouldBe(1, 1e-15);

        var z = Tensor.FromArray([0.0]).RequireGrad();
        var s = F.Softplus(z);
        s.Item().ShouldBe(Math.Log(2), 1e-15);
        s.Sum().Backward();
        z.Grad!.Item().ShouldBe(0.5, 1e-15);
    }

    [Fact]
    public void Relu_gradient_is_one_for_positive_and_zero_for_negative_and_zero_inputs()
    {
        var x = Tensor.FromArray([-3.0, -1e-9, 0, 1e-9, 2]).RequireGrad();
        var y = F.Relu(x);
        y.ToArray().ShouldBe([0, 0, 0, 1e-9, 2]);
        y.Sum().Backward();
        x.Grad!.ToArray().ShouldBe([0, 0, 0, 1, 1]);
    }

    [Fact]
    public void Sigmoid_of_plus_and_minus_1000_is_exactly_1_and_0_with_finite_zero_gradient()
    {
        var x = Tensor.FromArray([1000.0, -1000, 800, -800]).RequireGrad();
        var y = F.Sigmoid(x);
        y.ToArray().ShouldBe([1, 0, 1, 0]);
        y.Sum().Backward();
        x.Grad!.ToArray().ShouldBe([0, 0, 0, 0]);
    }

    [Fact]
    public void Tanh_and_Softplus_of_plus_and_minus_1000_are_finite_with_finite_gradients()
    {
        var x = Tensor.FromArray([1000.0, -1000]).RequireGrad();
        var t = F.Tanh(x);
        t.ToArray().ShouldBe([1, -1]);
        t.Sum().Backward();
        x.Grad!.ToArray().ShouldBe([0, 0]);

        var z = Tensor.FromArray([1000.0, -1000]).RequireGrad();
        var s = F.Softplus(z);
        s.ToArray().ShouldBe([1000, 0]);
        s.Sum().Backward();
        z.Grad!.ToArray().ShouldBe([1, 0]);
    }

    [Fact]
    public void Sigmoid_is_accurate_in_the_far_negative_tail_where_one_minus_sigmoid_would_cancel()
    {
        // σ(−30) ≈ e^−30 relative to machine precision: the z/(1+z) branch keeps all digits.
        var x = Tensor.FromArray([-30.0, -50]);
        var y = F.Sigmoid(x).ToArray();
        ShouldBeClose(y, [Math.Exp(-30) / (1 + Math.Exp(-30)), Math.Exp(-50) / (1 + Math.Exp(-50))], 0, 1e-14);
    }

    [Fact]
    public void Relu_Maximum_and_Minimum_propagate_NaN_as_PyTorch_does()
    {
        double.IsNaN(Tensor.FromArray([double.NaN]).Relu().Item()).ShouldBeTrue();
        var nan = Tensor.FromArray([double.NaN, 1.0]);
        var zero = Tensor.FromArray([0.0, double.NaN]);
        nan.Maximum(zero).ToArray().ShouldAllBe(v => double.IsNaN(v));
        nan.Minimum(zero).ToArray().ShouldAllBe(v => double.IsNaN(v));
        Tensor.FromArray([-1.0, 0.0, 2.0]).Relu().ToArray().ShouldBe([0.0, 0.0, 2.0]);
    }

    [Fact]
    public void Tanh_and_Softplus_keep_relative_precision_for_tiny_results()
    {
        AutoGradNet.Functional.Tanh(Tensor.FromArray([1e-10, -1e-300])).ToArray().ShouldBe([1e-10, -1e-300]); // tanh x = x(1 − x²/3 + …)
        Tensor.FromArray([-1e-20f]).Tanh().Item().ShouldBe(-1e-20, 1e-26);
        var softplus = AutoGradNet.Functional.Softplus(Tensor.FromArray([-40.0, -17.0])).ToArray();
        softplus[0].ShouldBe(Math.Exp(-40), Math.Exp(-40) * 1e-15);   // ln(1 + z) = z − z²/2 + … for z = e⁻⁴⁰
        softplus[1].ShouldBe(Math.Exp(-17) - Math.Exp(-34) / 2, Math.Exp(-17) * 1e-14);
    }

    [Fact]
    public void Log1p_is_accurate_near_zero_and_its_backward_matches_finite_differences()
    {
        Tensor.FromArray([1e-20, -1.0, 0.0]).Log1p().ToArray().ShouldBe([1e-20, double.NegativeInfinity, 0.0]);
        Tensor.FromArray([1e-10]).Log1p().Item().ShouldBe(1e-10 - 5e-21, 1e-25); // x − x²/2
        ShouldPassGradCheck(x => x[0].Log1p(), Random(70, [2, 3], -0.5, 2));
    }
}
