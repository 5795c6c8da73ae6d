using AutoGradNet.Verification;
using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>
/// Backward with createGraph records the backward itself: second derivatives against hand-derived formulas,
/// and finite-difference checks of the gradient functions (double backward of every primitive).
/// </summary>
public class SecondDerivativeTests
{
    /// <summary>∂(Σ f(x))/∂x as a differentiable function of x.</summary>
    private static Tensor GradOf(Func<Tensor, Tensor> f, Tensor x) => AutoGrad.Grad(f(x).Sum(), [x], createGraph: true)[0];

    /// <summary>The diagonal of the Hessian of Σ f(x) for an elementwise f: the gradient of Σ f'(x).</summary>
    private static double[] ElementwiseSecondDerivative(Func<Tensor, Tensor> f, Tensor x)
    {
        var firstDerivative = AutoGrad.Grad(f(x).Sum(), [x], createGraph: true)[0];
        firstDerivative.RequiresGrad.ShouldBeTrue();
        return AutoGrad.Grad(firstDerivative.Sum(), [x])[0].ToArray();
    }

    [Fact]
    public void Second_derivative_of_sum_of_cubes_is_six_x()
    {
        var x = Random(1, [5]).RequireGrad();
        var xv = x.ToArray();
        ShouldBeClose(ElementwiseSecondDerivative(t => t.Pow(3), x), [.. xv.Select(v => 6 * v)], 1e-14, 1e-13);
        ShouldBeClose(ElementwiseSecondDerivative(t => t * t * t, x), [.. xv.Select(v => 6 * v)], 1e-14, 1e-13);
    }

    [Fact]
    public void Second_derivative_of_sum_of_exp_is_exp()
    {
        var x = Random(2, [5]).RequireGrad();
        ShouldBeClose(ElementwiseSecondDerivative(t => t.Exp(), x), [.. x.ToArray().Select(Math.Exp)], 1e-14, 1e-13);
    }

    [Fact]
    public void Second_derivative_of_sum_of_log_is_minus_one_over_x_squared()
    {
        var x = Positive(3, [5]).RequireGrad();
        ShouldBeClose(ElementwiseSecondDerivative(t => t.Log(), x), [.. x.ToArray().Select(v => -1 / (v * v))], 1e-14, 1e-13);
    }

    [Fact]
    public void Second_derivatives_of_sqrt_and_reciprocal_match_their_formulas()
    {
        var x = Positive(4, [5]).RequireGrad();
        var xv = x.ToArray();
        ShouldBeClose(ElementwiseSecondDerivative(t => t.Sqrt(), x), [.. xv.Select(v => -0.25 * Math.Pow(v, -1.5))], 1e-14, 1e-12);
        ShouldBeClose(ElementwiseSecondDerivative(t => 1.0 / t, x), [.. xv.Select(v => 2 / (v * v * v))], 1e-14, 1e-12);
        ShouldBeClose(ElementwiseSecondDerivative(t => t.Pow(1.5), x), [.. xv.Select(v => 0.75 / Math.Sqrt(v))], 1e-14, 1e-12);
    }

    [Fact]
    public void Second_derivative_of_sigmoid_is_s_times_one_minus_s_times_one_minus_two_s()
    {
        var x = Tensor.FromArray([-5.0, -1.3, -0.2, 0, 0.2, 1.3, 5]).RequireGrad();
        var expected = x.ToArray().Select(v =>
        {
            var s = 1 / (1 + Math.Exp(-v));
            return s * (1 - s) * (1 - 2 * s);
        });
        ShouldBeClose(ElementwiseSecondDerivative(AutoGradNet.Functional.Sigmoid, x), [.. expected], 1e-15, 1e-12);
    }

    [Fact]
    public void Second_derivative_of_sigmoid_is_finite_at_plus_and_minus_1000()
    {
        var x = Tensor.FromArray([1000.0, -1000]).RequireGrad();
        ElementwiseSecondDerivative(AutoGradNet.Functional.Sigmoid, x).ShouldBe([0, 0]);
    }

    [Fact]
    public void Second_derivative_of_tanh_is_minus_two_tanh_times_one_minus_tanh_squared()
    {
        var x = Random(5, [6], -2, 2).RequireGrad();
        var expected = x.ToArray().Select(v => -2 * Math.Tanh(v) * (1 - Math.Tanh(v) * Math.Tanh(v)));
        ShouldBeClose(ElementwiseSecondDerivative(AutoGradNet.Functional.Tanh, x), [.. expected], 1e-15, 1e-12);
    }

    [Fact]
    public void Mixed_second_derivative_of_x_squared_times_y_is_two_x()
    {
        // f = Σ x²y: ∂f/∂x = 2xy, ∂²f/∂y∂x = 2x, ∂²f/∂x² = 2y (diagonal).
        var x = Random(6, [4]).RequireGrad();
        var y = Random(7, [4]).RequireGrad();
        var gx = AutoGrad.Grad((x * x * y).Sum(), [x], createGraph: true)[0];
        ShouldBeClose(gx.ToArray(), [.. x.ToArray().Select((v, i) => 2 * v * y.ToArray()[i])]);
        var (dxy, dxx) = (AutoGrad.Grad(gx.Sum(), [y], retainGraph: true)[0], AutoGrad.Grad(gx.Sum(), [x])[0]);
        ShouldBeClose(dxy.ToArray(), [.. x.ToArray().Select(v => 2 * v)]);
        ShouldBeClose(dxx.ToArray(), [.. y.ToArray().Select(v => 2 * v)]);
    }

    [Fact]
    public void Backward_with_createGraph_leaves_a_differentiable_grad()
    {
        // f = Σ x³ via Backward(createGraph): x.Grad = 3x² carries a graph whose derivative is 6x.
        var x = Random(8, [4]).RequireGrad();
        x.Pow(3).Sum().Backward(createGraph: true);
        var g = x.Grad!;
        g.RequiresGrad.ShouldBeTrue();
        ShouldBeClose(g.ToArray(), [.. x.ToArray().Select(v => 3 * v * v)], 1e-15, 1e-13);
        var h = AutoGrad.Grad(g.Sum(), [x])[0];
        ShouldBeClose(h.ToArray(), [.. x.ToArray().Select(v => 6 * v)], 1e-15, 1e-13);
    }

    [Fact]
    public void MatMul_Hessian_vector_product_of_a_quadratic_form_is_A_plus_A_transposed_times_v()
    {
        // f(x) = xᵀAx ⇒ ∇f = (A + Aᵀ)x, H = A + Aᵀ; Hv = ∇ₓ(∇f · v).
        const int n = 4;
        var a = Random(9, [n, n]);
        var x = Random(10, [n]).RequireGrad();
        var v = Random(11, [n]);
        var f = x.MatMul(a.MatMul(x));
        f.Rank.ShouldBe(0);
        var g = AutoGrad.Grad(f, [x], createGraph: true)[0];
        var hv = AutoGrad.Grad((g * v).Sum(), [x])[0].ToArray();

        double[] av = a.ToArray(), xv = x.ToArray(), vv = v.ToArray();
        var expectedGrad = new double[n];
        var expectedHv = new double[n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                var h = av[i * n + j] + av[j * n + i];
                expectedGrad[i] += h * xv[j];
                expectedHv[i] += h * vv[j];
            }
        ShouldBeClose(g.ToArray(), expectedGrad, 1e-13);
        ShouldBeClose(hv, expectedHv, 1e-13);
    }

    [Fact]
    public void MatMul_Hessian_vector_product_of_a_least_squares_loss_is_two_X_transposed_X_v()
    {
        // f(w) = ‖Xw − y‖² ⇒ H = 2XᵀX, independent of w and y.
        const int m = 5, n = 3;
        var xMat = Random(12, [m, n]);
        var y = Random(13, [m]);
        var w = Random(14, [n]).RequireGrad();
        var v = Random(15, [n]);
        var g = AutoGrad.Grad((xMat.MatMul(w) - y).Pow(2).Sum(), [w], createGraph: true)[0];
        var hv = AutoGrad.Grad((g * v).Sum(), [w])[0].ToArray();
        var xv = xMat.ToArray();
        var vv = v.ToArray();
        var expected = new double[n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                for (var r = 0; r < m; r++) expected[i] += 2 * xv[r * n + i] * xv[r * n + j] * vv[j];
        ShouldBeClose(hv, expected, 1e-13);
    }

    [Fact]
    public void Gradient_of_sum_of_cubes_passes_a_gradcheck_of_its_own() =>
        ShouldPassGradCheck(x => GradOf(t => t * t * t, x[0]), Random(16, [2, 3]));

    [Fact]
    public void GradCheck_accepts_a_function_that_itself_calls_the_autograd()
    {
        var result = GradCheck.Run(x => AutoGrad.Grad((x[0] * x[0] * x[0]).Sum(), [x[0]], createGraph: true)[0], [Random(17, [4])]);
        result.Report.ShouldBeEmpty();
        result.Passed.ShouldBeTrue();
    }

    public static TheoryData<string> DoubleBackwardCases => new()
    {
        "exp", "log", "pow3", "pow0.5", "pow-1", "sqrt", "div", "mul-broadcast", "sub-neg", "abs", "where", "max", "sum-axis",
        "mean", "matmul", "batched-matmul", "permute-reshape", "slice-concat", "broadcast", "sigmoid", "tanh", "softplus",
        "softmax", "logsumexp", "relu", "clamp",
    };

    [Theory]
    [MemberData(nameof(DoubleBackwardCases))]
    public void Gradient_function_passes_a_gradcheck_double_backward(string name)
    {
        // Each case: a scalar-producing-by-Sum function of one [3, 4] input (kept positive or away from kinks
        // where it needs to be); the check differentiates its gradient a second time.
        var w = Random(18, [3, 4], 0.5, 1.5);
        var m = Random(19, [4, 2]);
        var (f, input) = name switch
        {
            "exp" => ((Func<Tensor, Tensor>)(t => t.Exp() * w), Random(20, [3, 4])),
            "log" => (t => t.Log() * w, Positive(21, [3, 4])),
            "pow3" => (t => t.Pow(3) * w, Random(22, [3, 4])),
            "pow0.5" => (t => t.Pow(0.5) * w, Positive(23, [3, 4])),
            "pow-1" => (t => t.Pow(-1) * w, AwayFromZero(24, [3, 4], 0.5)),
            "sqrt" => (t => t.Sqrt() * w, Positive(25, [3, 4])),
            "div" => (t => w / t + t / (w + t * t), AwayFromZero(26, [3, 4], 0.5)),
            "mul-broadcast" => (t => t * t.Sum(0, keepDim: true) * t.Slice(1, 0, 1), Random(27, [3, 4])),
            "sub-neg" => (t => (w - t) * -(t - 1.0) * t, Random(28, [3, 4])),
            "abs" => (t => t.Abs() * t * w, AwayFromZero(29, [3, 4])),
            "where" => (t => Tensor.Where(w > 1.0, t * t, t.Exp()), Random(30, [3, 4])),
            "max" => (t => t.Max(1) * t.Max(1), Distinct(31, [3, 4])),
            "sum-axis" => (t => t.Sum(1).Pow(2) + t.Sum([0, 1]).Exp(), Random(32, [3, 4], -0.3, 0.3)),
            "mean" => (t => t.Mean(0).Pow(3), Random(33, [3, 4])),
            "matmul" => (t => t.MatMul(m).Pow(2).Sum() + (t.MatMul(t.T) * t.Sum(1)).Sum(), Random(34, [3, 4])),
            "batched-matmul" => (t => t.Reshape(3, 2, 2).MatMul(t.Reshape(3, 2, 2)).MatMul(m.Slice(0, 0, 2)), Random(35, [3, 4])),
            "permute-reshape" => (t => t.T.Reshape(2, 6).Pow(2) * t.Reshape(-1).Reshape(2, 6), Random(36, [3, 4])),
            "slice-concat" => (t => Tensor.Concat([t.Slice(1, 1, 3), t.Slice(1, -1, 4)], 1).Pow(3), Random(37, [3, 4])),
            "broadcast" => (t => t.Sum(0).BroadcastTo([2, 4]).Pow(2), Random(38, [3, 4])),
            "sigmoid" => (t => AutoGradNet.Functional.Sigmoid(t) * w, Random(39, [3, 4], -4, 4)),
            "tanh" => (t => AutoGradNet.Functional.Tanh(t) * w, Random(40, [3, 4], -2, 2)),
            "softplus" => (t => AutoGradNet.Functional.Softplus(t) * w, Random(41, [3, 4], -4, 4)),
            "softmax" => (t => AutoGradNet.Functional.Softmax(t) * w, Random(42, [3, 4])),
            "logsumexp" => (t => AutoGradNet.Functional.LogSumExp(t, 0).Pow(2), Random(43, [3, 4])),
            "relu" => (t => AutoGradNet.Functional.Relu(t) * t * w, AwayFromZero(44, [3, 4])),
            "clamp" => (t => t.Clamp(-0.45, 0.75) * t, Distinct(45, [3, 4], step: 0.3)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        ShouldPassGradCheck(x => GradOf(f, x[0]), input);
    }
}
