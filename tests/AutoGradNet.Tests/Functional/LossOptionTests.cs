using static AutoGradNet.Tests.TestData;
using F = AutoGradNet.Functional;

namespace AutoGradNet.Tests;

/// <summary>
/// The losses' options (reduction, weights, posWeight, ignoreIndex, label smoothing, probability targets, KL):
/// finite differences (with non-contiguous inputs), hand formulas, Float32, and error cases.
/// </summary>
public class LossOptionTests
{
    private static readonly Reduction[] s_reductions = [Reduction.None, Reduction.Sum, Reduction.Mean];

    /// <summary>A [4, 3] leaf viewed through a transpose: non-contiguous, float64, requiring nothing yet.</summary>
    private static Tensor Strided(int seed, double low = -2, double high = 2)
    {
        var x = Random(seed, [3, 4], low, high).T.Detach();
        x.IsContiguous.ShouldBeFalse();
        return x;
    }

    private static Tensor Longs(params long[] values) => Tensor.FromArray(values);

    [Fact]
    public void Regression_losses_pass_gradcheck_in_both_arguments_for_every_reduction_with_non_contiguous_inputs()
    {
        foreach (var r in s_reductions)
        {
            ShouldPassGradCheck(x => F.MseLoss(x[0], x[1], r), Strided(1), Random(2, [4, 3]));
            ShouldPassGradCheck(x => F.L1Loss(x[0], x[1], r), Strided(3), Random(4, [4, 3]));
            ShouldPassGradCheck(x => F.SmoothL1Loss(x[0], x[1], 0.7, r), Strided(5), Random(6, [4, 3]));
            ShouldPassGradCheck(x => F.HuberLoss(x[0], x[1], 0.7, r), Strided(7), Random(8, [4, 3]));
        }
    }

    [Fact]
    public void SumSquaredError_equals_MseLoss_with_Sum_and_MseLoss_None_is_the_squares()
    {
        var p = Random(9, [2, 3]);
        var t = Random(10, [2, 3]);
        F.MseLoss(p, t, Reduction.Sum).Item().ShouldBe(F.SumSquaredError(p, t).Item(), 1e-15);
        ShouldBeClose(F.MseLoss(p, t, Reduction.None).ToArray(), [.. p.ToArray().Zip(t.ToArray(), (a, b) => (a - b) * (a - b))]);
        F.MseLoss(p, t, Reduction.None).Shape.ShouldBe(new Shape([2, 3]));
    }

    [Fact]
    public void SmoothL1_and_Huber_follow_their_piecewise_formulas_and_relate_by_delta()
    {
        var d = Tensor.FromArray([-3.0, -0.4, 0.1, 0.9, 2.5]);
        var zero = Tensor.Zeros([5]);
        double[] dv = d.ToArray();
        const double beta = 1.5;
        ShouldBeClose(F.SmoothL1Loss(d, zero, beta, Reduction.None).ToArray(),
            [.. dv.Select(v => Math.Abs(v) < beta ? 0.5 * v * v / beta : Math.Abs(v) - 0.5 * beta)]);
        ShouldBeClose(F.HuberLoss(d, zero, beta, Reduction.None).ToArray(),
            [.. dv.Select(v => Math.Abs(v) < beta ? 0.5 * v * v : beta * (Math.Abs(v) - 0.5 * beta))]);
        F.HuberLoss(d, zero, beta, Reduction.Sum).Item().ShouldBe(beta * F.SmoothL1Loss(d, zero, beta, Reduction.Sum).Item(), 1e-14);
        F.SmoothL1Loss(d, zero, 0, Reduction.Sum).Item().ShouldBe(F.L1Loss(d, zero, Reduction.Sum).Item());
    }

    [Fact]
    public void L1Loss_gradient_at_equal_values_is_zero_like_PyTorch()
    {
        var p = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        F.L1Loss(p, Tensor.FromArray([1.0, 0.0]), Reduction.Sum).Backward();
        p.Grad!.ToArray().ShouldBe([0.0, 1.0]);
    }

    [Fact]
    public void BinaryCrossEntropy_with_weight_scales_each_element_and_passes_gradcheck()
    {
        var p = Random(11, [2, 3], 0.05, 0.95);
        var y = Random(12, [2, 3], 0, 1);
        var w = Random(13, [3], 0.5, 2);
        var unweighted = F.BinaryCrossEntropy(p, y, reduction: Reduction.None).ToArray();
        var weighted = F.BinaryCrossEntropy(p, y, w, Reduction.None).ToArray();
        var wv = w.ToArray();
        ShouldBeClose(weighted, [.. unweighted.Select((v, i) => v * wv[i % 3])]);
        F.BinaryCrossEntropy(p, y, w, Reduction.Mean).Item().ShouldBe(weighted.Sum() / 6, 1e-14);
        ShouldPassGradCheck(x => F.BinaryCrossEntropy(x[0], x[1], w, Reduction.Sum), Strided(14, 0.05, 0.95), Random(15, [4, 3], 0, 1));
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_posWeight_equals_the_weighted_log_likelihood()
    {
        // PyTorch's definition: −[pw·y·ln σ(x) + (1 − y)·ln(1 − σ(x))]; the stable form (1−y)x + (1 + (pw−1)y)·softplus(−x) equals it.
        var x = Random(16, [4, 3], -4, 4);
        var y = Random(17, [4, 3], 0, 1);
        var pw = Tensor.FromArray([0.5, 2.0, 3.5]);
        var w = Random(18, [4, 3], 0.5, 2);
        double[] xv = x.ToArray(), yv = y.ToArray(), pwv = pw.ToArray(), wv = w.ToArray();
        var expected = xv.Select((v, i) =>
        {
            var s = 1 / (1 + Math.Exp(-v));
            return -wv[i] * (pwv[i % 3] * yv[i] * Math.Log(s) + (1 - yv[i]) * Math.Log(1 - s));
        }).ToArray();
        ShouldBeClose(F.BinaryCrossEntropyWithLogits(x, y, w, pw, Reduction.None).ToArray(), expected, 1e-13, 1e-12);
        F.BinaryCrossEntropyWithLogits(x, y, w, pw).Item().ShouldBe(expected.Average(), 1e-13);
        ShouldPassGradCheck(v => F.BinaryCrossEntropyWithLogits(v[0], v[1], w, pw, Reduction.Sum), Strided(19), Random(20, [4, 3], 0, 1));
    }

    [Fact]
    public void NllLoss_and_CrossEntropy_pass_gradcheck_with_weights_ignoreIndex_smoothing_and_non_contiguous_logits()
    {
        var targets = Longs(2, -100, 0, 1);
        var w = Tensor.FromArray([0.5, 1.5, 2.0]);
        foreach (var r in s_reductions)
        {
            ShouldPassGradCheck(x => F.NllLoss(x[0], targets, w, reduction: r), Strided(21));
            ShouldPassGradCheck(x => F.CrossEntropy(x[0], targets, w, labelSmoothing: 0.25, reduction: r), Strided(22));
            ShouldPassGradCheck(x => F.CrossEntropy(x[0], targets, labelSmoothing: 0.25, reduction: r), Strided(23));
            // probability targets: both logits and targets are differentiated
            ShouldPassGradCheck(x => F.CrossEntropy(x[0], x[1], w, labelSmoothing: 0.1, reduction: r), Strided(24), Random(25, [4, 3], 0, 1));
        }
    }

    [Fact]
    public void CrossEntropy_second_derivative_passes_gradcheck()
    {
        var targets = Longs(2, 0, 1, 1);
        var w = Tensor.FromArray([0.5, 1.5, 2.0]);
        ShouldPassGradCheck(x =>
        {
            var loss = F.CrossEntropy(x[0], targets, w, labelSmoothing: 0.2);
            var g = AutoGrad.Grad(loss, [x[0]], createGraph: true)[0];
            return (g * g).Sum();
        }, Random(26, [4, 3]));
    }

    [Fact]
    public void CrossEntropy_label_smoothing_without_weights_is_the_cross_entropy_with_the_mixed_target()
    {
        const double eps = 0.3;
        var logits = Random(27, [3, 4]);
        long[] t = [3, 0, 2];
        var logP = F.LogSoftmax(logits, 1).ToArray();
        var expected = 0.0;
        for (var n = 0; n < 3; n++)
        {
            for (var c = 0; c < 4; c++) expected -= ((c == t[n] ? 1 - eps : 0) + eps / 4) * logP[n * 4 + c];
        }
        F.CrossEntropy(logits, Longs(t), labelSmoothing: eps, reduction: Reduction.Sum).Item().ShouldBe(expected, 1e-13);
        F.CrossEntropy(logits, Longs(t), labelSmoothing: eps).Item().ShouldBe(expected / 3, 1e-13);
        // the same as probability targets holding the one-hot rows, smoothed by the loss
        var oneHot = Tensor.OneHot(Longs(t), 4).ConvertedTo(DType.Float64);
        F.CrossEntropy(logits, oneHot, labelSmoothing: eps).Item().ShouldBe(expected / 3, 1e-13);
    }

    [Fact]
    public void Weighted_mean_divides_by_the_weights_of_the_non_ignored_targets()
    {
        var logP = F.LogSoftmax(Random(28, [4, 3]), 1);
        var lp = logP.ToArray();
        var w = Tensor.FromArray([0.5, 1.5, 2.0]);
        // targets 2, ignored, 0, 1 → weights 2.0, —, 0.5, 1.5
        var sum = -(2.0 * lp[0 * 3 + 2] + 0.5 * lp[2 * 3 + 0] + 1.5 * lp[3 * 3 + 1]);
        var targets = Longs(2, 7, 0, 1);
        F.NllLoss(logP, targets, w, ignoreIndex: 7, reduction: Reduction.Sum).Item().ShouldBe(sum, 1e-14);
        F.NllLoss(logP, targets, w, ignoreIndex: 7).Item().ShouldBe(sum / 4.0, 1e-14);
        var none = F.NllLoss(logP, targets, w, ignoreIndex: 7, reduction: Reduction.None);
        none.Shape.ShouldBe(new Shape([4]));
        none.ToArray()[1].ShouldBe(0);
    }

    [Fact]
    public void IgnoreIndex_rows_get_zero_gradient_and_all_ignored_mean_is_NaN_like_PyTorch()
    {
        var logits = Random(29, [3, 4]).RequireGrad();
        F.CrossEntropy(logits, Longs(1, -100, 3), labelSmoothing: 0.1).Backward();
        logits.Grad!.ToArray().Skip(4).Take(4).ShouldAllBe(v => v == 0);
        logits.Grad!.ToArray().Take(4).ShouldContain(v => v != 0);

        double.IsNaN(F.CrossEntropy(Random(30, [2, 4]), Longs(-100, -100)).Item()).ShouldBeTrue();
        F.CrossEntropy(Random(30, [2, 4]), Longs(-100, -100), reduction: Reduction.Sum).Item().ShouldBe(0);
        // an ignored row whose logits hold −∞ still gives a finite loss
        var inf = double.NegativeInfinity;
        var masked = Tensor.FromArray([inf, 0, 0, 1, 2, 3], 2, 3);
        double.IsFinite(F.CrossEntropy(masked, Longs(-100, 2)).Item()).ShouldBeTrue();
    }

    [Fact]
    public void KlDivLoss_passes_gradcheck_in_both_arguments_and_batchmean_divides_by_the_batch()
    {
        var input = F.LogSoftmax(Random(31, [3, 4]), 1).Detach();
        var target = F.Softmax(Random(32, [3, 4]), 1).Detach();
        foreach (var r in new[] { Reduction.None, Reduction.Sum, Reduction.Mean, Reduction.BatchMean })
        {
            ShouldPassGradCheck(x => F.KlDivLoss(x[0], x[1], r), input.T.Detach(), target.T.Detach());
            ShouldPassGradCheck(x => F.KlDivLoss(x[0], x[1], r, logTarget: true), input, target.Log().Detach());
        }
        var sum = F.KlDivLoss(input, target, Reduction.Sum).Item();
        F.KlDivLoss(input, target, Reduction.BatchMean).Item().ShouldBe(sum / 3, 1e-15);
        F.KlDivLoss(input, target).Item().ShouldBe(sum / 12, 1e-15);
        F.KlDivLoss(input, target.Log(), Reduction.Sum, logTarget: true).Item().ShouldBe(sum, 1e-13);
        // KL(p || p) = 0
        F.KlDivLoss(input, input.Exp(), Reduction.Sum).Item().ShouldBe(0, 1e-14);
    }

    [Fact]
    public void KlDivLoss_zero_target_contributes_zero_with_a_finite_gradient()
    {
        var input = Tensor.FromArray([-1.0, -2.0]).RequireGrad();
        var target = Tensor.FromArray([0.0, 1.0]).RequireGrad();
        var loss = F.KlDivLoss(input, target, Reduction.Sum);
        loss.Item().ShouldBe(0 - 1 * -2.0, 1e-15);
        loss.Backward();
        input.Grad!.ToArray().ShouldBe([0.0, -1.0]);
        target.Grad!.ToArray().ShouldAllBe(v => double.IsFinite(v));
    }

    [Fact]
    public void Losses_in_Float32_agree_with_Float64_to_1e_6()
    {
        var p = Random(33, [4, 3], 0.05, 0.95);
        var y = Random(34, [4, 3], 0, 1);
        var targets = Longs(2, 0, -100, 1);
        var w = Tensor.FromArray([0.5, 1.5, 2.0]);
        Func<Tensor, Tensor, Tensor, Tensor>[] losses =
        [
            (a, b, _) => F.MseLoss(a, b), (a, b, _) => F.L1Loss(a, b), (a, b, _) => F.SmoothL1Loss(a, b, 0.3),
            (a, b, _) => F.HuberLoss(a, b, 0.3), (a, b, _) => F.BinaryCrossEntropy(a, b, reduction: Reduction.Sum),
            (a, b, ww) => F.BinaryCrossEntropyWithLogits(a, b, posWeight: ww),
            (a, _, ww) => F.CrossEntropy(a, targets, ww, labelSmoothing: 0.1),
            (a, b, ww) => F.CrossEntropy(a, b, ww, labelSmoothing: 0.1),
            (a, _, ww) => F.NllLoss(a, targets, ww),
            (a, b, _) => F.KlDivLoss(a, b, Reduction.BatchMean),
        ];
        foreach (var loss in losses)
        {
            var l64 = loss(p, y, w);
            var l32 = loss(p.To(DType.Float32), y.To(DType.Float32), w.To(DType.Float32));
            l32.DType.ShouldBe(DType.Float32);
            l32.Item().ShouldBe(l64.Item(), 1e-6 * Math.Max(1, Math.Abs(l64.Item())));
        }
    }

    [Fact]
    public void Shape_mismatch_errors_name_the_loss_and_both_shapes()
    {
        var a = Tensor.Zeros([3]);
        var b = Tensor.Zeros([3, 1]);
        Func<Tensor>[] calls =
        [
            () => F.MseLoss(a, b, Reduction.Sum), () => F.L1Loss(a, b), () => F.SmoothL1Loss(a, b), () => F.HuberLoss(a, b),
            () => F.BinaryCrossEntropy(a, b, null, Reduction.Sum), () => F.BinaryCrossEntropyWithLogits(a, b, null, null, Reduction.Sum),
            () => F.KlDivLoss(a, b),
        ];
        string[] names = ["MseLoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "BinaryCrossEntropy", "BinaryCrossEntropyWithLogits", "KlDivLoss"];
        for (var i = 0; i < calls.Length; i++)
        {
            var ex = Should.Throw<ArgumentException>(calls[i]);
            ex.Message.ShouldStartWith(names[i] + ":");
            ex.Message.ShouldContain("[3]");
            ex.Message.ShouldContain("[3, 1]");
        }
        var ce = Should.Throw<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros([2, 3]), Tensor.Zeros([2, 4])));
        ce.Message.ShouldStartWith("CrossEntropy:");
        ce.Message.ShouldContain("[2, 4]");
        ce.Message.ShouldContain("[2, 3]");
        var nll = Should.Throw<ArgumentException>(() => F.NllLoss(Tensor.Zeros([2, 3]), Longs(0, 1, 2)));
        nll.Message.ShouldStartWith("NllLoss:");
        nll.Message.ShouldContain("[3]");
        nll.Message.ShouldContain("[2, 3]");
    }

    [Fact]
    public void Class_losses_reject_wrong_target_dtypes_out_of_range_classes_and_bad_weights()
    {
        var logits = Tensor.Zeros([3, 4]);
        var dtype = Should.Throw<ArgumentException>(() => F.NllLoss(logits, Tensor.FromArray([true, false, true])));
        dtype.Message.ShouldStartWith("NllLoss:");
        dtype.Message.ShouldContain("Bool");
        Should.Throw<ArgumentException>(() => F.CrossEntropy(logits, Tensor.FromArray([true, false, true])))
            .Message.ShouldContain("Int64 class indices or floating-point class probabilities");

        var range = Should.Throw<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros([2, 3, 2]), Tensor.FromArray(new long[] { 0, 1, 2, 5 }, 2, 2)));
        range.Message.ShouldStartWith("CrossEntropy:");
        range.Message.ShouldContain("position [1, 1]");
        range.Message.ShouldContain("class 5");
        range.Message.ShouldContain("[0, 3)");
        Should.Throw<ArgumentException>(() => F.NllLoss(logits, Longs(0, -1, 2))).Message.ShouldContain("position [1] is class -1");
        // -100 is ignored by default, but not when another ignoreIndex is given
        F.NllLoss(logits, Longs(0, -100, 2)).Item().ShouldBe(0);
        Should.Throw<ArgumentException>(() => F.NllLoss(logits, Longs(0, -100, 2), ignoreIndex: 1)).Message.ShouldContain("class -100");

        Should.Throw<ArgumentException>(() => F.CrossEntropy(logits, Longs(0, 1, 2), Tensor.Ones([3])))
            .Message.ShouldContain("[4] (one per class)");
        Should.Throw<ArgumentException>(() => F.CrossEntropy(logits, Longs(0, 1, 2), Tensor.Ones([4], DType.Float32)))
            .Message.ShouldContain("Float32");
        Should.Throw<ArgumentException>(() => F.BinaryCrossEntropy(Tensor.Full([2, 3], 0.5), Tensor.Zeros([2, 3]), Tensor.Ones([2])))
            .Message.ShouldContain("weight of shape [2] does not broadcast to the input's shape [2, 3]");
        Should.Throw<ArgumentException>(() => F.BinaryCrossEntropyWithLogits(Tensor.Zeros([2, 3]), Tensor.Zeros([2, 3]), posWeight: Tensor.Ones([4])))
            .Message.ShouldContain("posWeight");
        Should.Throw<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros([4]), Longs(0))).Message.ShouldContain("[N, C]");
        Should.Throw<ArgumentException>(() => F.NllLoss(Tensor.Zeros([2, 3], DType.Int64), Longs(0, 1))).Message.ShouldContain("floating point");
    }

    [Fact]
    public void Option_errors_name_the_loss_and_the_bad_value()
    {
        var a = Tensor.Zeros([2]);
        Should.Throw<ArgumentException>(() => F.MseLoss(a, a, Reduction.BatchMean)).Message.ShouldContain("BatchMean applies only to KlDivLoss");
        Should.Throw<ArgumentOutOfRangeException>(() => F.L1Loss(a, a, (Reduction)17)).Message.ShouldStartWith("L1Loss: unknown reduction");
        Should.Throw<ArgumentOutOfRangeException>(() => F.SmoothL1Loss(a, a, -1)).Message.ShouldContain("beta");
        Should.Throw<ArgumentOutOfRangeException>(() => F.HuberLoss(a, a, 0)).Message.ShouldContain("delta");
        Should.Throw<ArgumentOutOfRangeException>(() => F.CrossEntropy(Tensor.Zeros([1, 2]), Longs(0), labelSmoothing: 1.5))
            .Message.ShouldStartWith("CrossEntropy: labelSmoothing");
        Should.Throw<ArgumentNullException>(() => F.NllLoss(null!, Longs(0)));
    }
}
