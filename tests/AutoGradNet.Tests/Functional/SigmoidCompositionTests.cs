using AutoGradNet.Autograd;
using AutoGradNet.Verification;
using static AutoGradNet.Tests.TestData;
using F = AutoGradNet.Functional;

namespace AutoGradNet.Tests;

/// <summary>
/// The sigmoid's five-primitive composition, where(x ≥ 0, 1, z) / (1 + z) with z = exp(x · s) and the constant sign s:
/// accuracy in ulps against a float64 reference over the whole range (very negative x included), finite values and
/// gradients at the extremes, σ'(0) = 1/4 exactly, second derivatives, and the recorded primitives themselves.
/// </summary>
public class SigmoidCompositionTests
{
    /// <summary>σ(x) in float64, computed carefully: 1/(1+e⁻ˣ) where e⁻ˣ cannot overflow, else eˣ (1+eˣ rounds to 1 there).</summary>
    private static double Reference(double x) => x >= -700 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x);

    /// <summary>σ'(x) = eˣ/(1+eˣ)² = e⁻ˣ/(1+e⁻ˣ)², each written so the exponential cannot overflow.</summary>
    private static double ReferenceDerivative(double x)
    {
        var z = Math.Exp(-Math.Abs(x));
        return z / ((1 + z) * (1 + z));
    }

    private static double[] Grid()
    {
        var xs = new List<double>();
        for (var x = -708.0; x <= 40; x += 0.37) xs.Add(x);
        xs.AddRange([-1e-300, -1e-12, -0.5, 0.0, 1e-12, 0.5, 36.7, 37, 38]);
        return [.. xs];
    }

    [Fact]
    public void Values_are_within_4_ulp_of_the_reference_from_minus_708_to_40()
    {
        var xs = Grid();
        var y = F.Sigmoid(Tensor.FromArray(xs)).ToArray();
        for (var i = 0; i < xs.Length; i++)
        {
            var expected = Reference(xs[i]);
            var ulps = Math.Abs(y[i] - expected) / (Math.BitIncrement(expected) - expected);
            ulps.ShouldBeLessThanOrEqualTo(4, $"σ({xs[i]:R}) = {y[i]:R}, reference {expected:R}");
        }
    }

    [Fact]
    public void Gradients_are_within_1e_14_relative_of_the_reference_from_minus_700_to_30()
    {
        var xs = Grid().Where(v => v <= 30 && v >= -700).ToArray();
        var x = Tensor.FromArray(xs).RequireGrad();
        F.Sigmoid(x).Sum().Backward();
        var g = x.Grad!.ToArray();
        for (var i = 0; i < xs.Length; i++)
        {
            var expected = ReferenceDerivative(xs[i]);
            (Math.Abs(g[i] - expected) / expected).ShouldBeLessThanOrEqualTo(1e-14, $"σ'({xs[i]:R}) = {g[i]:R}, reference {expected:R}");
        }
    }

    [Fact]
    public void Subnormal_results_below_minus_708_are_e_to_the_x_within_2_subnormal_steps_and_0_below_minus_746()
    {
        double[] xs = [-709, -720, -730, -740, -744, -745, -746, -800, -1e6, double.MinValue];
        var x = Tensor.FromArray(xs).RequireGrad();
        var y = F.Sigmoid(x);
        var values = y.ToArray();
        for (var i = 0; i < xs.Length; i++)
        {
            values[i].ShouldBeGreaterThanOrEqualTo(0);
            Math.Abs(values[i] - Math.Exp(xs[i])).ShouldBeLessThanOrEqualTo(2 * double.Epsilon, $"σ({xs[i]:R})");
        }
        values[^1].ShouldBe(0);
        y.Sum().Backward();
        x.Grad!.ToArray().ShouldAllBe(g => double.IsFinite(g) && g >= 0 && g < 1e-300);
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Values_and_gradients_are_finite_for_any_finite_or_infinite_input(DType dtype)
    {
        var x = Tensor.FromArray([double.NegativeInfinity, -1e300, -1000, -110, -90, -0.0, 0, 90, 110, 1000, 1e300, double.PositiveInfinity])
            .To(dtype).Detach().RequireGrad();
        var y = F.Sigmoid(x);
        double[] expected = [0, 0, 0, Math.Exp(-110), Math.Exp(-90), 0.5, 0.5, 1, 1, 1, 1, 1];
        var values = y.ToArray();
        var tolerance = dtype == DType.Float32 ? 1e-7 : 1e-15; // relative, or absolute below 1
        for (var i = 0; i < expected.Length; i++)
            Math.Abs(values[i] - expected[i]).ShouldBeLessThanOrEqualTo(tolerance * Math.Max(expected[i], dtype == DType.Float32 ? 1 : 0), $"element {i}");
        y.Sum().Backward();
        var g = x.Grad!.ToArray();
        g.ShouldAllBe(v => double.IsFinite(v) && v >= 0);
        g[5].ShouldBe(0.25, tolerance); // σ'(−0) and σ'(0): from the x ≥ 0 branch
        g[6].ShouldBe(0.25, tolerance);
    }

    [Fact]
    public void Float32_values_and_gradients_match_the_float64_reference_to_float32_precision()
    {
        var xs = Grid().Where(v => v >= -80 && v <= 30).ToArray();
        var x = Tensor.FromArray(xs).To(DType.Float32).Detach().RequireGrad();
        var y = F.Sigmoid(x);
        y.DType.ShouldBe(DType.Float32);
        y.Sum().Backward();
        var values = y.ToArray();
        var grads = x.Grad!.ToArray();
        var x32 = x.ToArray(); // the float32-rounded inputs
        for (var i = 0; i < xs.Length; i++)
        {
            (Math.Abs(values[i] - Reference(x32[i])) / Reference(x32[i])).ShouldBeLessThanOrEqualTo(1e-6, $"σ({x32[i]:R})");
            (Math.Abs(grads[i] - ReferenceDerivative(x32[i])) / ReferenceDerivative(x32[i])).ShouldBeLessThanOrEqualTo(2e-6, $"σ'({x32[i]:R})");
        }
    }

    [Fact]
    public void Second_derivatives_match_finite_differences_on_both_branches_and_a_non_contiguous_input()
    {
        GradCheck.AssertSecondOrder(x => F.Sigmoid(x[0]), [Random(11, [3, 4], -6, 6).RequireGrad()]);
        var strided = Random(12, [4, 3], -6, 6).T.Detach().RequireGrad();
        strided.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(x => F.Sigmoid(x[0]), strided);
        GradCheck.AssertSecondOrder(x => F.Sigmoid(x[0]), [strided]);
    }

    [Fact]
    public void It_records_five_primitives_mul_exp_add_where_div_and_no_derivative_of_its_own()
    {
        var x = Random(13, [2, 3]).RequireGrad();
        var y = F.Sigmoid(x);
        y.GradFn!.Name.ShouldBe("DivBackward");
        var names = new List<string>();
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Node>([y.GradFn]);
        while (stack.TryPop(out var node))
        {
            if (node is AccumulateGrad || !seen.Add(node)) continue;
            names.Add(node.OpName);
            foreach (var next in node.NextFunctions)
            {
                if (next is not null) stack.Push(next);
            }
        }
        names.Order().ShouldBe(["Add", "Div", "Exp", "Mul", "Where"]);
    }

    [Fact]
    public void Integer_and_bool_inputs_are_computed_in_float64()
    {
        F.Sigmoid(Tensor.FromArray(new long[] { -2, 0, 3 }, 3)).ToArray().ShouldBe([Reference(-2), 0.5, Reference(3)], 1e-16);
        F.Sigmoid(Tensor.FromArray([true, false], 2)).DType.ShouldBe(DType.Float64);
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void NaN_gives_NaN_and_a_NaN_gradient_and_leaves_its_neighbours_alone(DType dtype)
    {
        var x = Tensor.FromArray([double.NaN, 2.0, -2.0]).To(dtype).Detach().RequireGrad();
        var y = F.Sigmoid(x);
        var values = y.ToArray();
        double.IsNaN(values[0]).ShouldBeTrue();
        values[1].ShouldBe(Reference(2), 1e-7);
        values[2].ShouldBe(Reference(-2), 1e-7);
        y.Sum().Backward();
        var g = x.Grad!.ToArray();
        double.IsNaN(g[0]).ShouldBeTrue();
        g[1].ShouldBe(ReferenceDerivative(2), 1e-7);
        g[2].ShouldBe(ReferenceDerivative(-2), 1e-7);
    }

    [Fact]
    public void A_strided_input_gives_the_values_and_gradients_of_its_contiguous_copy()
    {
        var strided = Random(14, [4, 3], -8, 8).T.Detach().RequireGrad();
        strided.IsContiguous.ShouldBeFalse();
        var dense = strided.Contiguous().Detach().RequireGrad();
        var (ys, yd) = (F.Sigmoid(strided), F.Sigmoid(dense));
        ys.Shape.ShouldBe(dense.Shape);
        ys.ToArray().ShouldBe(yd.ToArray());
        ys.Sum().Backward();
        yd.Sum().Backward();
        strided.Grad!.ToArray().ShouldBe(dense.Grad!.ToArray());
    }
}
