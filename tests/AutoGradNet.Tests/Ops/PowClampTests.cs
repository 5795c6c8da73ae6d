using AutoGradNet.Tests.Reference;
using AutoGradNet.Verification;
using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>Pow with a tensor exponent and Clamp with tensor bounds: finite differences, PyTorch, edge cases and errors.</summary>
public class PowClampTests
{
    [Theory]
    [InlineData("pow_basic")]
    [InlineData("pow_broadcast_exponent")]
    [InlineData("pow_broadcast_both")]
    public void Pow_values_and_gradients_match_PyTorch(string name) =>
        TorchCaseRunner.ShouldMatch(name, x => x[0].Pow(x[1]));

    [Fact]
    public void Pow_backward_matches_finite_differences_with_broadcasting_and_a_strided_base()
    {
        var a = Positive(1, [4, 3]).T.Detach();
        a.IsContiguous.ShouldBeFalse();
        GradCheck.Assert(x => x[0].Pow(x[1]), [a, Random(2, [4])]);
        GradCheck.Assert(x => x[0].Pow(x[1]), [Positive(3, [2, 1, 3]), Random(4, [4, 1])]);
    }

    [Fact]
    public void Pow_second_derivative_matches_finite_differences()
    {
        GradCheck.Assert(x =>
        {
            var g = AutoGrad.Grad(x[0].Pow(x[1]).Sum(), [x[0], x[1]], createGraph: true);
            return g[0] * 1.5 + g[1];
        }, [Positive(5, [3]), Random(6, [3])]);
    }

    [Fact]
    public void Pow_forward_and_gradients_equal_the_formulas()
    {
        var a = Positive(7, [5]).RequireGrad();
        var b = Random(8, [5]).RequireGrad();
        var y = a.Pow(b);
        double[] av = a.ToArray(), bv = b.ToArray();
        ShouldBeClose(y.ToArray(), [.. av.Select((v, i) => Math.Pow(v, bv[i]))], 0, 1e-15);
        y.Sum().Backward();
        ShouldBeClose(a.Grad!.ToArray(), [.. av.Select((v, i) => bv[i] * Math.Pow(v, bv[i] - 1))], 0, 1e-14);
        ShouldBeClose(b.Grad!.ToArray(), [.. av.Select((v, i) => Math.Log(v) * Math.Pow(v, bv[i]))], 0, 1e-14);
    }

    [Fact]
    public void Pow_gradients_at_a_zero_base_and_zero_exponent_follow_PyTorch()
    {
        // PyTorch: ∂/∂a is 0 where b = 0 (0·a⁻¹ would be NaN at a = 0); ∂/∂b is 0 where a = 0 and b ≥ 0.
        var a = Tensor.FromArray([0.0, 0.0, 0.0, 2.0]).RequireGrad();
        var b = Tensor.FromArray([0.0, 2.0, -1.0, 0.0]).RequireGrad();
        var y = a.Pow(b);
        y.ToArray().ShouldBe([1, 0, double.PositiveInfinity, 1]);
        y.Sum().Backward();
        a.Grad!.ToArray().ShouldBe([0, 0, double.NegativeInfinity, 0]);
        var gb = b.Grad!.ToArray();
        gb[0].ShouldBe(0);
        gb[1].ShouldBe(0);
        gb[2].ShouldBe(double.NegativeInfinity); // ln 0 · ∞, as in PyTorch
        gb[3].ShouldBe(Math.Log(2), 1e-15);
    }

    [Fact]
    public void Pow_of_a_scalar_base_and_of_Int64_tensors()
    {
        var b = Tensor.FromArray([0.0, 1, -1, 0.5]).RequireGrad();
        var y = Tensor.Pow(2.0, b);
        ShouldBeClose(y.ToArray(), [1, 2, 0.5, Math.Sqrt(2)], 0, 1e-15);
        y.Sum().Backward();
        ShouldBeClose(b.Grad!.ToArray(), [.. new[] { 1, 2, 0.5, Math.Sqrt(2) }.Select(v => v * Math.Log(2))], 0, 1e-15);

        var i = Tensor.FromArray(new long[] { 2, 3, 4 }).Pow(Tensor.FromArray(new long[] { 2, -1, 0 }));
        i.DType.ShouldBe(DType.Float64);
        i.ToArray().ShouldBe([4, 1.0 / 3, 1]);
    }

    [Fact]
    public void Pow_in_Float32_agrees_with_Float64()
    {
        var a = Positive(9, [33]);
        var b = Random(10, [33]);
        var y32 = a.To(DType.Float32).Pow(b.To(DType.Float32));
        y32.DType.ShouldBe(DType.Float32);
        ShouldBeClose(y32.ToArray(), a.To(DType.Float32).To(DType.Float64).Pow(b.To(DType.Float32).To(DType.Float64)).ToArray(), 1e-6, 1e-6);
    }

    [Fact]
    public void Pow_errors_name_the_method_and_the_shapes()
    {
        Should.Throw<ArgumentNullException>(() => Tensor.Ones([2]).Pow((Tensor)null!)).Message.ShouldStartWith("Pow");
        Should.Throw<ArgumentNullException>(() => Tensor.Pow(2.0, null!)).Message.ShouldStartWith("Pow");
        var ex = Should.Throw<ArgumentException>(() => Tensor.Ones([2, 3]).Pow(Tensor.Ones([4])));
        ex.Message.ShouldStartWith("Pow");
        ex.Message.ShouldContain("[2, 3]");
        Should.Throw<ArgumentException>(() => Tensor.Ones([2], DType.Float32).Pow(Tensor.Ones([2]))).Message.ShouldStartWith("Pow");
    }

    [Theory]
    [InlineData("clamp_tensor_bounds")]
    [InlineData("clamp_tensor_broadcast")]
    [InlineData("clamp_min_greater_than_max")]
    [InlineData("clamp_nan")]
    public void Clamp_values_and_gradients_match_PyTorch(string name) =>
        TorchCaseRunner.ShouldMatch(name, x => x[0].Clamp(x[1], x[2]));

    [Fact]
    public void Clamp_backward_matches_finite_differences_with_broadcast_bounds_and_a_strided_input()
    {
        var x = Distinct(11, [4, 3]).T.Detach();
        x.IsContiguous.ShouldBeFalse();
        // Bounds at least 0.05 away from every x (the Distinct values are −2 + 0.13·i), so no tie within the FD step.
        GradCheck.Assert(t => t[0].Clamp(t[1], t[2]), [x, Tensor.FromArray([-1.0, -0.5, -1.2, -0.05]), Tensor.FromArray([0.5, 0.25, 1.1], 3, 1)]);
        GradCheck.Assert(t => t[0].Clamp(t[1], null), [x, Tensor.FromArray([-0.5, 0.1, -1.2, -0.05])]);
        GradCheck.Assert(t => t[0].Clamp(null, t[1]), [x, Tensor.FromArray([-0.5, 0.1, -1.2, -0.05])]);
    }

    [Fact]
    public void One_sided_clamps_send_ties_to_x_and_NaN_nowhere()
    {
        var x = Tensor.FromArray([-2.0, 0.0, 1.0, double.NaN]).RequireGrad();
        var lo = Tensor.FromArray([0.0, 0.0, 0.0, 0.0]).RequireGrad();
        var y = x.Clamp(lo, null);
        ShouldBeCloseWithNaN(y.ToArray(), [0, 0, 1, double.NaN]);
        y.Sum().Backward();
        x.Grad!.ToArray().ShouldBe([0, 1, 1, 0]);
        lo.Grad!.ToArray().ShouldBe([1, 0, 0, 0]);

        var x2 = Tensor.FromArray([-2.0, 0.0, 1.0, double.NaN]).RequireGrad();
        var y2 = x2.ClampMax(0);
        ShouldBeCloseWithNaN(y2.ToArray(), [-2, 0, 0, double.NaN]);
        y2.Sum().Backward();
        x2.Grad!.ToArray().ShouldBe([1, 1, 0, 0]);

        var x3 = Tensor.FromArray([-2.0, 0.0, 1.0]).RequireGrad();
        var y3 = x3.ClampMin(0);
        y3.ToArray().ShouldBe([0, 0, 1]);
        y3.Sum().Backward();
        x3.Grad!.ToArray().ShouldBe([0, 1, 1]);
    }

    [Fact]
    public void Clamp_with_a_NaN_bound_gives_NaN_and_equal_bounds_send_no_gradient_outside()
    {
        var x = Tensor.FromArray([0.5, 3.0, -3.0]).RequireGrad();
        var lo = Tensor.FromArray([double.NaN, 1.0, 1.0]).RequireGrad();
        var hi = Tensor.FromArray([1.0, 1.0, 1.0]).RequireGrad();
        var y = x.Clamp(lo, hi);
        ShouldBeCloseWithNaN(y.ToArray(), [double.NaN, 1, 1]);
        y.Sum().Backward();
        // PyTorch's clamp_backward masks: x needs min ≤ x ≤ max, min needs x < min < max, max needs max < x or max < min.
        x.Grad!.ToArray().ShouldBe([0, 0, 0]);
        lo.Grad!.ToArray().ShouldBe([0, 0, 0]);
        hi.Grad!.ToArray().ShouldBe([0, 1, 0]);
    }

    [Fact]
    public void Clamp_keeps_Int64_and_Float32_and_agrees_across_float_types()
    {
        var i = Tensor.FromArray(new long[] { -5, 0, 5 }).Clamp(Tensor.FromArray(new long[] { -1 }), Tensor.FromArray(new long[] { 2 }));
        i.DType.ShouldBe(DType.Int64);
        i.ToArray<long>().ShouldBe([-1, 0, 2]);
        var x = Random(12, [37], -3, 3);
        var lo = Random(13, [37], -2, 0);
        var y32 = x.To(DType.Float32).Clamp(lo.To(DType.Float32), null);
        y32.DType.ShouldBe(DType.Float32);
        ShouldBeClose(y32.ToArray(), x.Clamp(lo, null).ToArray(), 1e-6, 1e-6);
    }

    [Fact]
    public void Clamp_errors_name_the_method()
    {
        Should.Throw<ArgumentException>(() => Tensor.Ones([2]).Clamp(null, null)).Message.ShouldStartWith("Clamp");
        var ex = Should.Throw<ArgumentException>(() => Tensor.Ones([2, 3]).Clamp(Tensor.Ones([4]), null));
        ex.Message.ShouldStartWith("Clamp");
        ex.Message.ShouldContain("[2, 3]");
        ex.Message.ShouldContain("[4]");
        var d = Should.Throw<ArgumentException>(() => Tensor.Ones([2], DType.Float32).Clamp(null, Tensor.Ones([2])));
        d.Message.ShouldStartWith("Clamp");
        d.Message.ShouldContain("Float32");
        var b = Should.Throw<ArgumentException>(() => Tensor.FromArray([true, false]).Clamp(Tensor.Ones([2]), null));
        b.Message.ShouldStartWith("Clamp");
        b.Message.ShouldContain("Bool");
    }

    [Fact]
    public void Pow_kernel_matches_Math_Pow_at_every_length_0_to_40_in_both_float_types_and_broadcast()
    {
        for (var n = 0; n <= 40; n++)
        {
            var a = Positive(300 + n, [n]);
            var b = Random(400 + n, [n]);
            double[] av = a.ToArray(), bv = b.ToArray();
            ShouldBeClose(a.Pow(b).ToArray(), [.. av.Select((v, i) => Math.Pow(v, bv[i]))], 0, 0);
            ShouldBeClose(a.Pow(Tensor.Scalar(0.5)).ToArray(), [.. av.Select(Math.Sqrt)], 0, 1e-15);
            float[] af = [.. av.Select(v => (float)v)], bf = [.. bv.Select(v => (float)v)];
            var y32 = Tensor.FromArray(af).Pow(Tensor.FromArray(bf));
            y32.DType.ShouldBe(DType.Float32);
            ShouldBeClose(y32.ToArray(), [.. af.Select((v, i) => (double)MathF.Pow(v, bf[i]))], 0, 0);
        }
    }

    private static void ShouldBeCloseWithNaN(double[] actual, double[] expected) =>
        TorchCaseRunner.ShouldBeCloseWithNaN(actual, expected, 1e-15, "value");
}
