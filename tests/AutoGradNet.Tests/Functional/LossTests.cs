using static AutoGradNet.Tests.TestData;
using F = AutoGradNet.Functional;

namespace AutoGradNet.Tests;

/// <summary>The losses: finite differences, double-precision formula references, and saturated inputs.</summary>
public class LossTests
{
    private static double RefSigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>Stable per-element BCE on logits: log(1 + e^(−|x|)) + max(x, 0) − x·y.</summary>
    private static double RefBceWithLogits(double x, double y) => Math.Log(1 + Math.Exp(-Math.Abs(x))) + Math.Max(x, 0) - x * y;

    [Fact]
    public void SumSquaredError_backward_matches_finite_differences_for_both_arguments() =>
        ShouldPassGradCheck(x => F.SumSquaredError(x[0], x[1]), Random(1, [3, 2]), Random(2, [3, 2]));

    [Fact]
    public void SumSquaredError_is_the_sum_of_squares_with_gradient_two_times_the_residual()
    {
        var p = Random(3, [4]).RequireGrad();
        var t = Random(4, [4]);
        var loss = F.SumSquaredError(p, t);
        double[] pv = p.ToArray(), tv = t.ToArray();
        loss.Rank.ShouldBe(0);
        loss.Item().ShouldBe(pv.Select((v, i) => (v - tv[i]) * (v - tv[i])).Sum(), 1e-13);
        loss.Backward();
        ShouldBeClose(p.Grad!.ToArray(), [.. pv.Select((v, i) => 2 * (v - tv[i]))]);
    }

    [Fact]
    public void MseLoss_backward_matches_finite_differences_for_both_arguments() =>
        ShouldPassGradCheck(x => F.MseLoss(x[0], x[1]), Random(5, [2, 3, 2]), Random(6, [2, 3, 2]));

    [Fact]
    public void MseLoss_is_the_mean_of_squares_with_gradient_two_residual_over_N()
    {
        var p = Random(7, [2, 3]).RequireGrad();
        var t = Random(8, [2, 3]);
        var loss = F.MseLoss(p, t);
        double[] pv = p.ToArray(), tv = t.ToArray();
        loss.Item().ShouldBe(pv.Select((v, i) => (v - tv[i]) * (v - tv[i])).Sum() / 6, 1e-14);
        loss.Backward();
        ShouldBeClose(p.Grad!.ToArray(), [.. pv.Select((v, i) => 2 * (v - tv[i]) / 6)], 1e-15, 1e-13);
    }

    [Fact]
    public void BinaryCrossEntropy_backward_matches_finite_differences_for_probabilities_and_soft_targets() =>
        ShouldPassGradCheck(x => F.BinaryCrossEntropy(x[0], x[1]), Random(9, [2, 3], 0.05, 0.95), Random(10, [2, 3], 0, 1));

    [Fact]
    public void BinaryCrossEntropy_equals_the_log_likelihood_formula_with_gradient_p_minus_y_over_p_one_minus_p()
    {
        var p = Random(11, [5], 0.05, 0.95).RequireGrad();
        var y = Tensor.FromArray([0.0, 1, 1, 0, 0.3]);
        var loss = F.BinaryCrossEntropy(p, y);
        double[] pv = p.ToArray(), yv = y.ToArray();
        var expected = -pv.Select((v, i) => yv[i] * Math.Log(v) + (1 - yv[i]) * Math.Log(1 - v)).Sum() / 5;
        loss.Item().ShouldBe(expected, 1e-14);
        loss.Backward();
        ShouldBeClose(p.Grad!.ToArray(), [.. pv.Select((v, i) => (v - yv[i]) / (v * (1 - v)) / 5)], 1e-15, 1e-12);
    }

    [Fact]
    public void BinaryCrossEntropy_on_saturated_probabilities_is_finite_and_clamped_at_100_like_PyTorch()
    {
        // Wrong with certainty: each log is clamped at −100, so the loss is exactly 100 instead of ∞.
        F.BinaryCrossEntropy(Tensor.FromArray([0.0, 1]), Tensor.FromArray([1.0, 0])).Item().ShouldBe(100);
        // Right with certainty: both terms are 0 (0·(−100) for the unused log).
        F.BinaryCrossEntropy(Tensor.FromArray([0.0, 1]), Tensor.FromArray([0.0, 1])).Item().ShouldBe(0);
        // Mixed with an ordinary element: (100 + (−ln 0.25)) / 2.
        F.BinaryCrossEntropy(Tensor.FromArray([0.0, 0.25]), Tensor.FromArray([1.0, 0]))
            .Item().ShouldBe((100 - Math.Log(0.75)) / 2, 1e-13);
    }

    [Fact]
    public void BinaryCrossEntropy_gradient_is_finite_on_saturated_probabilities()
    {
        var p = Tensor.FromArray([0.0, 1, 0, 1, 0.5]).RequireGrad();
        var y = Tensor.FromArray([1.0, 0, 0, 1, 1]);
        F.BinaryCrossEntropy(p, y).Backward();
        var g = p.Grad!.ToArray();
        g.ShouldAllBe(v => double.IsFinite(v));
        // The ordinary element keeps its exact gradient (p − y) / (p(1 − p)) / N = −2/5.
        g[4].ShouldBe(-0.4, 1e-15);

        var p32 = p.Detach().To(DType.Float32).RequireGrad();
        var loss32 = F.BinaryCrossEntropy(p32, y.To(DType.Float32));
        // Two elements wrong with certainty (100 each), two right (0), and −ln ½ for p = ½, y = 1.
        loss32.Item().ShouldBe((100 + 100 + 0 + 0 + Math.Log(2)) / 5, 1e-5);
        loss32.Backward();
        p32.Grad!.ToArray().ShouldAllBe(v => float.IsFinite((float)v));
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_backward_matches_finite_differences_for_logits_and_targets() =>
        ShouldPassGradCheck(x => F.BinaryCrossEntropyWithLogits(x[0], x[1]), AwayFromZero(12, [2, 3], 0.1, 5), Random(13, [2, 3], 0, 1));

    [Fact]
    public void BinaryCrossEntropyWithLogits_equals_the_stable_formula_with_gradient_sigmoid_minus_y_over_N()
    {
        var x = Tensor.FromArray([-4.0, -0.7, 0, 0.2, 3, 9]).RequireGrad();
        var y = Tensor.FromArray([0.0, 1, 0.5, 0, 1, 0.25]);
        var loss = F.BinaryCrossEntropyWithLogits(x, y);
        double[] xv = x.ToArray(), yv = y.ToArray();
        loss.Item().ShouldBe(xv.Select((v, i) => RefBceWithLogits(v, yv[i])).Sum() / 6, 1e-14);
        loss.Backward();
        ShouldBeClose(x.Grad!.ToArray(), [.. xv.Select((v, i) => (RefSigmoid(v) - yv[i]) / 6)], 1e-15, 1e-12);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_equals_BinaryCrossEntropy_of_the_sigmoid_for_moderate_logits()
    {
        var x = Random(14, [8], -5, 5);
        var y = Random(15, [8], 0, 1);
        F.BinaryCrossEntropyWithLogits(x, y).Item()
            .ShouldBe(F.BinaryCrossEntropy(F.Sigmoid(x), y).Item(), 1e-12);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_is_finite_and_exact_for_logits_of_plus_and_minus_60()
    {
        // σ(60) rounds to 1 in doubles, so the probability form would lose this loss entirely; the logit form keeps it.
        double[] xs = [60, -60, 60, -60];
        double[] ys = [1, 0, 0, 1];
        var x = Tensor.FromArray(xs).RequireGrad();
        var loss = F.BinaryCrossEntropyWithLogits(x, Tensor.FromArray(ys));
        var expected = xs.Select((v, i) => RefBceWithLogits(v, ys[i])).Sum() / 4;
        double.IsFinite(loss.Item()).ShouldBeTrue();
        loss.Item().ShouldBe(expected, 1e-12);
        loss.Item().ShouldBe(30, 1e-12); // the two wrong elements cost 60 each, the right ones ≈ e^−60
        loss.Backward();
        var g = x.Grad!.ToArray();
        g.ShouldAllBe(v => double.IsFinite(v));
        ShouldBeClose(g, [.. xs.Select((v, i) => (RefSigmoid(v) - ys[i]) / 4)], 1e-15, 1e-12);
    }

    [Fact]
    public void CrossEntropy_backward_matches_finite_differences() =>
        ShouldPassGradCheck(x => F.CrossEntropy(x[0], [2, 0, 1, 2]), Random(16, [4, 3], -3, 3));

    [Fact]
    public void CrossEntropy_equals_minus_mean_log_softmax_of_the_target_with_gradient_softmax_minus_one_hot_over_N()
    {
        const int n = 3, c = 4;
        int[] targets = [3, 0, 1];
        var logits = Random(17, [n, c], -3, 3).RequireGrad();
        var v = logits.ToArray();
        var expectedLoss = 0.0;
        var expectedGrad = new double[n * c];
        for (var i = 0; i < n; i++)
        {
            var m = v.Skip(i * c).Take(c).Max();
            var z = 0.0;
            for (var j = 0; j < c; j++) z += Math.Exp(v[i * c + j] - m);
            expectedLoss -= (v[i * c + targets[i]] - m - Math.Log(z)) / n;
            for (var j = 0; j < c; j++)
                expectedGrad[i * c + j] = (Math.Exp(v[i * c + j] - m) / z - (j == targets[i] ? 1 : 0)) / n;
        }
        var loss = F.CrossEntropy(logits, targets);
        loss.Item().ShouldBe(expectedLoss, 1e-14);
        loss.Backward();
        ShouldBeClose(logits.Grad!.ToArray(), expectedGrad, 1e-15, 1e-12);
    }

    [Fact]
    public void CrossEntropy_with_huge_logits_is_finite_and_exact()
    {
        // Row 0 is right by 2000 (loss ≈ 0), row 1 wrong by 2000 (loss 2000).
        var logits = Tensor.FromArray(new double[,] { { 1000, -1000 }, { 1000, -1000 } }).RequireGrad();
        var loss = F.CrossEntropy(logits, [0, 1]);
        loss.Item().ShouldBe(1000, 1e-9);
        loss.Backward();
        ShouldBeClose(logits.Grad!.ToArray(), [0, 0, 0.5, -0.5]);
    }

    [Fact]
    public void Losses_reject_prediction_and_target_shapes_that_differ()
    {
        Should.Throw<ArgumentException>(() => F.MseLoss(Tensor.Zeros([3]), Tensor.Zeros([3, 1])));
        Should.Throw<ArgumentException>(() => F.BinaryCrossEntropy(Tensor.Zeros([3]), Tensor.Zeros([1, 3])));
        Should.Throw<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros([2, 3]), [0, 3]));
    }

    [Fact]
    public void BinaryCrossEntropy_rejects_inputs_outside_0_1_naming_the_range()
    {
        var error = Should.Throw<ArgumentException>(() => F.BinaryCrossEntropy(Tensor.FromArray([0.5, 1.5]), Tensor.FromArray([1.0, 0.0])));
        error.Message.ShouldContain("[0, 1]");
        error.Message.ShouldContain("1.5");
        error.Message.ShouldContain("WithLogits");
    }

    [Fact]
    public void CrossEntropy_with_masked_minus_infinity_logits_is_finite_and_matches_the_formula()
    {
        var inf = double.PositiveInfinity;
        var logits = Tensor.FromArray([1, -inf, 0, -inf, 2, 3, 0, 0, 1], 3, 3);
        // −mean of the targets' log-probabilities, with the −∞ entries contributing e^−∞ = 0 to each normalizer.
        var expected = -((1 - Math.Log(Math.E + 1)) + (2 - Math.Log(Math.Exp(2) + Math.Exp(3))) + (1 - Math.Log(2 + Math.E))) / 3;
        F.CrossEntropy(logits, [0, 1, 2]).Item().ShouldBe(expected, 1e-15);
        double.IsNaN(F.CrossEntropy(Tensor.Zeros([0, 3]), []).Item()).ShouldBeTrue(); // the mean of nothing
    }

    [Fact]
    public void BinaryCrossEntropy_rejects_NaN_probabilities()
    {
        Should.Throw<ArgumentException>(() => F.BinaryCrossEntropy(Tensor.FromArray([double.NaN, 0.5]), Tensor.FromArray([1.0, 0.0])));
    }
}
