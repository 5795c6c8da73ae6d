using static AutoGradNet.Tests.TestData;
using F = AutoGradNet.Functional;

namespace AutoGradNet.Tests;

/// <summary>Softmax, LogSoftmax and LogSumExp: finite differences, loop references and huge logits.</summary>
public class SoftmaxTests
{
    /// <summary>log Σ exp over the last axis of a row-major [rows, n] array, shifted by the row max in doubles.</summary>
    private static double[] RefLogSumExpRows(double[] x, int n)
    {
        var rows = x.Length / n;
        var result = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var m = double.NegativeInfinity;
            for (var j = 0; j < n; j++) m = Math.Max(m, x[r * n + j]);
            var s = 0.0;
            for (var j = 0; j < n; j++) s += Math.Exp(x[r * n + j] - m);
            result[r] = m + Math.Log(s);
        }
        return result;
    }

    private static double[] RefSoftmaxRows(double[] x, int n)
    {
        var lse = RefLogSumExpRows(x, n);
        return [.. x.Select((v, i) => Math.Exp(v - lse[i / n]))];
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    public void Softmax_backward_matches_finite_differences(int axis) =>
        ShouldPassGradCheck(x => F.Softmax(x[0], axis), Random(1, [3, 4], -3, 3));

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    public void LogSoftmax_backward_matches_finite_differences(int axis) =>
        ShouldPassGradCheck(x => F.LogSoftmax(x[0], axis), Random(2, [3, 4], -3, 3));

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void LogSumExp_backward_matches_finite_differences(int axis, bool keepDim) =>
        ShouldPassGradCheck(x => F.LogSumExp(x[0], axis, keepDim), Random(3, [2, 3, 4], -3, 3));

    [Fact]
    public void Softmax_of_a_3d_tensor_over_the_middle_axis_matches_finite_differences() =>
        ShouldPassGradCheck(x => F.Softmax(x[0], 1) * Random(4, [2, 3, 4]), Random(5, [2, 3, 4], -3, 3));

    [Fact]
    public void Softmax_and_LogSoftmax_gradients_are_exact_at_large_offsets() =>
        // The shift by the detached maximum changes nothing mathematically, so gradients stay exact far from 0.
        ShouldPassGradCheck(x => F.LogSoftmax(x[0]) + F.Softmax(x[0]), Random(6, [2, 5], 300, 303));

    [Fact]
    public void Softmax_LogSoftmax_LogSumExp_forward_match_loop_references()
    {
        var x = Random(7, [3, 5], -4, 4);
        var v = x.ToArray();
        var sm = RefSoftmaxRows(v, 5);
        ShouldBeClose(F.Softmax(x).ToArray(), sm, 1e-15, 1e-13);
        ShouldBeClose(F.LogSoftmax(x).ToArray(), [.. sm.Select(v => Math.Log(v))], 1e-14, 1e-13);
        var lse = F.LogSumExp(x);
        lse.Shape.ShouldBe(new Shape(3));
        ShouldBeClose(lse.ToArray(), RefLogSumExpRows(v, 5), 1e-14, 1e-13);
        F.LogSumExp(x, keepDim: true).Shape.ShouldBe(new Shape(3, 1));
    }

    [Fact]
    public void Softmax_over_axis_0_equals_the_row_softmax_of_the_transpose()
    {
        var x = Random(8, [4, 3], -2, 2);
        var expected = RefSoftmaxRows(x.T.ToArray(), 4); // [3, 4] reference, transposed back below
        var actual = F.Softmax(x, 0).T.ToArray();
        ShouldBeClose(actual, expected, 1e-15, 1e-13);
    }

    [Fact]
    public void LogSumExp_gradient_is_the_softmax()
    {
        var x = Random(9, [2, 4], -3, 3).RequireGrad();
        F.LogSumExp(x).Sum().Backward();
        ShouldBeClose(x.Grad!.ToArray(), RefSoftmaxRows(x.ToArray(), 4), 1e-15, 1e-13);
    }

    [Fact]
    public void Softmax_vector_Jacobian_product_is_s_times_w_minus_s_dot_w()
    {
        // ∂(Σ wᵢ sᵢ)/∂xⱼ = sⱼ (wⱼ − Σᵢ wᵢ sᵢ), derived by hand from ∂sᵢ/∂xⱼ = sᵢ(δᵢⱼ − sⱼ).
        var x = Random(10, [5], -2, 2).RequireGrad();
        var w = Random(11, [5]);
        (F.Softmax(x) * w).Sum().Backward();
        var s = RefSoftmaxRows(x.ToArray(), 5);
        var wv = w.ToArray();
        var dot = s.Select((si, i) => si * wv[i]).Sum();
        ShouldBeClose(x.Grad!.ToArray(), [.. s.Select((sj, j) => sj * (wv[j] - dot))], 1e-15, 1e-12);
    }

    [Fact]
    public void LogSumExp_of_two_1000s_is_1000_plus_ln_2()
    {
        var x = Tensor.FromArray([1000.0, 1000]).RequireGrad();
        var lse = F.LogSumExp(x);
        lse.Item().ShouldBe(1000 + Math.Log(2), 1e-12);
        lse.Backward();
        x.Grad!.ToArray().ShouldBe([0.5, 0.5]);
    }

    [Fact]
    public void Softmax_and_LogSoftmax_of_1000_huge_logits_are_finite_and_normalised()
    {
        // Logits of ±1000 and a few in between: exp(1000) overflows, so only the shifted form survives.
        var values = new double[1000];
        for (var i = 0; i < values.Length; i++) values[i] = (i % 3) switch { 0 => 1000, 1 => -1000, _ => 999 - (i % 7) };
        var x = Tensor.FromArray(values).RequireGrad();

        var sm = F.Softmax(x);
        var smv = sm.ToArray();
        smv.ShouldAllBe(v => double.IsFinite(v));
        smv.Sum().ShouldBe(1, 1e-12);
        ShouldBeClose(smv, RefSoftmaxRows(values, 1000), 1e-15, 1e-12);

        var lsm = F.LogSoftmax(x);
        var lsmv = lsm.ToArray();
        lsmv.ShouldAllBe(v => double.IsFinite(v));
        lsmv.Select(Math.Exp).Sum().ShouldBe(1, 1e-12);
        var lse = RefLogSumExpRows(values, 1000)[0];
        ShouldBeClose(lsmv, [.. values.Select(v => v - lse)], 1e-12, 1e-14);

        var w = Random(12, [1000]);
        (sm * w).Sum().Backward();
        x.Grad!.ToArray().ShouldAllBe(v => double.IsFinite(v));
        x.ZeroGrad();
        (lsm * w).Sum().Backward();
        x.Grad!.ToArray().ShouldAllBe(v => double.IsFinite(v));
    }

    [Fact]
    public void Softmax_rows_sum_to_one_for_every_row_of_a_batch_with_mixed_scales()
    {
        var x = Tensor.FromArray(new double[,] { { 1000, -1000, 0 }, { -1000, -1000, -1000 }, { 1e-3, 2e-3, 3e-3 } });
        var s = F.Softmax(x, 1);
        s.Sum(1).ToArray().ShouldAllBe(v => Math.Abs(v - 1) < 1e-15);
        ShouldBeClose(s.ToArray(), RefSoftmaxRows(x.ToArray(), 3), 1e-15, 1e-13);
    }

    [Fact]
    public void LogSumExp_of_an_all_negative_infinity_slice_is_negative_infinity_not_NaN()
    {
        var x = Tensor.FromArray([double.NegativeInfinity, double.NegativeInfinity]);
        F.LogSumExp(x).Item().ShouldBe(double.NegativeInfinity);
    }

    [Fact]
    public void A_0d_input_is_a_one_element_slice_for_softmax_log_softmax_and_logsumexp()
    {
        var x = Tensor.Scalar(3.5);
        AutoGradNet.Functional.Softmax(x).Item().ShouldBe(1.0);
        AutoGradNet.Functional.LogSoftmax(x, 0).Item().ShouldBe(0.0);
        var lse = AutoGradNet.Functional.LogSumExp(x);
        lse.Rank.ShouldBe(0);
        lse.Item().ShouldBe(3.5);
        Should.Throw<ArgumentOutOfRangeException>(() => AutoGradNet.Functional.LogSumExp(x, 1)).Message.ShouldContain("logsumexp");
    }

    [Fact]
    public void LogSoftmax_keeps_full_precision_for_huge_logits()
    {
        AutoGradNet.Functional.LogSoftmax(Tensor.FromArray([1e17, 1e17])).ToArray().ShouldAllBe(v => Math.Abs(v + Math.Log(2)) < 1e-15);
        var f32 = AutoGradNet.Functional.LogSoftmax(Tensor.FromArray([1e7f, 1e7f]));
        f32.ToArray().ShouldAllBe(v => Math.Abs(v + Math.Log(2)) < 1e-6);
        // [1e6, 1e6 − 1]: log-probabilities −ln(1 + e⁻¹) and −1 − ln(1 + e⁻¹), exact in the shifted form.
        var lp = AutoGradNet.Functional.LogSoftmax(Tensor.FromArray([1e6, 1e6 - 1])).ToArray();
        lp[0].ShouldBe(-Math.Log(1 + Math.Exp(-1)), 1e-15);
        lp[1].ShouldBe(-1 - Math.Log(1 + Math.Exp(-1)), 1e-15);
    }
}
