using AutoGradNet.Autograd;
using AutoGradNet.Verification;

namespace AutoGradNet.Tests.Verification;

/// <summary>
/// Argument checks, statistics and report lines of GradCheck and GradientComparison that mutation testing of
/// Verification/ found untested. Reference values are hand-derived: d/dx x² = 2x, d/dw Σ(w·c) = c.
/// </summary>
public class VerificationReportTests
{
    /// <summary>x² with a backward that multiplies the correct gradient 2x·g by <paramref name="factor"/>.</summary>
    private static CustomFunction Square(double factor) => CustomFunction.Create("Square",
        (ctx, t) => { ctx.SaveForBackward(t[0]); return t[0] * t[0]; },
        (ctx, g) => [factor * 2.0 * ctx.SavedTensors[0] * g]);

    private static Tensor Vector() => Tensor.FromArray([1.0, 2, 3]);

    // ---- GradCheck -------------------------------------------------------------------------------------------------

    [Fact]
    public void SecondOrder_of_a_function_without_a_graph_passes_and_says_there_is_no_gradient_path()
    {
        var result = GradCheck.SecondOrder(_ => Tensor.Ones([2]), [Vector()]);
        result.Passed.ShouldBeTrue(result.ToString());
        result.Inputs[0].HasGradientPath.ShouldBeFalse();
        result.ToString().ShouldContain("passed (9 entries, max absolute error 0, max relative error 0).\n  no gradient path: the recorded graph");
        result.Inputs[0].ToString().ShouldBe("input 0, shape [3] (Float64): passed (9 entries, max absolute error 0, max relative error 0).\n" +
            "  no gradient path: the recorded graph does not connect the output to this input, so the backward gives 0.\n");
    }

    [Fact]
    public void A_check_of_only_integer_inputs_is_refused_naming_the_dtypes()
    {
        var error = Should.Throw<ArgumentException>(() => GradCheck.Run(t => t[0].To(DType.Float64), [Tensor.FromArray([1L, 2]), Tensor.FromArray([true])]));
        error.ParamName.ShouldBe("inputs");
        error.Message.ShouldStartWith("GradCheck.Run: no input to check: every input is Int64 or Bool (dtypes [Int64, Bool]). Pass at least one floating-point input.");
    }

    [Fact]
    public void An_entry_reports_its_absolute_error_and_formats_its_indices_and_values()
    {
        new GradCheckEntry("output", new Shape(2), [1], [0], 1.5, 1.0).AbsoluteError.ShouldBe(0.5);
        new GradCheckEntry("output", new Shape(2), [1], [0], double.NaN, 1.0).AbsoluteError.ShouldBe(double.PositiveInfinity);
        new GradCheckEntry("output", new Shape(2), [1], [], 1.5e-7, 0).ToString()
            .ShouldBe("input element 0, output element 1: analytic 1.5e-07 vs numeric 0");
        new GradCheckEntry("output", Shape.Scalar, [], [1, 2], -2, 4).ToString()
            .ShouldBe("input element [1, 2] (of the scalar output): analytic -2 vs numeric 4");
    }

    [Fact]
    public void A_failing_scalar_output_lists_its_entries_and_counts_the_rest()
    {
        // Σx² with half the gradient: analytic x, numeric 2x at x = 1, 2, 3.
        var result = GradCheck.Run(t => Square(0.5).Apply(t[0]).Sum(), [Vector()], maxReportedEntries: 2);
        var input = result.Inputs[0];
        input.FailingCount.ShouldBe(3);
        input.Failures.Count.ShouldBe(2);
        input.Failures[0].ToString().ShouldBe("input element 0 (of the scalar output): analytic 1 vs numeric 2");
        var text = input.ToString();
        text.ShouldStartWith("input 0, shape [3] (Float64): FAILED, 3 of 3 entries disagree.\n");
        text.ShouldContain("  worst at input element 2 (of the scalar output): analytic 3 vs numeric 6\n");
        text.ShouldEndWith("    ... and 1 more.\n");

        // When every failure is listed there is no "... and 0 more" line.
        var all = GradCheck.Run(t => Square(0.5).Apply(t[0]).Sum(), [Vector()], maxReportedEntries: 3);
        all.Inputs[0].Failures.Count.ShouldBe(3);
        all.ToString().ShouldNotContain("more");
    }

    [Fact]
    public void The_report_lists_at_most_the_limit_over_all_inputs_and_the_maxima_cover_every_input()
    {
        // Input 0 has half the gradient (relative error 0.5 on 3 entries), input 1 a correct one.
        var result = GradCheck.Run(t => Square(0.5).Apply(t[0]) + Square(1).Apply(t[1]), [Vector(), Vector()]);
        result.Inputs[0].MaxRelativeError.ShouldBe(0.5, 1e-6);
        result.Inputs[1].MaxRelativeError.ShouldBeLessThan(1e-6);
        result.MaxRelativeError.ShouldBe(0.5, 1e-6);

        // Both wrong (3 failures each), one entry listed in all.
        var both = GradCheck.Run(t => Square(0.5).Apply(t[0]) + Square(0.5).Apply(t[1]), [Vector(), Vector()], maxReportedEntries: 1);
        var lines = both.Report.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(2, both.Report);
        lines[0].ShouldStartWith("input 0 (shape [3]), output element 0 (output shape [3]), input element 0: analytic 1 vs numeric 2");
        lines[1].ShouldBe("... and 5 more failing entries (6 in all; see Inputs or ToString() for each input's statistics).");
    }

    // ---- GradientComparison: arguments -----------------------------------------------------------------------------

    private static (Tensor W, Tensor Loss) SumOfSquares()
    {
        var w = Vector().RequireGrad();
        return (w, (w * w).Sum()); // ∂/∂w = 2w = [2, 4, 6]
    }

    [Fact]
    public void GradientComparison_names_null_and_invalid_arguments()
    {
        var (w, loss) = SumOfSquares();
        var nullLoss = Should.Throw<ArgumentNullException>(() => GradientComparison.For(null!));
        nullLoss.ParamName.ShouldBe("loss");
        nullLoss.Message.ShouldStartWith("GradientComparison: the loss is null.");

        var comparison = GradientComparison.For(loss);
        var batch = Should.Throw<ArgumentOutOfRangeException>(() => comparison.BatchSize(0));
        batch.ParamName.ShouldBe("batchSize");
        batch.Message.ShouldStartWith("GradientComparison: the batch size must be positive.");

        var absolute = Should.Throw<ArgumentOutOfRangeException>(() => comparison.Tolerance(-1e-9, 0));
        absolute.ParamName.ShouldBe("absolute");
        absolute.Message.ShouldStartWith("GradientComparison: the absolute tolerance must be non-negative.");
        Should.Throw<ArgumentOutOfRangeException>(() => comparison.Tolerance(double.NaN, 0)).ParamName.ShouldBe("absolute");
        var relative = Should.Throw<ArgumentOutOfRangeException>(() => comparison.Tolerance(0, -1e-9));
        relative.ParamName.ShouldBe("relative");
        relative.Message.ShouldStartWith("GradientComparison: the relative tolerance must be non-negative.");
        Should.Throw<ArgumentOutOfRangeException>(() => comparison.Tolerance(0, double.NaN)).ParamName.ShouldBe("relative");
        comparison.Tolerance(0, 0).ShouldBeSameAs(comparison); // zero tolerances are valid

        Should.Throw<ArgumentNullException>(() => comparison.Add(null!, w, w)).ParamName.ShouldBe("name");
        var target = Should.Throw<ArgumentNullException>(() => comparison.Add("w", null!, w));
        target.ParamName.ShouldBe("target");
        target.Message.ShouldStartWith("GradientComparison: the target is null.");
        var hand = Should.Throw<ArgumentNullException>(() => comparison.Add("w", w, null!));
        hand.ParamName.ShouldBe("handDerived");
        hand.Message.ShouldStartWith("GradientComparison: the handDerived is null.");
    }

    [Fact]
    public void The_tolerances_decide_what_matches()
    {
        var (w, loss) = SumOfSquares();
        var hand = Tensor.FromArray([2.4, 4, 6]); // 0.4 off on element 0
        GradientComparison.For(loss).Add("w", w, hand).Compare().Passed.ShouldBeFalse();
        GradientComparison.For(loss).Tolerance(0.5, 0).Add("w", w, hand).Compare().Passed.ShouldBeTrue();
        GradientComparison.For(loss).Tolerance(0, 0.25).Add("w", w, hand).Compare().Passed.ShouldBeTrue(); // 0.4 ≤ 0.25·2
        GradientComparison.For(loss).Tolerance(0, 0.1).Add("w", w, hand).Compare().Passed.ShouldBeFalse();
    }

    [Fact]
    public void Compare_keeps_the_graph_so_it_can_run_again_and_the_loss_can_still_be_backpropagated()
    {
        var (w, loss) = SumOfSquares();
        var comparison = GradientComparison.For(loss).Add("w", w, Tensor.FromArray([2.0, 4, 6]));
        comparison.Compare().Passed.ShouldBeTrue();
        comparison.Compare().Passed.ShouldBeTrue();
        loss.Backward();
        w.Grad!.ToArray().ShouldBe([2.0, 4, 6]);
    }

    [Fact]
    public void A_tensor_the_loss_does_not_depend_on_has_a_zero_gradient()
    {
        var (w, loss) = SumOfSquares();
        var unused = Tensor.Ones([2]).RequireGrad();
        var result = GradientComparison.For(loss).Add("w", w, Tensor.FromArray([2.0, 4, 6])).Add("unused", unused, Tensor.Zeros([2])).Compare();
        result.Passed.ShouldBeTrue(result.ToString());
        var wrong = GradientComparison.For(loss).Add("unused", unused, Tensor.Ones([2])).Compare()["unused"];
        wrong.Passed.ShouldBeFalse();
        wrong.AutogradAtWorst.ShouldBe(0);
    }

    [Fact]
    public void The_dictionary_form_checks_its_argument_and_uses_the_batch_size()
    {
        var (w, loss) = SumOfSquares();
        Should.Throw<ArgumentNullException>(() => GradientComparison.Compare(loss, null!)).ParamName.ShouldBe("gradients");
        var result = GradientComparison.Compare(loss, new Dictionary<string, (Tensor, Tensor)> { ["w"] = (w, Tensor.FromArray([8.0, 16, 24])) },
            batchSize: 4);
        result["w"].Slip.ShouldBe(SlipKind.BatchReduction);
        result["w"].Diagnosis.ShouldContain("the batch size is 4");
    }

    [Fact]
    public void The_function_form_checks_its_arguments_and_uses_the_names_and_the_batch_size()
    {
        Tensor Loss(Tensor[] p) => (p[0] * p[0]).Sum();
        Tensor[] Twice(Tensor[] p) => [2.0 * p[0]];
        var w = Vector();
        Should.Throw<ArgumentNullException>(() => GradientComparison.Compare(null!, [w], Twice)).ParamName.ShouldBe("loss");
        Should.Throw<ArgumentNullException>(() => GradientComparison.Compare(Loss, null!, Twice)).ParamName.ShouldBe("parameters");
        Should.Throw<ArgumentNullException>(() => GradientComparison.Compare(Loss, [w], null!)).ParamName.ShouldBe("handGradients");
        var nullParameter = Should.Throw<ArgumentNullException>(() => GradientComparison.Compare(Loss, [w, null!], Twice));
        nullParameter.ParamName.ShouldBe("parameter 1");
        nullParameter.Message.ShouldStartWith("GradientComparison: the parameter 1 is null.");
        var names = Should.Throw<ArgumentException>(() => GradientComparison.Compare(Loss, [w], Twice, names: ["a", "b"]));
        names.ParamName.ShouldBe("names");
        names.Message.ShouldStartWith("GradientComparison: 2 name(s) for 1 parameter(s).");
        Should.Throw<ArgumentException>(() => GradientComparison.Compare(Loss, [w], p => [p[0], p[0]])).Message
            .ShouldStartWith("GradientComparison: handGradients returned 2 tensor(s) for 1 parameter(s).");
        Should.Throw<ArgumentException>(() => GradientComparison.Compare(Loss, [w], _ => null!)).Message
            .ShouldStartWith("GradientComparison: handGradients returned 0 tensor(s) for 1 parameter(s).");

        var named = GradientComparison.Compare(Loss, [w], Twice, names: ["weights"]);
        named.Passed.ShouldBeTrue();
        named.Tensors[0].Name.ShouldBe("weights");
        var batch = GradientComparison.Compare(Loss, [w], p => [0.5 * p[0]], batchSize: 4);
        batch["parameter 0"].Slip.ShouldBe(SlipKind.BatchReduction); // 1/4 of the gradient
        w.RequiresGrad.ShouldBeFalse();
    }

    // ---- GradientComparison: statistics ----------------------------------------------------------------------------

    [Fact]
    public void The_relative_error_skips_elements_where_autograd_is_within_the_absolute_tolerance_of_0()
    {
        var w = Tensor.FromArray([1.0, 1, 1]).RequireGrad();
        var loss = (w * Tensor.FromArray([0.5, 1, 0])).Sum(); // ∂/∂w = [0.5, 1, 0]
        var zero = GradientComparison.For(loss).Add("w", w, Tensor.FromArray([0.5, 1, 0.5])).Compare()["w"];
        zero.Passed.ShouldBeFalse();
        zero.MaxAbsoluteError.ShouldBe(0.5);
        zero.MaxRelativeError.ShouldBe(0); // the only error is where autograd's value is 0

        // Autograd's 0.5 does not exceed an absolute tolerance of 0.5: its relative error is not counted either.
        var atTolerance = GradientComparison.For(loss).Tolerance(0.5, 0).Add("w", w, Tensor.FromArray([1.5, 1, 0])).Compare()["w"];
        atTolerance.MaxAbsoluteError.ShouldBe(1);
        atTolerance.MaxRelativeError.ShouldBe(0);
    }

    [Fact]
    public void The_worst_element_is_the_first_of_equal_errors()
    {
        var (w, loss) = SumOfSquares();
        var t = GradientComparison.For(loss).Add("w", w, Tensor.FromArray([3.0, 5, 6])).Compare()["w"]; // errors 1, 1, 0
        t.WorstIndex.ShouldBe([0]);
        t.HandAtWorst.ShouldBe(3);
        t.AutogradAtWorst.ShouldBe(2);
        t.MismatchCount.ShouldBe(2);
    }

    [Fact]
    public void A_hand_gradient_of_another_shape_counts_every_element_as_a_mismatch_with_no_error_statistics()
    {
        var (w, loss) = SumOfSquares();
        var t = GradientComparison.For(loss).Add("w", w, Tensor.FromArray([2.0, 4, 6], 3, 1)).Compare()["w"];
        t.Passed.ShouldBeFalse();
        t.MismatchCount.ShouldBe(3);
        t.TotalCount.ShouldBe(3);
        t.MaxAbsoluteError.ShouldBe(double.NaN);
        t.MaxRelativeError.ShouldBe(double.NaN);
        t.WorstIndex.ShouldBeEmpty();
    }

    [Fact]
    public void The_result_fails_when_any_tensor_fails()
    {
        var a = Vector().RequireGrad();
        var b = Vector().RequireGrad();
        var loss = (a * a + b).Sum(); // ∂/∂a = 2a, ∂/∂b = 1
        var result = GradientComparison.For(loss).Add("a", a, Tensor.FromArray([2.0, 4, 6])).Add("b", b, Tensor.Zeros([3])).Compare();
        result["a"].Passed.ShouldBeTrue();
        result["b"].Passed.ShouldBeFalse();
        result.Passed.ShouldBeFalse();
    }

    [Fact]
    public void A_hand_gradient_that_sums_the_broadcast_axes_names_them_all()
    {
        var w = Tensor.Ones([2, 3]).RequireGrad();
        var loss = (w * Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3)).Sum(); // ∂/∂w = [[1, 2, 3], [4, 5, 6]]
        var t = GradientComparison.For(loss).Add("w", w, Tensor.FromArray([21.0], 1, 1)).Compare()["w"];
        t.Slip.ShouldBe(SlipKind.Broadcast);
        t.Diagnosis.ShouldContain("It equals autograd's summed over axis 0, 1:");
    }

    // ---- Locate ----------------------------------------------------------------------------------------------------

    [Fact]
    public void Locate_names_the_position_of_the_last_or_only_intermediate()
    {
        var x = Tensor.FromArray([0.5, 1.0]).RequireGrad();
        var z1 = x * 2.0;
        var a1 = z1.Sin();
        var z2 = a1 * 3.0;
        var loss = z2.Sum();
        var dz2 = Tensor.Ones([2]);
        var da1 = Tensor.Full([2], 3.0);
        var dz1 = 3.0 * z1.Detach().Cos();
        var wrongLast = GradientComparison.For(loss).Add("z1", z1, dz1).Add("a1", a1, da1).Add("z2", z2, 2.0 * dz2).Locate();
        wrongLast.FirstWrong!.Name.ShouldBe("z2");
        wrongLast.ToString().ShouldContain("The derivation first goes wrong at z2 (the last intermediate, after a1, right before the loss):");

        var only = GradientComparison.For(loss).Add("z2", z2, 2.0 * dz2).Locate();
        only.FirstWrong!.Name.ShouldBe("z2");
        only.ToString().ShouldContain("The derivation first goes wrong at z2:\n");
        GradientComparison.For(loss).Add("z1", z1, dz1).Add("a1", a1, da1).Add("z2", z2, dz2).Locate().Passed.ShouldBeTrue();
    }
}
