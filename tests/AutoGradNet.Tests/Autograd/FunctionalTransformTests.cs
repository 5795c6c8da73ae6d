namespace AutoGradNet.Tests.Autograd;

/// <summary>
/// AutoGrad.Jacobian/Hessian/Vjp/Jvp/Hvp/Vhp against closed forms and against central finite differences computed
/// here on plain doubles.
/// </summary>
public class FunctionalTransformTests
{
    private static readonly double[,] A = { { 1, 2, -1 }, { 0.5, -3, 4 } };
    private static readonly double[,] Square = { { 2, -1, 0.5 }, { 3, 1, -2 }, { 0.25, 4, -1 } };

    /// <summary>Central differences of f (flattened values) at x: J[k, j] = (f(x + h eⱼ)[k] − f(x − h eⱼ)[k]) / 2h.</summary>
    private static double[,] NumericJacobian(Func<double[], double[]> f, double[] x, double h = 1e-6)
    {
        var outSize = f(x).Length;
        var j = new double[outSize, x.Length];
        for (var c = 0; c < x.Length; c++)
        {
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[c] += h;
            minus[c] -= h;
            var fp = f(plus);
            var fm = f(minus);
            for (var k = 0; k < outSize; k++) j[k, c] = (fp[k] - fm[k]) / (2 * h);
        }
        return j;
    }

    private static void ShouldEqual(Tensor actual, double[] expected, double tolerance = 1e-12)
    {
        var values = actual.ToArray();
        values.Length.ShouldBe(expected.Length);
        for (var i = 0; i < values.Length; i++) values[i].ShouldBe(expected[i], tolerance, $"element {i}");
    }

    private static double[] Flat(double[,] m) => m.Cast<double>().ToArray();

    [Fact]
    public void The_Jacobian_of_a_linear_map_is_its_matrix()
    {
        var a = Tensor.FromArray(A);
        var x = Tensor.FromArray([0.3, -1.2, 2.0]);
        var j = AutoGrad.Jacobian(v => a.MatMul(v), x);
        j.Shape.ShouldBe(new Shape(2, 3));
        ShouldEqual(j, Flat(A));
        j.RequiresGrad.ShouldBeFalse();
    }

    [Fact]
    public void The_Jacobian_of_elementwise_sin_at_a_non_contiguous_input_is_diag_cos_with_shape_out_plus_in()
    {
        var x = TestData.Random(1, [3, 2]).T.Detach();
        x.IsContiguous.ShouldBeFalse();
        var j = AutoGrad.Jacobian(v => v.Sin(), x);
        j.Shape.ShouldBe(new Shape(2, 3, 2, 3));
        var xs = x.ToArray();
        var expected = new double[36];
        for (var k = 0; k < 6; k++) expected[k * 6 + k] = Math.Cos(xs[k]);
        ShouldEqual(j, expected);
    }

    [Fact]
    public void A_nonlinear_Jacobian_agrees_with_finite_differences()
    {
        // f(x) = [x0·x1, sin(x2) + x0², exp(x1)·x2]
        var x0 = new[] { 0.7, -1.3, 0.4 };
        var j = AutoGrad.Jacobian(v => Tensor.Stack([v[0] * v[1], v[2].Sin() + v[0] * v[0], v[1].Exp() * v[2]]), Tensor.FromArray(x0));
        var numeric = NumericJacobian(v => [v[0] * v[1], Math.Sin(v[2]) + v[0] * v[0], Math.Exp(v[1]) * v[2]], x0);
        ShouldEqual(j, Flat(numeric), 1e-8);
    }

    [Fact]
    public void The_Jacobians_of_a_product_of_two_inputs_are_the_diagonals_of_the_other()
    {
        var a = Tensor.FromArray([1.0, 2.0, 3.0]);
        var b = TestData.Random(2, [6]).Slice(0, 0, 6, 2).Detach();
        b.IsContiguous.ShouldBeFalse();
        var j = AutoGrad.Jacobian(t => t[0] * t[1], [a, b]);
        j.Length.ShouldBe(2);
        var bs = b.ToArray();
        ShouldEqual(j[0], [bs[0], 0, 0, 0, bs[1], 0, 0, 0, bs[2]]);
        ShouldEqual(j[1], [1, 0, 0, 0, 2, 0, 0, 0, 3]);
    }

    [Fact]
    public void A_constant_function_has_a_zero_Jacobian_and_Hessian()
    {
        var x = Tensor.FromArray([1.0, 2.0]);
        var c = Tensor.FromArray([5.0, 6.0, 7.0]);
        AutoGrad.Jacobian(_ => c, x).ToArray().ShouldBe(new double[6]);
        AutoGrad.Hessian(v => v.Sum() * 3, x).ToArray().ShouldBe(new double[4]);
        AutoGrad.Jvp(_ => c, x, Tensor.OnesLike(x)).Jvp.ToArray().ShouldBe(new double[3]);
        AutoGrad.Vjp(_ => c, x, Tensor.OnesLike(c)).Vjp.ToArray().ShouldBe(new double[2]);
        AutoGrad.Hvp(v => v.Sum(), x, Tensor.OnesLike(x)).Hvp.ToArray().ShouldBe(new double[2]);
    }

    [Fact]
    public void The_Hessian_of_a_quadratic_form_is_A_plus_A_transposed()
    {
        var a = Tensor.FromArray(Square);
        var x = Tensor.FromArray([0.5, -1.0, 2.0]);
        var h = AutoGrad.Hessian(v => v.MatMul(a).MatMul(v), x);
        h.Shape.ShouldBe(new Shape(3, 3));
        var expected = new double[9];
        for (var i = 0; i < 3; i++)
            for (var k = 0; k < 3; k++) expected[i * 3 + k] = Square[i, k] + Square[k, i];
        ShouldEqual(h, expected);
    }

    [Fact]
    public void The_Hessian_of_a_shaped_input_has_shape_in_plus_in_and_agrees_with_finite_differences_of_the_gradient()
    {
        // f = Σ x³ + x00·x11: H is diag(6x) plus 1 at (00, 11) and (11, 00).
        var x = TestData.Random(3, [4, 2]).T.Detach()[.., 0..2];
        var h = AutoGrad.Hessian(v => v.Pow(3).Sum() + v[0, 0] * v[1, 1], x);
        h.Shape.ShouldBe(new Shape(2, 2, 2, 2));
        var xs = x.ToArray();
        var gradient = (double[] v) => new[] { 3 * v[0] * v[0] + v[3], 3 * v[1] * v[1], 3 * v[2] * v[2], 3 * v[3] * v[3] + v[0] };
        ShouldEqual(h, Flat(NumericJacobian(gradient, xs)), 1e-7);
    }

    [Fact]
    public void The_Hessian_blocks_of_a_function_of_two_inputs_match_the_closed_form()
    {
        // f = Σ a²·b: ∂²/∂a² = diag(2b), ∂²/∂a∂b = diag(2a), ∂²/∂b² = 0.
        var a = Tensor.FromArray([1.0, -2.0]);
        var b = Tensor.FromArray([3.0, 0.5]);
        var h = AutoGrad.Hessian(t => (t[0] * t[0] * t[1]).Sum(), [a, b]);
        ShouldEqual(h[0, 0], [6, 0, 0, 1]);
        ShouldEqual(h[0, 1], [2, 0, 0, -4]);
        ShouldEqual(h[1, 0], [2, 0, 0, -4]);
        ShouldEqual(h[1, 1], [0, 0, 0, 0]);
    }

    [Fact]
    public void Vjp_is_v_transposed_times_the_matrix_and_returns_the_output()
    {
        var a = Tensor.FromArray(A);
        var x = Tensor.FromArray([0.3, -1.2, 2.0]);
        var v = Tensor.FromArray([2.0, -1.0]);
        var (output, vjp) = AutoGrad.Vjp(t => a.MatMul(t), x, v);
        ShouldEqual(output, [0.3 - 2.4 - 2.0, 0.15 + 3.6 + 8.0]);
        ShouldEqual(vjp, [2 * 1 - 0.5, 2 * 2 + 3, -2 - 4]);
        output.RequiresGrad.ShouldBeFalse();
    }

    [Fact]
    public void Vjp_of_two_inputs_and_of_a_scalar_output_without_v()
    {
        var a = Tensor.FromArray([1.0, 2.0]);
        var b = Tensor.FromArray([3.0, 4.0]);
        var (output, vjp) = AutoGrad.Vjp(t => (t[0] * t[1]).Sum(), [a, b]);
        output.Item().ShouldBe(11.0);
        ShouldEqual(vjp[0], [3, 4]);
        ShouldEqual(vjp[1], [1, 2]);
    }

    [Fact]
    public void Jvp_is_the_matrix_times_v()
    {
        var a = Tensor.FromArray(A);
        var x = Tensor.FromArray([0.3, -1.2, 2.0]);
        var v = Tensor.FromArray([1.0, 0.5, -2.0]);
        var (_, jvp) = AutoGrad.Jvp(t => a.MatMul(t), x, v);
        ShouldEqual(jvp, [1 + 1 + 2, 0.5 - 1.5 - 8]);
    }

    [Fact]
    public void Jvp_of_sin_on_a_non_contiguous_input_is_cos_times_v_and_agrees_with_a_directional_difference()
    {
        var x = TestData.Random(4, [3, 2]).T.Detach();
        var v = TestData.Random(5, [2, 3]);
        var (output, jvp) = AutoGrad.Jvp(t => t.Sin(), x, v);
        var xs = x.ToArray();
        var vs = v.ToArray();
        ShouldEqual(output, xs.Select(Math.Sin).ToArray());
        ShouldEqual(jvp, xs.Select((xi, i) => Math.Cos(xi) * vs[i]).ToArray());
        const double h = 1e-6;
        ShouldEqual(jvp, xs.Select((xi, i) => (Math.Sin(xi + h * vs[i]) - Math.Sin(xi - h * vs[i])) / (2 * h)).ToArray(), 1e-8);
    }

    [Fact]
    public void Jvp_of_two_inputs_sums_the_directional_derivatives()
    {
        // f = a·b elementwise: J·(va, vb) = b·va + a·vb.
        var a = Tensor.FromArray([1.0, 2.0]);
        var b = Tensor.FromArray([3.0, -4.0]);
        var (_, jvp) = AutoGrad.Jvp(t => t[0] * t[1], [a, b], [Tensor.FromArray([1.0, 1.0]), Tensor.FromArray([0.5, 2.0])]);
        ShouldEqual(jvp, [3 + 0.5, -4 + 4]);
    }

    [Fact]
    public void Hvp_and_Vhp_of_a_quadratic_form_are_A_plus_A_transposed_times_v()
    {
        var a = Tensor.FromArray(Square);
        var x = Tensor.FromArray([0.5, -1.0, 2.0]);
        var v = Tensor.FromArray([1.0, 2.0, -1.0]);
        var vs = v.ToArray();
        var expected = new double[3];
        for (var i = 0; i < 3; i++)
            for (var k = 0; k < 3; k++) expected[i] += (Square[i, k] + Square[k, i]) * vs[k];
        var (output, hvp) = AutoGrad.Hvp(t => t.MatMul(a).MatMul(t), x, v);
        var (_, vhp) = AutoGrad.Vhp(t => t.MatMul(a).MatMul(t), x, v);
        ShouldEqual(hvp, expected);
        ShouldEqual(vhp, expected);
        output.Item().ShouldBe(x.MatMul(a).MatMul(x).Item(), 1e-12);
    }

    [Fact]
    public void Hvp_and_Vhp_of_two_inputs_agree_with_the_Hessian_blocks()
    {
        // f = Σ a²·b with a = (1, −2), b = (3, 0.5): H·(va, vb) = (2b·va + 2a·vb, 2a·va).
        var a = Tensor.FromArray([1.0, -2.0]);
        var b = Tensor.FromArray([3.0, 0.5]);
        Tensor[] v = [Tensor.FromArray([1.0, 2.0]), Tensor.FromArray([-1.0, 0.25])];
        var (_, hvp) = AutoGrad.Hvp(t => (t[0] * t[0] * t[1]).Sum(), [a, b], v);
        var (_, vhp) = AutoGrad.Vhp(t => (t[0] * t[0] * t[1]).Sum(), [a, b], v);
        foreach (var r in new[] { hvp, vhp })
        {
            ShouldEqual(r[0], [6 * 1 + 2 * -1, 1 * 2 + -4 * 0.25]);
            ShouldEqual(r[1], [2 * 1, -4 * 2]);
        }
    }

    [Fact]
    public void With_createGraph_the_Jacobian_is_differentiable_in_the_input()
    {
        // J(x²) = diag(2x): Σ J = 2 Σx, whose gradient is 2 everywhere.
        var x = Tensor.FromArray([1.0, -3.0]).RequireGrad();
        var j = AutoGrad.Jacobian(t => t * t, x, createGraph: true);
        j.RequiresGrad.ShouldBeTrue();
        ShouldEqual(j, [2, 0, 0, -6]);
        AutoGrad.Grad(j.Sum(), [x])[0].ToArray().ShouldBe([2.0, 2.0]);
    }

    [Fact]
    public void With_createGraph_Vjp_Jvp_and_Hvp_are_differentiable_and_without_it_the_input_is_untouched()
    {
        // f = Σ x³: vjp = 3x², jvp with v = 1 is Σ 3x², hvp with v = 1 is 6x; their derivatives 6x, 6x, 6.
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var (_, vjp) = AutoGrad.Vjp(t => t.Pow(3).Sum(), x, createGraph: true);
        AutoGrad.Grad(vjp.Sum(), [x])[0].ToArray().ShouldBe([6.0, 12.0]);
        var (_, jvp) = AutoGrad.Jvp(t => t.Pow(3).Sum(), x, Tensor.OnesLike(x), createGraph: true);
        jvp.Item().ShouldBe(15.0, 1e-12);
        AutoGrad.Grad(jvp, [x])[0].ToArray().ShouldBe([6.0, 12.0]);
        var (_, hvp) = AutoGrad.Hvp(t => t.Pow(3).Sum(), x, Tensor.OnesLike(x), createGraph: true);
        AutoGrad.Grad(hvp.Sum(), [x])[0].ToArray().ShouldBe([6.0, 6.0]);

        var (output, plain) = AutoGrad.Vjp(t => t.Pow(3).Sum(), x);
        plain.RequiresGrad.ShouldBeFalse();
        output.RequiresGrad.ShouldBeFalse();
        x.Grad.ShouldBeNull();
    }

    [Fact]
    public void With_createGraph_the_Hessian_is_differentiable_in_the_input()
    {
        // f = Σ x⁴/12: H = diag(x²), so Σ H = Σ x² has gradient 2x.
        var x = Tensor.FromArray([1.0, -2.0]).RequireGrad();
        var h = AutoGrad.Hessian(t => t.Pow(4).Sum() / 12.0, x, createGraph: true);
        ShouldEqual(h, [1, 0, 0, 4]);
        AutoGrad.Grad(h.Sum(), [x])[0].ToArray().ShouldBe([2.0, -4.0]);
        AutoGrad.Hessian(t => t.Pow(4).Sum(), x).RequiresGrad.ShouldBeFalse();
    }

    [Fact]
    public void The_transforms_work_inside_a_NoGrad_scope()
    {
        var x = Tensor.FromArray([2.0]);
        using (Tensor.NoGrad())
        {
            AutoGrad.Jacobian(t => t * t, x).Item().ShouldBe(4.0);
        }
    }

    [Fact]
    public void Float32_agrees_with_the_closed_form_to_single_precision()
    {
        var x = Tensor.FromArray([0.3f, -1.1f, 2.0f]);
        var j = AutoGrad.Jacobian(t => t.Sin(), x);
        j.DType.ShouldBe(DType.Float32);
        var xs = x.ToArray();
        var expected = new double[9];
        for (var k = 0; k < 3; k++) expected[k * 4] = Math.Cos(xs[k]);
        ShouldEqual(j, expected, 1e-6);
    }

    [Fact]
    public void A_v_of_the_wrong_shape_names_both_shapes()
    {
        var x = Tensor.FromArray([1.0, 2.0, 3.0]);
        var e = Should.Throw<ArgumentException>(() => AutoGrad.Vjp(t => t * 2, x, Tensor.Zeros([2])));
        e.Message.ShouldStartWith("AutoGrad.Vjp: v has shape [2]");
        e.Message.ShouldContain("output of f has shape [3]");
        var j = Should.Throw<ArgumentException>(() => AutoGrad.Jvp(t => t * 2, x, Tensor.Zeros([3, 1])));
        j.Message.ShouldStartWith("AutoGrad.Jvp: v has shape [3, 1]");
        j.Message.ShouldContain("input has shape [3]");
        var h = Should.Throw<ArgumentException>(() => AutoGrad.Hvp(t => t.Sum(), x, Tensor.Zeros([4])));
        h.Message.ShouldContain("[4]");
        h.Message.ShouldContain("[3]");
        var d = Should.Throw<ArgumentException>(() => AutoGrad.Vjp(t => t * 2, x, Tensor.Zeros([3], DType.Float32)));
        d.Message.ShouldContain("Float32");
    }

    [Fact]
    public void Errors_name_the_transform_and_the_problem()
    {
        var x = Tensor.FromArray([1.0, 2.0]);
        Should.Throw<ArgumentException>(() => AutoGrad.Hessian(t => t * t, x)).Message
            .ShouldStartWith("AutoGrad.Hessian: the function must return a single-element tensor (a scalar such as a loss), but it returned shape [2]");
        Should.Throw<ArgumentException>(() => AutoGrad.Vhp(t => t * t, x, x)).Message.ShouldStartWith("AutoGrad.Vhp: the function must return a single-element");
        Should.Throw<ArgumentException>(() => AutoGrad.Vjp(t => t * t, x)).Message
            .ShouldBe("AutoGrad.Vjp: v may be omitted only when the output of f has a single element, but it has shape [2]. Pass v of shape [2]. (Parameter 'v')");
        Should.Throw<ArgumentException>(() => AutoGrad.Jvp(t => t[0] * t[1], [x, x], [x])).Message
            .ShouldStartWith("AutoGrad.Jvp: 1 vectors v were given for 2 inputs");
        Should.Throw<ArgumentException>(() => AutoGrad.Jacobian(t => t, Tensor.FromArray([1L, 2L]))).Message
            .ShouldStartWith("AutoGrad.Jacobian: input 0 (shape [2]) has dtype Int64");
        Should.Throw<InvalidOperationException>(() => AutoGrad.Jacobian(_ => null!, x)).Message.ShouldBe("AutoGrad.Jacobian: the function returned null.");
        Should.Throw<ArgumentException>(() => AutoGrad.Jacobian(t => t[0], Array.Empty<Tensor>())).Message.ShouldStartWith("AutoGrad.Jacobian: no inputs");
        Should.Throw<ArgumentNullException>(() => AutoGrad.Jacobian((Func<Tensor, Tensor>)null!, x));
    }
}
