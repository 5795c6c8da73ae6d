using AutoGradNet.Verification;

namespace AutoGradNet.Tests.Verification;

/// <summary>
/// The slip diagnosis on hand-made arrays, one branch at a time: the boundaries of each rule (the tolerances, the
/// ratio rules, a single row or column of a one-row or one-column matrix, the shape rules) and the exact advice.
/// Found by mutation testing of Verification/SlipDiagnosis.cs.
/// </summary>
public class SlipDiagnosisTests
{
    private static (SlipKind Kind, string Text) Diagnose(double[] hand, int[] handShape, double[] auto, int[] autoShape,
        double atol = 1e-8, double rtol = 1e-5, int? batchSize = null, bool descent = false) =>
        SlipDiagnosis.Diagnose(hand, handShape, auto, autoShape, atol, rtol, batchSize, descent);

    private static (SlipKind Kind, string Text) Scaled(double factor, int? batchSize = null, bool descent = false, double rtol = 1e-5)
    {
        double[] auto = [1.0, -2.0, 0.5, 4.0];
        return Diagnose(Array.ConvertAll(auto, v => factor * v), [4], auto, [4], rtol: rtol, batchSize: batchSize, descent: descent);
    }

    [Fact]
    public void Close_is_absolute_plus_relative_to_the_magnitude_of_the_expected_value()
    {
        SlipDiagnosis.Close(1.5, 1.0, 0.25, 0.25).ShouldBeTrue();   // 0.5 ≤ 0.25 + 0.25·1 (exactly)
        SlipDiagnosis.Close(1.5, 1.0, 0.25, 0.24).ShouldBeFalse();
        SlipDiagnosis.Close(1.5, 1.0, 0.24, 0.25).ShouldBeFalse();
        SlipDiagnosis.Close(-1.5, -1.0, 0.25, 0.25).ShouldBeTrue(); // |expected|, not expected
        SlipDiagnosis.Close(0.5, 1.0, 0.25, 0.25).ShouldBeTrue();   // |actual − expected|
        SlipDiagnosis.Close(3.0, 2.0, 0.5, 0.25).ShouldBeTrue();    // 1 ≤ 0.5 + 0.25·2 (exactly)
        SlipDiagnosis.Close(3.0, 2.0, 0.5, 0.2).ShouldBeFalse();
        SlipDiagnosis.Close(double.NaN, 1.0, 1, 1).ShouldBeFalse();
        SlipDiagnosis.Close([1.0, 2.0], [1.0, 2.0], 0, 0).ShouldBeTrue();
        SlipDiagnosis.Close([1.0, 2.0], [1.0, 2.5], 0, 0).ShouldBeFalse();
        SlipDiagnosis.Close([1.0, 2.5], [1.0, 2.0], 0, 0).ShouldBeFalse();
        SlipDiagnosis.Close([1.0], [1.0, 2.0], 1, 1).ShouldBeFalse();
        SlipDiagnosis.Close([1.0, 2.0], [1.0], 1, 1).ShouldBeFalse();
    }

    [Fact]
    public void Transpose_moves_element_i_j_to_j_i()
    {
        SlipDiagnosis.Transpose([1, 2, 3, 4, 5, 6], [2, 3]).ShouldBe([1, 4, 2, 5, 3, 6]);
        SlipDiagnosis.Transpose([1, 2, 3, 4, 5, 6], [3, 2]).ShouldBe([1, 3, 5, 2, 4, 6]);
    }

    [Fact]
    public void Equal_values_match_and_exactly_zero_values_against_nonzero_are_all_zeros()
    {
        Diagnose([1, 2], [2], [1, 2], [2]).ShouldBe((SlipKind.None, "matches autograd."));
        Diagnose([0, 0], [2], [1, 2], [2], atol: 0).Kind.ShouldBe(SlipKind.AllZeros);
        Diagnose([1e-9, -1e-9], [2], [1, 2], [2], atol: 1e-8).Kind.ShouldBe(SlipKind.AllZeros);
        Diagnose([1e-9, 0.5], [2], [1, 2], [2], atol: 1e-8).Kind.ShouldNotBe(SlipKind.AllZeros);
        Diagnose([0, 0], [2], [1, 2], [2]).Text.ShouldStartWith("your gradient is zero everywhere, but autograd's is not");
    }

    [Fact]
    public void A_negligible_ratio_is_not_a_constant_factor()
    {
        // hand = 1e-14 · auto, with atol 0 so that it is not "all zeros": a ratio under 1e-12 is no factor.
        var (kind, text) = Diagnose([1e-14, 2e-14], [2], [1, 2], [2], atol: 0);
        kind.ShouldBe(SlipKind.Unknown);
        text.ShouldContain("2 of 2 elements differ");
        // A tiny ratio above that threshold still is one.
        Diagnose([1e-11, 2e-11], [2], [1, 2], [2], atol: 0).Kind.ShouldBe(SlipKind.ConstantFactor);
    }

    [Fact]
    public void An_autograd_gradient_of_zero_has_no_ratio()
    {
        var (kind, text) = Diagnose([1, 2], [2], [0, 0], [2]);
        kind.ShouldBe(SlipKind.Unknown);
        text.ShouldContain("2 of 2 elements differ");
    }

    [Fact]
    public void A_ratio_must_hold_for_every_element()
    {
        // 2× on three elements, 2.5× on the fourth: not a constant factor.
        Diagnose([2, -4, 1, 10], [4], [1, -2, 0.5, 4], [4]).Kind.ShouldBe(SlipKind.Unknown);
        Diagnose([2.5, -4, 1, 8], [4], [1, -2, 0.5, 4], [4]).Kind.ShouldBe(SlipKind.Unknown);
    }

    [Fact]
    public void A_flipped_sign_gives_the_advice_of_the_declared_convention()
    {
        var plain = Scaled(-1);
        plain.Kind.ShouldBe(SlipKind.SignFlipped);
        plain.Text.ShouldBe("the sign is flipped: your gradient is −1 × autograd's. The tutorial's formulas give the descent direction −∇L (the d_weights it adds to the weights), not the gradient ∇L; if yours do too, that is expected: compare with −gradient, or declare GradientConvention.DescentDirection.");
        var declared = Scaled(-1, descent: true);
        declared.Kind.ShouldBe(SlipKind.SignFlipped);
        declared.Text.ShouldContain("You declared the descent-direction convention (−∇L), so your values are ∇L itself");
    }

    [Fact]
    public void A_ratio_of_the_batch_size_or_its_inverse_is_a_batch_reduction()
    {
        Scaled(4, batchSize: 4).ShouldBe((SlipKind.BatchReduction,
            "your gradient is 4 × autograd's: the batch size is 4, so you summed over the batch where the loss averages (divide by 4)."));
        Scaled(0.25, batchSize: 4).ShouldBe((SlipKind.BatchReduction,
            "your gradient is 0.25 × autograd's: 1 / the batch size 4, so you averaged over the batch where the loss sums (drop the 1/4)."));
        Scaled(-4, batchSize: 4).Text.ShouldEndWith("(divide by 4) and the sign is flipped (see the descent-direction convention).");
        Scaled(-0.25, batchSize: 4).Text.ShouldEndWith("(drop the 1/4) and the sign is flipped (see the descent-direction convention).");
        // A batch of 2 wins over the factor 2; another batch size leaves the factor 2.
        Scaled(2, batchSize: 2).Kind.ShouldBe(SlipKind.BatchReduction);
        Scaled(0.5, batchSize: 2).Kind.ShouldBe(SlipKind.BatchReduction);
        Scaled(2, batchSize: 3).Text.ShouldContain("a factor 2 too many");
        // A batch of 1 is no batch: a ratio just off 1 (outside the tolerance) stays a constant factor.
        Scaled(1.0000005, batchSize: 1, rtol: 1e-9).Kind.ShouldBe(SlipKind.ConstantFactor);
        Scaled(3, batchSize: 4).Text.ShouldBe("a constant factor is off: your gradient is 3 × autograd's everywhere.");
    }

    [Fact]
    public void Factors_one_half_and_two_name_their_usual_causes()
    {
        Scaled(0.5).ShouldBe((SlipKind.ConstantFactor,
            "a constant factor is off: your gradient is 0.5 × autograd's. The 2 of a square forgotten? d/dx x² = 2x."));
        Scaled(2).ShouldBe((SlipKind.ConstantFactor,
            "a constant factor is off: your gradient is 2 × autograd's: a factor 2 too many (a ½ in the loss dropped from the derivative, or a term counted twice)."));
        Scaled(-0.5).Text.ShouldEndWith("d/dx x² = 2x and the sign is flipped (see the descent-direction convention).");
        Scaled(-2).Text.ShouldEndWith("counted twice) and the sign is flipped (see the descent-direction convention).");
    }

    [Fact]
    public void Near_is_relative_to_the_target_when_it_exceeds_one()
    {
        // 2.0000015 is within 1e-6 · 2 of 2 (but not within 1e-6): still "a factor 2"; 2.000003 is not.
        Scaled(2.0000015, rtol: 1e-9).Text.ShouldContain("a factor 2 too many");
        Scaled(2.000003, rtol: 1e-9).Text.ShouldNotContain("a factor 2 too many");
        // Around one half the tolerance is 1e-6 (the maximum of 1 and the target).
        Scaled(0.5000008, rtol: 1e-9).Text.ShouldContain("The 2 of a square forgotten");
        Scaled(0.5000012, rtol: 1e-9).Text.ShouldNotContain("The 2 of a square forgotten");
        // Around −1 the sign flip.
        Scaled(-1.0000008, rtol: 1e-9).Kind.ShouldBe(SlipKind.SignFlipped);
        Scaled(-1.0000012, rtol: 1e-9).Kind.ShouldBe(SlipKind.ConstantFactor);
    }

    [Fact]
    public void Without_a_declared_batch_size_an_integer_ratio_or_its_inverse_suggests_one()
    {
        Scaled(3).Text.ShouldBe("a constant factor is off: your gradient is 3 × autograd's everywhere. If 3 is your batch size, you summed over the batch where the loss averages.");
        Scaled(-3).Text.ShouldBe("a constant factor is off: your gradient is -3 × autograd's everywhere and the sign is flipped (see the descent-direction convention). If 3 is your batch size, you summed over the batch where the loss averages.");
        Scaled(0.2).Text.ShouldBe("a constant factor is off: your gradient is 0.2 × autograd's everywhere. If 5 is your batch size, you averaged over the batch where the loss sums.");
        Scaled(2.5).Text.ShouldBe("a constant factor is off: your gradient is 2.5 × autograd's everywhere.");
        Scaled(0.3).Text.ShouldBe("a constant factor is off: your gradient is 0.3 × autograd's everywhere.");
        Scaled(1.5).Text.ShouldBe("a constant factor is off: your gradient is 1.5 × autograd's everywhere.");
        Scaled(0.75).Text.ShouldBe("a constant factor is off: your gradient is 0.75 × autograd's everywhere.");
        Scaled(0.2, batchSize: 3).Text.ShouldBe("a constant factor is off: your gradient is 0.2 × autograd's everywhere.");
    }

    [Fact]
    public void A_square_transpose_is_recognised_by_its_values_only_for_square_matrices()
    {
        Diagnose([1, 3, 2, 4], [2, 2], [1, 2, 3, 4], [2, 2]).ShouldBe((SlipKind.Transposed,
            "your gradient is autograd's transposed: for Y = A·B, ∂L/∂A = G·Bᵀ and ∂L/∂B = Aᵀ·G; check which side each transpose goes on."));
        // A rank-1 or rank-3 tensor has no transpose.
        Diagnose([1, 3, 2, 4], [4], [1, 2, 3, 4], [4]).Kind.ShouldBe(SlipKind.Unknown);
        Diagnose([1, 3, 2, 4], [1, 2, 2], [1, 2, 3, 4], [1, 2, 2]).Kind.ShouldBe(SlipKind.Unknown);
    }

    [Fact]
    public void A_single_element_is_named_with_both_values()
    {
        Diagnose([1, 2, 3, 7.5], [2, 2], [1, 2, 3, 4], [2, 2]).ShouldBe((SlipKind.SingleElement,
            "only element [1, 1] is wrong (yours 7.5, autograd's 4); the rest match: look at the term for that one element (an index slip or a special case)."));
        Diagnose([1, 9, 3], [3], [1, 2, 3], [3]).Text.ShouldStartWith("only element [1] is wrong (yours 9, autograd's 2)");
    }

    [Fact]
    public void A_single_row_or_column_needs_more_than_one_row_or_column()
    {
        // Shape [1, 3] with two wrong elements: one row, but the matrix has only one row.
        Diagnose([1, 5, 6], [1, 3], [1, 2, 3], [1, 3]).Kind.ShouldBe(SlipKind.Unknown);
        // Shape [3, 1] with two wrong elements: one column, but the matrix has only one column.
        Diagnose([1, 5, 6], [3, 1], [1, 2, 3], [3, 1]).Kind.ShouldBe(SlipKind.Unknown);
        Diagnose([1, 2, 3, 4, 9, 8], [2, 3], [1, 2, 3, 4, 5, 6], [2, 3]).ShouldBe((SlipKind.SingleRow,
            "only row 1 is wrong (2 of its 3 elements); every other row matches: look at what differs for that row (that sample, or that input feature)."));
        Diagnose([1, 7, 3, 4, 9, 6], [2, 3], [1, 2, 3, 4, 5, 6], [2, 3]).ShouldBe((SlipKind.SingleColumn,
            "only column 1 is wrong (2 of its 2 elements); every other column matches: look at what differs for that column (that unit or output)."));
        // Two rows and two columns wrong: no pattern.
        Diagnose([9, 2, 3, 4, 9, 6], [2, 3], [1, 2, 3, 4, 5, 6], [2, 3]).Text
            .ShouldBe("no known pattern (not a sign, a constant factor, a batch reduction, a transpose, a broadcast, or one element, row or column): 2 of 6 elements differ.");
    }

    [Fact]
    public void A_transposed_shape_says_whether_the_values_are_transposed_too()
    {
        var auto = new double[] { 1, 2, 3, 4, 5, 6 };
        var (kind, text) = Diagnose([1, 4, 2, 5, 3, 6], [3, 2], auto, [2, 3]);
        kind.ShouldBe(SlipKind.Transposed);
        text.ShouldBe("transposed: your gradient has shape [3, 2], but the tensor (and autograd's gradient) has shape [2, 3]; its values are autograd's transposed. For Y = A·B, ∂L/∂A = G·Bᵀ and ∂L/∂B = Aᵀ·G.");
        var wrong = Diagnose([1, 2, 3, 4, 5, 6], [3, 2], auto, [2, 3]);
        wrong.Kind.ShouldBe(SlipKind.Transposed);
        wrong.Text.ShouldContain("; even transposed, its values differ from autograd's.");
    }

    [Fact]
    public void Incompatible_shapes_are_a_shape_mismatch_hinting_at_a_reshape_when_the_sizes_agree()
    {
        Diagnose(new double[6], [6], [1, 2, 3, 4, 5, 6], [2, 3]).ShouldBe((SlipKind.ShapeMismatch,
            "your gradient has shape [6], but the tensor (and autograd's gradient) has shape [2, 3] (the same number of elements: a reshape or a flattening went wrong?)."));
        Diagnose(new double[5], [5], [1, 2, 3, 4, 5, 6], [2, 3]).ShouldBe((SlipKind.ShapeMismatch,
            "your gradient has shape [5], but the tensor (and autograd's gradient) has shape [2, 3]."));
        Diagnose(new double[8], [2, 4], [1, 2, 3, 4, 5, 6], [2, 3]).Kind.ShouldBe(SlipKind.ShapeMismatch);
        Diagnose(new double[24], [2, 3, 4], new double[24], [4, 3, 2]).Kind.ShouldBe(SlipKind.ShapeMismatch);
    }

    [Fact]
    public void A_gradient_repeated_along_a_broadcast_axis_keeps_the_wrong_shape()
    {
        // autograd's [2, 1] = [3, 7]; yours [2, 2] repeats it along axis 1.
        var (kind, text) = Diagnose([3, 3, 7, 7], [2, 2], [3, 7], [2, 1]);
        kind.ShouldBe(SlipKind.Broadcast);
        text.ShouldBe("a broadcast went wrong: your gradient has shape [2, 2], but the tensor (and autograd's gradient) has shape [2, 1]. It is autograd's gradient repeated along axis 1: keep the tensor's shape.");
        // Summed along axis 1 it matches instead.
        Diagnose([1, 2, 3, 4], [2, 2], [3, 7], [2, 1]).Text.ShouldContain("Summed over axis 1 it matches");
        // Neither summed nor repeated.
        Diagnose([1, 2, 3, 5], [2, 2], [3, 7], [2, 1]).Text
            .ShouldBe("a broadcast went wrong: your gradient has shape [2, 2], but the tensor (and autograd's gradient) has shape [2, 1], and its values match autograd's neither summed nor repeated along the broadcast axes.");
    }

    [Fact]
    public void A_gradient_of_a_broadcast_shape_against_a_full_one_is_named_by_its_values()
    {
        // autograd's [2, 2] is constant along axis 1; yours [2, 1] has those values: only the shape is wrong.
        Diagnose([3, 7], [2, 1], [3, 3, 7, 7], [2, 2]).Text
            .ShouldBe("a broadcast went wrong: your gradient has shape [2, 1], but the tensor (and autograd's gradient) has shape [2, 2]. Autograd's is the same along axis 1, and yours has its values: only the shape is wrong.");
        Diagnose([3, 7], [2, 1], [1, 2, 3, 4], [2, 2]).Text.ShouldContain("It equals autograd's summed over axis 1");
        Diagnose([3, 8], [2, 1], [1, 2, 3, 4], [2, 2]).Text.ShouldContain("neither summed nor repeated");
    }

    [Fact]
    public void Broadcast_shapes_of_different_ranks_are_padded_on_the_left()
    {
        // yours [3] against autograd's [2, 3]: equal to the sum over axis 0.
        Diagnose([5, 7, 9], [3], [1, 2, 3, 4, 5, 6], [2, 3]).Text.ShouldContain("It equals autograd's summed over axis 0");
        // yours [2, 3] against autograd's [3]: summed over axis 0 it matches.
        Diagnose([1, 2, 3, 4, 5, 6], [2, 3], [5, 7, 9], [3]).Text.ShouldContain("Summed over axis 0 it matches");
        // Two axes at once: yours [2, 2] against autograd's [1, 1].
        Diagnose([1, 2, 3, 4], [2, 2], [10], [1, 1]).Text.ShouldContain("Summed over axis 0, 1 it matches");
    }

    [Fact]
    public void Shapes_that_differ_only_by_a_leading_one_are_a_broadcast_with_no_axis_to_repair()
    {
        // yours [3] against autograd's [1, 3] (a keepDim forgotten): no axis is wider on either side.
        var (kind, text) = Diagnose([1, 2, 3], [3], [1, 2, 3], [1, 3]);
        kind.ShouldBe(SlipKind.Broadcast);
        text.ShouldBe("a broadcast went wrong: your gradient has shape [3], but the tensor (and autograd's gradient) has shape [1, 3], and its values match autograd's neither summed nor repeated along the broadcast axes.");
        Diagnose([1, 2, 3], [1, 3], [1, 2, 3], [3]).Text.ShouldEndWith("neither summed nor repeated along the broadcast axes.");
    }

    [Fact]
    public void Broadcast_in_both_directions_at_once_has_no_simple_repair()
    {
        // yours [2, 1, 3], autograd's [1, 2, 3]: each is wider along one axis.
        var (kind, text) = Diagnose([1, 2, 3, 4, 5, 6], [2, 1, 3], [1, 2, 3, 4, 5, 6], [1, 2, 3]);
        kind.ShouldBe(SlipKind.Broadcast);
        text.ShouldEndWith("and its values match autograd's neither summed nor repeated along the broadcast axes.");
    }
}
