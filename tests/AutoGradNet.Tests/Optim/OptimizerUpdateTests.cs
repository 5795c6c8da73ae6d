using AutoGradNet.Optim;
using static AutoGradNet.Tests.Optim.OptimizerTestSupport;

namespace AutoGradNet.Tests.Optim;

/// <summary>Every optimizer against its update rule, computed by hand in the test from the formula in PyTorch's docs.</summary>
public class OptimizerUpdateTests
{
    private const int Steps = 5;

    public static TheoryData<DType, double, double, double, bool> SgdCases()
    {
        var data = new TheoryData<DType, double, double, double, bool>();
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            data.Add(dtype, 0, 0, 0, false);
            data.Add(dtype, 0, 0, 0.1, false);
            data.Add(dtype, 0.9, 0, 0, false);
            data.Add(dtype, 0.9, 0.25, 0.05, false);
            data.Add(dtype, 0.8, 0, 0, true);
            data.Add(dtype, 0.8, 0, 0.1, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SgdCases))]
    public void Sgd_matches_its_update_rule(DType dtype, double momentum, double dampening, double wd, bool nesterov)
    {
        const double lr = 0.05;
        var actual = Run(dtype, Steps, p => new SGD([p], lr, momentum, dampening, nesterov, wd));
        var buf = Zeros();
        var expected = ByHand(Steps, (p, g, t) =>
        {
            var next = new double[p.Length];
            for (var i = 0; i < p.Length; i++)
            {
                var gi = g[i] + wd * p[i];
                if (momentum != 0)
                {
                    buf[i] = t == 1 ? gi : momentum * buf[i] + (1 - dampening) * gi;
                    gi = nesterov ? gi + momentum * buf[i] : buf[i];
                }
                next[i] = p[i] - lr * gi;
            }
            return next;
        });
        ShouldMatch(actual, expected, dtype);
    }

    public static TheoryData<DType, double, bool> AdamCases()
    {
        var data = new TheoryData<DType, double, bool>();
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            foreach (var wd in new[] { 0.0, 0.1 })
            {
                data.Add(dtype, wd, false);
                data.Add(dtype, wd, true);
            }
        }
        return data;
    }

    /// <summary>Adam's and AdamW's rule by hand: the only difference is where weight decay enters.</summary>
    private static double[] AdamReference(double lr, double b1, double b2, double eps, double wd, bool amsgrad, bool decoupled)
    {
        double[] m = Zeros(), v = Zeros(), vmax = Zeros();
        return ByHand(Steps, (p, g, t) =>
        {
            var next = new double[p.Length];
            for (var i = 0; i < p.Length; i++)
            {
                var pi = p[i];
                var gi = g[i];
                if (decoupled) pi *= 1 - lr * wd;
                else gi += wd * pi;
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                vmax[i] = Math.Max(vmax[i], v[i]);
                var mHat = m[i] / (1 - Math.Pow(b1, t));
                var vHat = (amsgrad ? vmax[i] : v[i]) / (1 - Math.Pow(b2, t));
                // torch's arithmetic: eps is added after dividing sqrt(v) by sqrt(1 - beta2^t), as sqrt(vHat) + eps.
                next[i] = pi - lr * mHat / (Math.Sqrt(vHat) + eps);
            }
            return next;
        });
    }

    [Theory]
    [MemberData(nameof(AdamCases))]
    public void Adam_matches_its_update_rule_with_l2_weight_decay_in_the_gradient(DType dtype, double wd, bool amsgrad)
    {
        var actual = Run(dtype, Steps, p => new Adam([p], lr: 0.1, betas: (0.8, 0.95), eps: 1e-6, weightDecay: wd, amsgrad: amsgrad));
        ShouldMatch(actual, AdamReference(0.1, 0.8, 0.95, 1e-6, wd, amsgrad, decoupled: false), dtype);
    }

    [Theory]
    [MemberData(nameof(AdamCases))]
    public void AdamW_matches_its_update_rule_with_decoupled_weight_decay(DType dtype, double wd, bool amsgrad)
    {
        var actual = Run(dtype, Steps, p => new AdamW([p], lr: 0.1, betas: (0.8, 0.95), eps: 1e-6, weightDecay: wd, amsgrad: amsgrad));
        ShouldMatch(actual, AdamReference(0.1, 0.8, 0.95, 1e-6, wd, amsgrad, decoupled: true), dtype);
    }

    [Fact]
    public void Adam_defaults_are_pytorchs_and_adamw_defaults_to_weight_decay_0_01()
    {
        var p = Parameter([1.0], DType.Float64);
        var adam = new Adam([p]);
        adam.ParamGroups[0].Options.ShouldBe(new Dictionary<string, double>
        {
            ["lr"] = 1e-3, ["beta1"] = 0.9, ["beta2"] = 0.999, ["eps"] = 1e-8, ["weight_decay"] = 0, ["amsgrad"] = 0,
        }, ignoreOrder: true);
        new AdamW([Parameter([1.0], DType.Float64)]).ParamGroups[0].WeightDecay.ShouldBe(1e-2);
        var actual = Run(DType.Float64, Steps, q => new Adam([q]));
        ShouldMatch(actual, AdamReference(1e-3, 0.9, 0.999, 1e-8, 0, false, false), DType.Float64);
    }

    public static TheoryData<DType, double, double, bool> RmspropCases()
    {
        var data = new TheoryData<DType, double, double, bool>();
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            data.Add(dtype, 0, 0, false);
            data.Add(dtype, 0.1, 0, false);
            data.Add(dtype, 0, 0.9, false);
            data.Add(dtype, 0, 0, true);
            data.Add(dtype, 0.05, 0.7, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RmspropCases))]
    public void Rmsprop_matches_its_update_rule(DType dtype, double wd, double momentum, bool centered)
    {
        const double lr = 0.01, alpha = 0.9, eps = 1e-6;
        var actual = Run(dtype, Steps, p => new RMSprop([p], lr, alpha, eps, wd, momentum, centered));
        double[] v = Zeros(), gAvg = Zeros(), buf = Zeros();
        var expected = ByHand(Steps, (p, g, t) =>
        {
            var next = new double[p.Length];
            for (var i = 0; i < p.Length; i++)
            {
                var gi = g[i] + wd * p[i];
                v[i] = alpha * v[i] + (1 - alpha) * gi * gi;
                var vTilde = v[i];
                if (centered)
                {
                    gAvg[i] = alpha * gAvg[i] + (1 - alpha) * gi;
                    vTilde -= gAvg[i] * gAvg[i];
                }
                var denom = Math.Sqrt(vTilde) + eps;
                if (momentum > 0)
                {
                    buf[i] = momentum * buf[i] + gi / denom;
                    next[i] = p[i] - lr * buf[i];
                }
                else
                {
                    next[i] = p[i] - lr * gi / denom;
                }
            }
            return next;
        });
        ShouldMatch(actual, expected, dtype);
    }

    public static TheoryData<DType, double, double, double> AdagradCases()
    {
        var data = new TheoryData<DType, double, double, double>();
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            data.Add(dtype, 0, 0, 0);
            data.Add(dtype, 0.1, 0, 0);
            data.Add(dtype, 0, 0.2, 0);
            data.Add(dtype, 0.05, 0.1, 0.5);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AdagradCases))]
    public void Adagrad_matches_its_update_rule_with_lr_decay(DType dtype, double lrDecay, double wd, double initial)
    {
        const double lr = 0.1, eps = 1e-10;
        var actual = Run(dtype, Steps, p => new Adagrad([p], lr, lrDecay, wd, initial, eps));
        var sum = Enumerable.Repeat(initial, Initial.Length).ToArray();
        var expected = ByHand(Steps, (p, g, t) =>
        {
            var clr = lr / (1 + (t - 1) * lrDecay);
            var next = new double[p.Length];
            for (var i = 0; i < p.Length; i++)
            {
                var gi = g[i] + wd * p[i];
                sum[i] += gi * gi;
                next[i] = p[i] - clr * gi / (Math.Sqrt(sum[i]) + eps);
            }
            return next;
        });
        ShouldMatch(actual, expected, dtype);
    }

    [Fact]
    public void Adam_first_step_moves_each_coordinate_by_about_lr_against_the_gradient_sign()
    {
        // t = 1: m̂ = g and v̂ = g², so the step is lr * g / (|g| + eps): a hand-checkable special case.
        var p = Parameter([1.0, -2.0, 3.0], DType.Float64);
        p.Grad = Tensor.FromArray([4.0, -0.5, 1e-3], 3);
        new Adam([p], lr: 0.1, eps: 1e-8).Step();
        var expected = new[] { 1 - 0.1 * 4 / (4 + 1e-8), -2 + 0.1 * 0.5 / (0.5 + 1e-8), 3 - 0.1 * 1e-3 / (1e-3 + 1e-8) };
        ShouldMatch(p.ToArray(), expected, DType.Float64);
    }
}
