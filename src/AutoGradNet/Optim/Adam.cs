using System.Numerics;

namespace AutoGradNet.Optim;

/// <summary>
/// Adam (Kingma and Ba), PyTorch's <c>torch.optim.Adam</c>, with optional L2 weight decay (added to the gradient)
/// and AMSGrad. Per parameter, with gradient g at step t:
/// <code>
/// g = g + weight_decay * p                  (if weight_decay != 0)
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g * g
/// vmax = max(vmax, v); v̂ = vmax (amsgrad), else v̂ = v
/// p = p - lr / (1 - beta1^t) * m / (sqrt(v̂) / sqrt(1 - beta2^t) + eps)
/// </code>
/// in PyTorch's order of operations. State: <c>exp_avg</c> (m), <c>exp_avg_sq</c> (v), and <c>max_exp_avg_sq</c> with AMSGrad.
/// </summary>
public class Adam : Optimizer
{
    /// <summary>Adam over one group of parameters; <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
    /// <exception cref="ArgumentException">The list is empty, lr, eps or weight decay is negative, or a beta is outside [0, 1).</exception>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : this(OneGroup(parameters, "Adam"), lr, betas, eps, weightDecay, amsgrad)
    {
    }

    /// <summary>Adam over parameter groups; the arguments are the defaults for hyperparameters a group does not set
    /// (<c>lr</c>, <c>beta1</c>, <c>beta2</c>, <c>eps</c>, <c>weight_decay</c>, <c>amsgrad</c>).</summary>
    /// <exception cref="ArgumentException">The groups hold no parameter, or a hyperparameter is unknown or out of range.</exception>
    public Adam(IEnumerable<ParameterGroup> groups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : this("Adam", groups, lr, betas, eps, weightDecay, amsgrad)
    {
    }

    private protected Adam(string name, IEnumerable<ParameterGroup> groups, double lr, (double Beta1, double Beta2)? betas, double eps, double weightDecay, bool amsgrad)
        : base(name, groups, new(StringComparer.Ordinal)
        {
            ["lr"] = lr, ["beta1"] = (betas ?? (0.9, 0.999)).Beta1, ["beta2"] = (betas ?? (0.9, 0.999)).Beta2, ["eps"] = eps,
            ["weight_decay"] = weightDecay, ["amsgrad"] = amsgrad ? 1 : 0,
        })
    {
    }

    /// <summary>Whether weight decay shrinks the parameter directly (AdamW) rather than entering the gradient.</summary>
    private protected virtual bool DecoupledWeightDecay => false;

    private protected override void Validate(IReadOnlyDictionary<string, double> o, string where)
    {
        NonNegative(o, "lr", where);
        NonNegative(o, "eps", where);
        UnitInterval(o, "beta1", where);
        UnitInterval(o, "beta2", where);
        NonNegative(o, "weight_decay", where);
        Flag(o, "amsgrad", where);
    }

    private protected override IEnumerable<string> StateNames(IReadOnlyDictionary<string, double> o) =>
        o["amsgrad"] == 1 ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"];

    private protected override void Update<T>(Span<T> p, ReadOnlySpan<T> grad, Tensor parameter, ParameterState state, ParameterGroup group)
    {
        double lr = group["lr"], beta1 = group["beta1"], beta2 = group["beta2"], eps = group["eps"], wd = group["weight_decay"];
        var amsgrad = group["amsgrad"] == 1;
        var m = state.GetOrCreate("exp_avg", parameter).AsSpan<T>();
        var v = state.GetOrCreate("exp_avg_sq", parameter).AsSpan<T>();
        var vmax = amsgrad ? state.GetOrCreate("max_exp_avg_sq", parameter).AsSpan<T>() : default;

        // Python scalars, in double, as torch computes them.
        double step = state.Step;
        var biasCorrection1 = 1 - Math.Pow(beta1, step);
        var biasCorrection2 = 1 - Math.Pow(beta2, step);
        var stepSize = lr / biasCorrection1;
        var biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);

        var decay = Cast<T>(1 - lr * wd);
        var wdT = Cast<T>(wd);
        T b1 = Cast<T>(beta1), oneMinusB1 = Cast<T>(1 - beta1), b2 = Cast<T>(beta2), oneMinusB2 = Cast<T>(1 - beta2);
        T bc2Sqrt = Cast<T>(biasCorrection2Sqrt), epsT = Cast<T>(eps), negStepSize = Cast<T>(-stepSize);
        var decoupled = DecoupledWeightDecay;
        for (var i = 0; i < p.Length; i++)
        {
            var g = grad[i];
            if (wd != 0)
            {
                if (decoupled) p[i] *= decay; // p.mul_(1 - lr * weight_decay)
                else g += wdT * p[i]; // grad.add(p, alpha=weight_decay)
            }
            m[i] = m[i] * b1 + oneMinusB1 * g; // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
            v[i] = v[i] * b2 + oneMinusB2 * g * g; // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            var second = v[i];
            if (amsgrad)
            {
                vmax[i] = T.Max(vmax[i], v[i]); // torch.maximum: NaN propagates
                second = vmax[i];
            }
            var denom = T.Sqrt(second) / bc2Sqrt + epsT; // (v.sqrt() / bias_correction2_sqrt).add_(eps)
            p[i] += negStepSize * (m[i] / denom); // p.addcdiv_(exp_avg, denom, value=-step_size)
        }
    }
}
