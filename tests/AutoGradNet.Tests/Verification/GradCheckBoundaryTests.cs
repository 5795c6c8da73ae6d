using AutoGradNet.Autograd;
using AutoGradNet.Verification;

namespace AutoGradNet.Tests.Verification;

/// <summary>
/// The gradient checker at its boundaries, found by mutation testing of Verification/GradCheck.cs: an error exactly at
/// the tolerance passes, tolerances of zero are valid, the relative error where the true derivative is within atol of 0,
/// null arguments, a Float32 grad_output, a function whose output does not require grad, unused inputs and the report's
/// title in SecondOrder. The numbers are exact in binary: for x² at x = 0.25 with ε = 0.25 the central difference is
/// ((0.5)² − 0²) / 0.5 = 0.5 = 2x exactly.
/// </summary>
public class GradCheckBoundaryTests
{
    /// <summary>x² with a backward that multiplies the correct gradient 2x·g by <paramref name="factor"/>.</summary>
    private static CustomFunction Square(double factor) => CustomFunction.Create("Square",
        (ctx, t) => { ctx.SaveForBackward(t[0]); return t[0] * t[0]; },
        (ctx, g) => [factor * 2.0 * ctx.SavedTensors[0] * g]);

    private static GradCheckResult SquareAtAQuarter(double factor, double atol, double rtol) =>
        GradCheck.Run(t => Square(factor).Apply(t[0]), [Tensor.FromArray([0.25])], epsilon: 0.25,
            absoluteTolerance: atol, relativeTolerance: rtol);

    [Fact]
    public void An_error_exactly_at_the_tolerance_passes_and_just_above_it_fails()
    {
        // numeric 0.5, analytic 2 × 0.5 = 1: error 0.5.
        SquareAtAQuarter(2, atol: 0.5, rtol: 0).Passed.ShouldBeTrue();
        SquareAtAQuarter(2, atol: 0.25, rtol: 0.5).Passed.ShouldBeTrue(); // 0.25 + 0.5 · |0.5|
        SquareAtAQuarter(2, atol: 0.25, rtol: 0.25).Passed.ShouldBeFalse();
        SquareAtAQuarter(2, atol: 0.4375, rtol: 0).Passed.ShouldBeFalse();
    }

    [Fact]
    public void Where_the_true_derivative_is_within_atol_of_zero_an_error_up_to_atol_has_relative_error_zero()
    {
        // |numeric| = 0.5 = atol: no ratio is taken. An error of exactly atol (0.5) or less (0.1) counts as 0.
        var atTolerance = SquareAtAQuarter(2, atol: 0.5, rtol: 0);
        atTolerance.Inputs[0].MaxAbsoluteError.ShouldBe(0.5);
        atTolerance.Inputs[0].MaxRelativeError.ShouldBe(0);
        var below = SquareAtAQuarter(1.25, atol: 0.5, rtol: 0); // analytic 0.625, error 0.125
        below.Inputs[0].MaxAbsoluteError.ShouldBe(0.125);
        below.Inputs[0].MaxRelativeError.ShouldBe(0);
        // Beyond atol it is infinite; with |numeric| above atol it is the ratio.
        SquareAtAQuarter(3, atol: 0.5, rtol: 0).Inputs[0].MaxRelativeError.ShouldBe(double.PositiveInfinity);
        SquareAtAQuarter(1.25, atol: 0.25, rtol: 0).Inputs[0].MaxRelativeError.ShouldBe(0.25);
    }

    [Fact]
    public void Zero_tolerances_and_zero_reported_entries_are_valid_settings()
    {
        var x = Tensor.FromArray([0.25]);
        var exact = GradCheck.Run(t => Square(1).Apply(t[0]), [x], epsilon: 0.25, absoluteTolerance: 0, relativeTolerance: 0);
        exact.Passed.ShouldBeTrue(exact.ToString());
        exact.AbsoluteTolerance.ShouldBe(0);
        exact.RelativeTolerance.ShouldBe(0);
        var quiet = GradCheck.Run(t => Square(2).Apply(t[0]), [x], maxReportedEntries: 0);
        quiet.Passed.ShouldBeFalse();
        quiet.Inputs[0].FailingCount.ShouldBe(1);
        GradCheck.SecondOrder(t => t[0] * t[0] * t[0], [x], absoluteTolerance: 0, relativeTolerance: 1e-3, maxReportedEntries: 0)
            .Passed.ShouldBeTrue();
    }

    [Fact]
    public void Null_function_or_inputs_throw_ArgumentNullException()
    {
        var x = Tensor.FromArray([1.0]);
        Should.Throw<ArgumentNullException>(() => GradCheck.Run(null!, [x])).ParamName.ShouldBe("function");
        Should.Throw<ArgumentNullException>(() => GradCheck.Run(t => t[0], null!)).ParamName.ShouldBe("inputs");
        Should.Throw<ArgumentNullException>(() => GradCheck.SecondOrder(null!, [x])).ParamName.ShouldBe("function");
        Should.Throw<ArgumentNullException>(() => GradCheck.SecondOrder(t => t[0], null!)).ParamName.ShouldBe("inputs");
    }

    [Fact]
    public void SecondOrder_refuses_a_function_that_returns_null()
    {
        Should.Throw<InvalidOperationException>(() => GradCheck.SecondOrder(_ => null!, [Tensor.FromArray([1.0])]))
            .Message.ShouldStartWith("GradCheck.SecondOrder: the function returned null");
    }

    [Fact]
    public void SecondOrder_converts_a_float32_grad_output_to_the_outputs_dtype()
    {
        var x = Tensor.FromArray([1.0, -2.0, 0.5]);
        var v = Tensor.FromArray([1.0f, 2.0f, -1.0f]);
        var result = GradCheck.SecondOrder(t => t[0] * t[0] * t[0], [x], gradOutput: v);
        result.Passed.ShouldBeTrue(result.ToString());
        // ∂/∂x of 3x²·v is the diagonal 6x·v = [6, −24, −3]: the largest numeric entry in magnitude is −24.
        result.Inputs[0].Worst.ShouldNotBeNull();
        result.Title.ShouldBe("GradCheck.SecondOrder (the backward with the given grad_output, differentiated again)");
    }

    [Fact]
    public void SecondOrder_names_the_random_grad_output_and_its_seed()
    {
        var result = GradCheck.SecondOrder(t => t[0] * t[0], [Tensor.FromArray([1.0, 2.0])], seed: 7);
        result.Title.ShouldBe("GradCheck.SecondOrder (the backward with a random grad_output (seed 7), differentiated again)");
        result.ToString().ShouldContain("a random grad_output (seed 7)");
    }

    [Fact]
    public void SecondOrder_of_a_function_whose_output_does_not_require_grad_compares_zeros()
    {
        // The output is computed from a detached input: it has no graph, so every gradient is 0, and so is the numeric one
        // (the perturbation changes the output, but not the zero gradients).
        var result = GradCheck.SecondOrder(t => t[0].Detach() * 2.0, [Tensor.FromArray([1.0, 2.0])]);
        result.Passed.ShouldBeTrue(result.ToString());
        result.MaxAbsoluteError.ShouldBe(0);
    }

    [Fact]
    public void SecondOrder_allows_an_input_the_function_does_not_use()
    {
        var x = Tensor.FromArray([1.0, 2.0]);
        var unused = Tensor.FromArray([3.0]);
        var result = GradCheck.SecondOrder(t => t[0] * t[0] * t[0], [x, unused], gradOutput: Tensor.Ones([2]));
        result.Passed.ShouldBeTrue(result.ToString());
        result.Inputs.Count.ShouldBe(2);
        unused.RequiresGrad.ShouldBeFalse();
    }

    [Fact]
    public void An_input_with_no_gradient_path_is_reported_even_when_another_gradient_is_empty()
    {
        // Gradients: 2x·v (depends on x), v for e (empty) and v·1 for z (a constant: no path from z).
        var x = Tensor.FromArray([1.0, 2.0]);
        var empty = Tensor.Zeros([0]);
        var z = Tensor.FromArray([3.0, 4.0]);
        var result = GradCheck.SecondOrder(t => (t[0] * t[0]).Sum() + t[1].Sum() + t[2].Sum(), [x, empty, z]);
        result.Inputs[0].HasGradientPath.ShouldBeTrue();
        result.Inputs[1].HasGradientPath.ShouldBeTrue(); // an empty input trivially has one
        result.Inputs[2].HasGradientPath.ShouldBeFalse();
    }
}
