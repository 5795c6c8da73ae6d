using AutoGradNet.Autograd;
using AutoGradNet.Verification;
using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Verification;

/// <summary>
/// The gradient checker itself: it must reject wrong backwards (by a sign, a factor, a missing small gradient), report
/// the true maximum error at the right multi-dimensional index, count every failure, restore RequiresGrad, refuse or
/// upcast Float32, say when an input has no gradient path, and check second derivatives. Reference values are the
/// hand-derived derivatives of the functions used (d/dx x² = 2x, d/dx x³ = 3x², d²/dx² x³ = 6x).
/// </summary>
public class GradCheckTests
{
    /// <summary>x² with a backward that multiplies the correct gradient 2x·g by <paramref name="factor"/>.</summary>
    private static CustomFunction Square(double factor) => CustomFunction.Create("Square",
        (ctx, t) => { ctx.SaveForBackward(t[0]); return t[0] * t[0]; },
        (ctx, g) => [factor * 2.0 * ctx.SavedTensors[0] * g]);

    private static readonly double[] Values = [0.5, -1.0, 1.5, 2.0, -0.25, 3.0]; // max |x| = 3 at [1, 2] of a [2, 3]

    private static Tensor Matrix() => Tensor.FromArray(Values, 2, 3);

    [Fact]
    public void A_correct_custom_backward_passes_with_small_errors()
    {
        var result = GradCheck.Run(t => Square(1).Apply(t[0]), [Matrix()]);
        result.Passed.ShouldBeTrue(result.ToString());
        result.Report.ShouldBeEmpty();
        result.MaxAbsoluteError.ShouldBeLessThan(1e-8);
        result.Inputs.Count.ShouldBe(1);
        result.Inputs[0].TotalCount.ShouldBe(36);
        result.Inputs[0].HasGradientPath.ShouldBeTrue();
        result.ToString().ShouldContain("GradCheck passed.");
    }

    [Fact]
    public void A_sign_flipped_backward_fails_on_every_diagonal_entry()
    {
        var result = GradCheck.Run(t => Square(-1).Apply(t[0]), [Matrix()]);
        result.Passed.ShouldBeFalse();
        var input = result.Inputs[0];
        input.FailingCount.ShouldBe(6); // the 6 diagonal entries of the 6×6 Jacobian; the zeros off it agree
        input.TotalCount.ShouldBe(36);
        input.MaxAbsoluteError.ShouldBe(2 * 2 * 3.0, 1e-6); // |−2x − 2x| = 4|x|, largest at x = 3
        input.MaxRelativeError.ShouldBe(2, 1e-6);
        Should.Throw<InvalidOperationException>(() => GradCheck.Assert(t => Square(-1).Apply(t[0]), [Matrix()]))
            .Message.ShouldContain("6 of 36 Jacobian entries disagree");
    }

    [Fact]
    public void A_backward_off_by_a_constant_factor_fails_and_the_worst_entry_is_the_true_maximum_at_its_multi_index()
    {
        var result = GradCheck.Run(t => Square(0.5).Apply(t[0]), [Matrix()]); // the 2 of the square forgotten: x instead of 2x
        result.Passed.ShouldBeFalse();
        var input = result.Inputs[0];
        input.FailingCount.ShouldBe(6);
        input.MaxAbsoluteError.ShouldBe(3.0, 1e-6); // |x − 2x| = |x|, largest at x = 3
        result.MaxAbsoluteError.ShouldBe(3.0, 1e-6);
        input.MaxRelativeError.ShouldBe(0.5, 1e-6);
        var worst = input.Worst!;
        worst.InputIndex.ShouldBe([1, 2]);
        worst.OutputIndex.ShouldBe([1, 2]);
        worst.Analytic.ShouldBe(3.0, 1e-12);
        worst.Numeric.ShouldBe(6.0, 1e-6);
        result.Report.ShouldContain("output element [1, 2] (output shape [2, 3]), input element [1, 2]: analytic 3 vs numeric 6.0000");
        result.ToString().ShouldContain("worst at input element [1, 2], output element [1, 2]: analytic 3 vs numeric 6");
    }

    [Fact]
    public void An_analytic_zero_where_the_true_gradient_is_small_but_not_zero_fails()
    {
        // f(x) = 0.001·x² at x = 1: the true gradient is 0.002; a backward returning 0 must be rejected, although
        // 0.002 is small (a tolerance rtol/|numeric| instead of rtol·|numeric| would accept it).
        var small = CustomFunction.Create("SmallSquare",
            (ctx, t) => 0.001 * t[0] * t[0],
            (ctx, g) => [Tensor.ZerosLike(g)]);
        var result = GradCheck.Run(t => small.Apply(t[0]), [Tensor.FromArray([1.0])]);
        result.Passed.ShouldBeFalse();
        result.Inputs[0].Worst!.Numeric.ShouldBe(0.002, 1e-9);
        result.Inputs[0].Worst!.Analytic.ShouldBe(0);
        result.MaxAbsoluteError.ShouldBe(0.002, 1e-9);
    }

    [Fact]
    public void A_backward_wrong_only_where_the_true_derivative_is_zero_reports_an_infinite_relative_error()
    {
        // y = x² elementwise has a diagonal Jacobian; this backward also sends g to every other element (the
        // off-diagonal entries, truly 0, become 2x). A ratio to 0 means nothing, so the report says ∞, not ~0.
        var leaky = CustomFunction.Create("Leaky",
            (ctx, t) => { ctx.SaveForBackward(t[0]); return t[0] * t[0]; },
            (ctx, g) => [2.0 * ctx.SavedTensors[0] * g.Sum()]);

        var result = GradCheck.Run(t => leaky.Apply(t[0]), [Tensor.FromArray([1.0, 2.0])]);

        result.Passed.ShouldBeFalse();
        result.Inputs[0].FailingCount.ShouldBe(2);          // the two off-diagonal entries
        result.MaxRelativeError.ShouldBe(double.PositiveInfinity);
        result.ToString().ShouldContain("max relative error ∞");
    }

    [Fact]
    public void A_check_with_no_floating_point_input_is_refused_rather_than_passed()
    {
        var labels = Tensor.FromArray(new long[] { 1, 2 });

        var error = Should.Throw<ArgumentException>(() => GradCheck.Run(t => t[0].To(DType.Float64) * 2.0, [labels]));

        error.Message.ShouldStartWith("GradCheck.Run: no input to check");
        error.Message.ShouldContain("Int64");
    }

    [Fact]
    public void The_maximum_error_is_the_maximum_over_inputs_and_entries()
    {
        // Three inputs with wrong gradients of different sizes: a·b + c with ∂/∂a = b (correct), ∂/∂b = 1.5a, ∂/∂c = 3.
        var f = CustomFunction.Create("MulAdd",
            (ctx, t) => { ctx.SaveForBackward(t[0], t[1]); return t[0] * t[1] + t[2]; },
            (ctx, g) => [g * ctx.SavedTensors[1], 1.5 * g * ctx.SavedTensors[0], 3.0 * g]);
        var a = Tensor.FromArray([1.0, -4.0]);
        var result = GradCheck.Run(t => f.Apply(t[0], t[1], t[2]), [a, Tensor.FromArray([0.5, 2.0]), Tensor.FromArray([1.0, 1.0])]);
        result.Inputs[0].Passed.ShouldBeTrue();
        result.Inputs[1].MaxAbsoluteError.ShouldBe(2.0, 1e-6); // |1.5a − a| = 0.5|a|, largest at a = −4
        result.Inputs[1].Worst!.InputIndex.ShouldBe([1]);
        result.Inputs[2].MaxAbsoluteError.ShouldBe(2.0 + 0.0, 1e-6); // |3 − 1| = 2
        result.MaxAbsoluteError.ShouldBe(2.0, 1e-6);
        result.FailingCount.ShouldBe(4);
        result.TotalCount.ShouldBe(12);
    }

    [Fact]
    public void RequiresGrad_is_restored_on_unmarked_inputs()
    {
        var x = Matrix();
        var y = Matrix();
        GradCheck.Run(t => Square(1).Apply(t[0]) * t[1], [x, y]).Passed.ShouldBeTrue();
        x.RequiresGrad.ShouldBeFalse();
        y.RequiresGrad.ShouldBeFalse();
        GradCheck.Run(t => Square(-1).Apply(t[0]), [x]).Passed.ShouldBeFalse();
        x.RequiresGrad.ShouldBeFalse();
    }

    [Fact]
    public void RequiresGrad_is_restored_on_marked_inputs_and_only_marked_inputs_are_checked()
    {
        var x = Matrix().RequireGrad();
        var y = Matrix();
        var result = GradCheck.Run(t => Square(1).Apply(t[0]) * t[1], [x, y]);
        result.Inputs.Select(i => i.Index).ShouldBe([0]);
        x.RequiresGrad.ShouldBeTrue();
        y.RequiresGrad.ShouldBeFalse();
        x.Grad.ShouldBeNull();
    }

    [Fact]
    public void The_perturbed_inputs_keep_their_values()
    {
        var x = Matrix();
        GradCheck.Run(t => Square(-1).Apply(t[0]), [x]);
        x.ToArray().ShouldBe(Values);
    }

    [Fact]
    public void A_float32_input_is_refused_with_a_message_naming_it()
    {
        var x32 = Tensor.FromArray([1f, 2f]);
        var error = Should.Throw<ArgumentException>(() => GradCheck.Run(t => t[0] * t[1], [Tensor.FromArray([1.0, 2.0]), x32]));
        error.Message.ShouldContain("GradCheck.Run: input 1 (shape [2]) is Float32");
        error.Message.ShouldContain("upcast: true");
    }

    [Fact]
    public void A_float32_input_is_checked_on_a_float64_copy_on_request_and_the_report_says_so()
    {
        var x32 = Tensor.FromArray([1f, -2f, 0.5f]);
        var result = GradCheck.Run(t => t[0] * t[0] * t[0], [x32], upcast: true);
        result.Passed.ShouldBeTrue(result.ToString());
        result.Inputs[0].WasUpcast.ShouldBeTrue();
        result.ToString().ShouldContain("input 0, shape [3] (Float32, checked as a Float64 copy): passed");
        x32.DType.ShouldBe(DType.Float32);
        x32.RequiresGrad.ShouldBeFalse();
        GradCheck.Run(t => Square(2).Apply(t[0]), [x32], upcast: true).Passed.ShouldBeFalse();
    }

    [Fact]
    public void Int64_inputs_are_passed_through_as_constants()
    {
        var index = Tensor.FromArray([2L, 0L], 2);
        var result = GradCheck.Run(t => t[0].IndexSelect(0, t[1]) * 3.0, [Tensor.FromArray([1.0, 2.0, 3.0]), index]);
        result.Passed.ShouldBeTrue(result.ToString());
        result.Inputs.Select(i => i.Index).ShouldBe([0]);
    }

    [Fact]
    public void An_input_the_output_ignores_passes_like_in_pytorch_but_the_report_says_it_has_no_gradient_path()
    {
        var result = GradCheck.Run(t => t[0] * 2.0, [Tensor.FromArray([1.0, 2.0]), Tensor.FromArray([3.0])]);
        result.Passed.ShouldBeTrue();
        result.Inputs[0].HasGradientPath.ShouldBeTrue();
        result.Inputs[1].HasGradientPath.ShouldBeFalse();
        result.ToString().ShouldContain("input 1, shape [1] (Float64): passed (2 entries, max absolute error 0, max relative error 0).");
        result.ToString().ShouldContain("  no gradient path: the recorded graph does not connect the output to this input");
    }

    [Fact]
    public void An_input_disconnected_by_a_detach_fails_and_the_report_says_why()
    {
        // The output depends on y numerically, but through a Detach: the backward gives 0, finite differences do not.
        var result = GradCheck.Run(t => t[0] * t[1].Detach(), [Tensor.FromArray([1.0, 2.0]), Tensor.FromArray([3.0, 4.0])]);
        result.Passed.ShouldBeFalse();
        result.Inputs[0].Passed.ShouldBeTrue();
        result.Inputs[1].HasGradientPath.ShouldBeFalse();
        result.ToString().ShouldContain("input 1, shape [2] (Float64): FAILED, 2 of 4 entries disagree.");
        result.ToString().ShouldContain("  no gradient path");
    }

    [Fact]
    public void Many_failures_are_counted_and_the_report_says_how_many_it_left_out()
    {
        var identityTimesTwo = CustomFunction.Create("Twice", (ctx, t) => t[0] * 1.0, (ctx, g) => [2.0 * g]);
        var result = GradCheck.Run(t => identityTimesTwo.Apply(t[0]), [Random(3, [30])], maxReportedEntries: 5);
        result.FailingCount.ShouldBe(30);
        result.Inputs[0].Failures.Count.ShouldBe(5);
        result.Report.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(6);
        result.Report.ShouldContain("... and 25 more failing entries (30 in all");
        result.ToString().ShouldContain("... and 25 more.");
        result.ToString().ShouldContain("FAILED, 30 of 900 entries disagree");
    }

    [Fact]
    public void A_non_contiguous_input_is_perturbed_through_its_strides()
    {
        var x = Random(4, [4, 3]).T.Detach();
        x.IsContiguous.ShouldBeFalse();
        GradCheck.Assert(t => Square(1).Apply(t[0]).Sum(1), [x]);
        GradCheck.Run(t => Square(0.5).Apply(t[0]).Sum(1), [x]).Passed.ShouldBeFalse();
    }

    [Fact]
    public void Tolerances_and_step_are_configurable()
    {
        // A 1 % error passes under a 2 % relative tolerance and fails under the default.
        var onePercentOff = Square(1.01);
        var x = Tensor.FromArray([1.0, 2.0]);
        GradCheck.Run(t => onePercentOff.Apply(t[0]), [x]).Passed.ShouldBeFalse();
        var loose = GradCheck.Run(t => onePercentOff.Apply(t[0]), [x], epsilon: 1e-5, relativeTolerance: 0.02);
        loose.Passed.ShouldBeTrue();
        loose.Epsilon.ShouldBe(1e-5);
        loose.RelativeTolerance.ShouldBe(0.02);
    }

    [Fact]
    public void Invalid_settings_are_rejected_with_the_method_name()
    {
        var x = Tensor.FromArray([1.0]);
        Should.Throw<ArgumentOutOfRangeException>(() => GradCheck.Run(t => t[0], [x], epsilon: 0)).Message.ShouldContain("GradCheck.Run: the step epsilon");
        Should.Throw<ArgumentOutOfRangeException>(() => GradCheck.Run(t => t[0], [x], absoluteTolerance: -1)).Message.ShouldContain("absolute tolerance");
        Should.Throw<ArgumentOutOfRangeException>(() => GradCheck.Run(t => t[0], [x], relativeTolerance: double.NaN)).Message.ShouldContain("relative tolerance");
        Should.Throw<ArgumentOutOfRangeException>(() => GradCheck.Run(t => t[0], [x], maxReportedEntries: -1)).Message.ShouldContain("maxReportedEntries");
        Should.Throw<ArgumentNullException>(() => GradCheck.SecondOrder(t => t[0], [null!])).Message.ShouldContain("GradCheck.SecondOrder: input 0 is null");
        Should.Throw<ArgumentException>(() => GradCheck.SecondOrder(t => t[0] * t[0], [Tensor.FromArray([1.0, 2.0])], gradOutput: Tensor.Ones([3])))
            .Message.ShouldContain("gradOutput has shape [3]");
    }

    /// <summary>x³ whose backward 3x²·g is correct in value but computed on a detached x, so it cannot be differentiated again.</summary>
    private static readonly CustomFunction DetachedCube = CustomFunction.Create("DetachedCube",
        (ctx, t) => { ctx.SaveForBackward(t[0]); return t[0] * t[0] * t[0]; },
        (ctx, g) => { var x = ctx.SavedTensors[0].Detach(); return [3.0 * x * x * g]; });

    private static readonly CustomFunction Cube = CustomFunction.Create("Cube",
        (ctx, t) => { ctx.SaveForBackward(t[0]); return t[0] * t[0] * t[0]; },
        (ctx, g) => { var x = ctx.SavedTensors[0]; return [3.0 * x * x * g]; });

    [Fact]
    public void SecondOrder_passes_for_a_differentiable_backward_and_built_in_ops()
    {
        GradCheck.AssertSecondOrder(t => Cube.Apply(t[0]), [Random(5, [2, 3])]);
        GradCheck.AssertSecondOrder(t => t[0].MatMul(t[1]).Sigmoid(), [Random(6, [2, 3]), Random(7, [3, 2])]);
    }

    [Fact]
    public void SecondOrder_catches_a_backward_that_is_right_in_value_but_not_differentiable()
    {
        var x = Tensor.FromArray([1.0, -2.0, 0.5]);
        GradCheck.Run(t => DetachedCube.Apply(t[0]), [x]).Passed.ShouldBeTrue();
        var v = Tensor.FromArray([1.0, 1.0, 2.0]);
        var result = GradCheck.SecondOrder(t => DetachedCube.Apply(t[0]), [x], gradOutput: v);
        result.Passed.ShouldBeFalse();
        // ∂/∂x of the backward 3x²·v is the diagonal 6x·v = [6, −12, 6]; the detached backward gives 0.
        result.Inputs[0].FailingCount.ShouldBe(3);
        result.Inputs[0].MaxAbsoluteError.ShouldBe(12, 1e-5);
        result.Inputs[0].Worst!.Numeric.ShouldBe(-12, 1e-5);
        result.Inputs[0].Worst!.InputIndex.ShouldBe([1]);
        result.Title.ShouldContain("SecondOrder");
        result.ToString().ShouldContain("gradient of input 0 element 1");
        x.RequiresGrad.ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => GradCheck.AssertSecondOrder(t => DetachedCube.Apply(t[0]), [x]))
            .Message.ShouldContain("GradCheck failed");
    }

    [Fact]
    public void SecondOrder_of_a_function_with_a_constant_gradient_passes_with_zeros()
    {
        var result = GradCheck.SecondOrder(t => t[0] * 3.0 + t[1], [Random(8, [3]), Random(9, [3])]);
        result.Passed.ShouldBeTrue(result.ToString());
        result.MaxAbsoluteError.ShouldBeLessThan(1e-6);
    }
}
