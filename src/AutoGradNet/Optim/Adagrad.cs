using System.Numerics;

namespace AutoGradNet.Optim;

/// <summary>
/// Adagrad (Duchi et al.), PyTorch's <c>torch.optim.Adagrad</c>, with learning-rate decay and L2 weight decay.
/// Per parameter, with gradient g at step t:
/// <code>
/// g = g + weight_decay * p                  (if weight_decay != 0)
/// clr = lr / (1 + (t - 1) * lr_decay)
/// s = s + g * g                             (s starts at initial_accumulator_value)
/// p = p - clr * g / (sqrt(s) + eps)
/// </code>
/// State: <c>sum</c> (s).
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Adagrad over one group of parameters.</summary>
    /// <exception cref="ArgumentException">The list is empty or a hyperparameter is negative.</exception>
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10)
        : this(OneGroup(parameters, "Adagrad"), lr, lrDecay, weightDecay, initialAccumulatorValue, eps)
    {
    }

    /// <summary>Adagrad over parameter groups; the arguments are the defaults for hyperparameters a group does not set
    /// (<c>lr</c>, <c>lr_decay</c>, <c>weight_decay</c>, <c>initial_accumulator_value</c>, <c>eps</c>).</summary>
    /// <exception cref="ArgumentException">The groups hold no parameter, or a hyperparameter is unknown or negative.</exception>
    public Adagrad(IEnumerable<ParameterGroup> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10)
        : base("Adagrad", groups, new(StringComparer.Ordinal)
        {
            ["lr"] = lr, ["lr_decay"] = lrDecay, ["weight_decay"] = weightDecay, ["initial_accumulator_value"] = initialAccumulatorValue, ["eps"] = eps,
        })
    {
    }

    private protected override void Validate(IReadOnlyDictionary<string, double> o, string where)
    {
        NonNegative(o, "lr", where);
        NonNegative(o, "lr_decay", where);
        NonNegative(o, "weight_decay", where);
        NonNegative(o, "initial_accumulator_value", where);
        NonNegative(o, "eps", where);
    }

    private protected override IEnumerable<string> StateNames(IReadOnlyDictionary<string, double> o) => ["sum"];

    private protected override void Update<T>(Span<T> p, ReadOnlySpan<T> grad, Tensor parameter, ParameterState state, ParameterGroup group)
    {
        double lr = group["lr"], lrDecay = group["lr_decay"], wd = group["weight_decay"], eps = group["eps"];
        var sum = state.GetOrCreate("sum", parameter, group["initial_accumulator_value"]).AsSpan<T>();
        var clr = lr / (1 + (state.Step - 1) * lrDecay);
        T wdT = Cast<T>(wd), epsT = Cast<T>(eps), negClr = Cast<T>(-clr);
        for (var i = 0; i < p.Length; i++)
        {
            var g = grad[i];
            if (wd != 0) g += wdT * p[i];
            sum[i] += g * g; // state_sum.addcmul_(grad, grad, value=1)
            var std = T.Sqrt(sum[i]) + epsT;
            p[i] += negClr * (g / std); // p.addcdiv_(grad, std, value=-clr)
        }
    }
}
