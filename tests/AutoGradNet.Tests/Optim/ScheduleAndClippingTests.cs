using AutoGradNet.Optim;

namespace AutoGradNet.Tests.Optim;

/// <summary>Learning-rate schedules against their closed forms, and gradient clipping against norms worked by hand.</summary>
public class ScheduleAndClippingTests
{
    private static SGD TwoGroups() => new(
        [new ParameterGroup([Tensor.Zeros(new Shape(1)).RequireGrad()]), new ParameterGroup([Tensor.Zeros(new Shape(1)).RequireGrad()]) { LearningRate = 0.5 }],
        lr: 0.1);

    private static void ShouldFollow(LRScheduler schedule, Func<int, double, double> closedForm, int steps)
    {
        double[] bases = [0.1, 0.5];
        for (var t = 0; t <= steps; t++)
        {
            if (t > 0) schedule.Step();
            schedule.LastEpoch.ShouldBe(t);
            for (var g = 0; g < 2; g++)
            {
                var expected = closedForm(t, bases[g]);
                schedule.Optimizer.ParamGroups[g].LearningRate.ShouldBe(expected, 1e-15 + 1e-14 * Math.Abs(expected), $"step {t}, group {g}");
                schedule.LastLearningRates[g].ShouldBe(schedule.Optimizer.ParamGroups[g].LearningRate);
            }
        }
    }

    [Fact]
    public void StepLR_multiplies_by_gamma_every_step_size_steps() =>
        ShouldFollow(new StepLR(TwoGroups(), stepSize: 3, gamma: 0.5), (t, b) => b * Math.Pow(0.5, t / 3), 10);

    [Fact]
    public void ExponentialLR_multiplies_by_gamma_every_step() =>
        ShouldFollow(new ExponentialLR(TwoGroups(), gamma: 0.9), (t, b) => b * Math.Pow(0.9, t), 10);

    [Fact]
    public void CosineAnnealingLR_follows_the_closed_form() =>
        ShouldFollow(new CosineAnnealingLR(TwoGroups(), tMax: 8, etaMin: 0.01),
            (t, b) => 0.01 + (b - 0.01) * (1 + Math.Cos(Math.PI * t / 8)) / 2, 12);

    [Fact]
    public void LinearLR_ramps_the_factor_then_holds_it() =>
        ShouldFollow(new LinearLR(TwoGroups(), startFactor: 0.25, endFactor: 1.0, totalIters: 4),
            (t, b) => b * (0.25 + 0.75 * Math.Min(t, 4) / 4), 7);

    [Fact]
    public void LinearLR_has_pytorchs_defaults()
    {
        var s = new LinearLR(TwoGroups());
        s.LastLearningRates[0].ShouldBe(0.1 / 3, 1e-17);
        for (var i = 0; i < 5; i++) s.Step();
        s.LastLearningRates[0].ShouldBe(0.1, 1e-17);
    }

    [Theory]
    [InlineData(AnnealStrategy.Cos)]
    [InlineData(AnnealStrategy.Linear)]
    public void OneCycleLR_warms_up_to_max_lr_then_anneals_to_the_minimum(AnnealStrategy strategy)
    {
        const double maxLr = 1.0;
        const int total = 10;
        var initial = maxLr / 25;
        var min = initial / 1e4;
        var peak = 0.3 * total - 1; // step 2
        double Anneal(double start, double end, double pct) => strategy == AnnealStrategy.Cos
            ? end + (start - end) / 2 * (1 + Math.Cos(Math.PI * pct))
            : start + (end - start) * pct;
        ShouldFollow(new OneCycleLR(TwoGroups(), maxLr, total, annealStrategy: strategy),
            (t, _) => t <= peak ? Anneal(initial, maxLr, t / peak) : Anneal(maxLr, min, (t - peak) / (total - 1 - peak)), total - 1);
    }

    [Fact]
    public void OneCycleLR_reaches_its_end_points_and_refuses_to_step_past_its_length()
    {
        var s = new OneCycleLR(TwoGroups(), maxLr: 0.4, totalSteps: 5, pctStart: 0.6);
        s.LastLearningRates[0].ShouldBe(0.4 / 25, 1e-16);
        s.Step();
        s.Step();
        s.LastLearningRates[0].ShouldBe(0.4, 1e-16);
        s.Step();
        s.Step();
        s.LastLearningRates[1].ShouldBe(0.4 / 25 / 1e4, 1e-18);
        s.Step(); // PyTorch allows step == totalSteps
        Should.Throw<InvalidOperationException>(s.Step).Message.ShouldStartWith("OneCycleLR.Step: tried to step 6 times, but the schedule has 5 steps");
    }

    [Fact]
    public void A_schedule_state_round_trip_resumes_at_the_same_step()
    {
        var s = new CosineAnnealingLR(TwoGroups(), tMax: 10);
        for (var i = 0; i < 4; i++) s.Step();
        var state = s.StateDict();
        state["last_epoch"].Item().ShouldBe(4);
        var resumed = new CosineAnnealingLR(TwoGroups(), tMax: 10);
        resumed.LoadStateDict(state);
        resumed.LastEpoch.ShouldBe(4);
        resumed.Optimizer.ParamGroups[1].LearningRate.ShouldBe(s.Optimizer.ParamGroups[1].LearningRate);
        state["surplus"] = Tensor.Scalar(1);
        Should.Throw<ArgumentException>(() => resumed.LoadStateDict(state)).Message.ShouldContain("unexpected key 'surplus'");
    }

    [Fact]
    public void Schedule_arguments_are_checked()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new StepLR(TwoGroups(), 0)).Message.ShouldStartWith("StepLR: stepSize");
        Should.Throw<ArgumentOutOfRangeException>(() => new LinearLR(TwoGroups(), startFactor: 0)).Message.ShouldStartWith("LinearLR: startFactor");
        Should.Throw<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(TwoGroups(), 0)).Message.ShouldStartWith("CosineAnnealingLR: tMax");
        Should.Throw<ArgumentOutOfRangeException>(() => new OneCycleLR(TwoGroups(), 1, 10, pctStart: 1.5)).Message.ShouldStartWith("OneCycleLR: pctStart");
    }

    private static Tensor[] WithGrads(DType dtype, params double[][] grads) =>
        [.. grads.Select(g =>
        {
            var p = Tensor.Zeros(new Shape(g.Length), dtype).RequireGrad();
            p.Grad = Tensor.FromArray(g, g.Length).ConvertedTo(dtype);
            return p;
        })];

    [Theory]
    [InlineData(1.0, 3 + 4 + 12 + 0.0)] // |3| + |-4| + |12|
    [InlineData(2.0, 13.0)] // sqrt(9 + 16 + 144)
    [InlineData(double.PositiveInfinity, 12.0)]
    [InlineData(3.0, 12.90591016)] // (27 + 64 + 1728)^(1/3) = 1819^(1/3)
    public void ClipGradNorm_returns_the_total_norm_and_scales_by_max_over_total(double p, double total)
    {
        if (p == 3) total = Math.Cbrt(1819);
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var ps = WithGrads(dtype, [3.0, -4.0], [12.0], []);
            var norm = GradientClipping.ClipGradNorm([.. ps, Tensor.Zeros(new Shape(2)).RequireGrad()], maxNorm: 2, normType: p);
            norm.ShouldBe(total, 1e-12 * total);
            var scale = 2 / (total + 1e-6);
            var tol = dtype == DType.Float64 ? 1e-15 : 1e-6;
            ps[0].Grad!.ToArray().ShouldBe([3 * scale, -4 * scale], tol);
            ps[1].Grad!.ToArray().ShouldBe([12 * scale], tol);
        }
    }

    [Fact]
    public void ClipGradNorm_leaves_gradients_below_the_limit_alone_and_returns_0_without_gradients()
    {
        var ps = WithGrads(DType.Float64, [0.3, -0.4]);
        GradientClipping.ClipGradNorm(ps, maxNorm: 1).ShouldBe(0.5, 1e-16);
        ps[0].Grad!.ToArray().ShouldBe([0.3, -0.4]);
        GradientClipping.ClipGradNorm([Tensor.Zeros(new Shape(2)).RequireGrad()], 1).ShouldBe(0);
    }

    [Fact]
    public void ClipGradNorm_reports_a_non_finite_norm_when_asked()
    {
        var ps = WithGrads(DType.Float64, [double.NaN, 1]);
        GradientClipping.ClipGradNorm(ps, 1).ShouldBe(double.NaN);
        Should.Throw<InvalidOperationException>(() => GradientClipping.ClipGradNorm(WithGrads(DType.Float64, [double.PositiveInfinity]), 1, errorIfNonfinite: true))
            .Message.ShouldStartWith("ClipGradNorm: the total 2-norm of the gradients is Infinity");
        Should.Throw<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm(ps, 1, normType: 0)).Message.ShouldStartWith("ClipGradNorm: normType");
        Should.Throw<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm(ps, -1)).Message.ShouldStartWith("ClipGradNorm: maxNorm");
    }

    [Fact]
    public void ClipGradValue_clamps_each_element_in_place_through_strides()
    {
        var ps = WithGrads(DType.Float32, [3.0, -0.5, -7.0]);
        var strided = TestData.Random(2, [2, 3]).RequireGrad();
        strided.Grad = Tensor.FromArray([5.0, -5.0, 0.1, 2.0, -0.2, -9.0], 3, 2).T;
        GradientClipping.ClipGradValue([.. ps, strided, Tensor.Zeros(new Shape(1)).RequireGrad()], 1.0);
        ps[0].Grad!.ToArray().ShouldBe([1.0, -0.5, -1.0]);
        strided.Grad.ToArray().ShouldBe([1.0, 0.1, -0.2, -1.0, 1.0, -1.0]);
        Should.Throw<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradValue(ps, -1)).Message.ShouldStartWith("ClipGradValue: clipValue");
    }
}
