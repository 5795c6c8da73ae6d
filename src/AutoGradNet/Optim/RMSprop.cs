using System.Numerics;

namespace AutoGradNet.Optim;

/// <summary>
/// RMSprop (Hinton), PyTorch's <c>torch.optim.RMSprop</c>, with optional L2 weight decay, momentum and centering.
/// Per parameter, with gradient g:
/// <code>
/// g = g + weight_decay * p                             (if weight_decay != 0)
/// v = alpha * v + (1 - alpha) * g * g
/// ḡ = alpha * ḡ + (1 - alpha) * g; d = sqrt(v - ḡ²) + eps   (centered), else d = sqrt(v) + eps
/// b = momentum * b + g / d; p = p - lr * b             (if momentum > 0), else p = p - lr * g / d
/// </code>
/// State: <c>square_avg</c> (v), <c>momentum_buffer</c> when momentum is above 0, <c>grad_avg</c> (ḡ) when centered.
/// </summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>RMSprop over one group of parameters.</summary>
    /// <exception cref="ArgumentException">The list is empty or a hyperparameter is negative.</exception>
    public RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : this(OneGroup(parameters, "RMSprop"), lr, alpha, eps, weightDecay, momentum, centered)
    {
    }

    /// <summary>RMSprop over parameter groups; the arguments are the defaults for hyperparameters a group does not set
    /// (<c>lr</c>, <c>alpha</c>, <c>eps</c>, <c>weight_decay</c>, <c>momentum</c>, <c>centered</c>).</summary>
    /// <exception cref="ArgumentException">The groups hold no parameter, or a hyperparameter is unknown or negative.</exception>
    public RMSprop(IEnumerable<ParameterGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : base("RMSprop", groups, new(StringComparer.Ordinal)
        {
            ["lr"] = lr, ["alpha"] = alpha, ["eps"] = eps, ["weight_decay"] = weightDecay, ["momentum"] = momentum, ["centered"] = centered ? 1 : 0,
        })
    {
    }

    private protected override void Validate(IReadOnlyDictionary<string, double> o, string where)
    {
        NonNegative(o, "lr", where);
        NonNegative(o, "eps", where);
        NonNegative(o, "momentum", where);
        NonNegative(o, "weight_decay", where);
        NonNegative(o, "alpha", where);
        Flag(o, "centered", where);
    }

    private protected override IEnumerable<string> StateNames(IReadOnlyDictionary<string, double> o)
    {
        yield return "square_avg";
        if (o["momentum"] > 0) yield return "momentum_buffer";
        if (o["centered"] == 1) yield return "grad_avg";
    }

    private protected override void Update<T>(Span<T> p, ReadOnlySpan<T> grad, Tensor parameter, ParameterState state, ParameterGroup group)
    {
        double lr = group["lr"], alpha = group["alpha"], eps = group["eps"], wd = group["weight_decay"], momentum = group["momentum"];
        var centered = group["centered"] == 1;
        var squareAvg = state.GetOrCreate("square_avg", parameter).AsSpan<T>();
        var buf = momentum > 0 ? state.GetOrCreate("momentum_buffer", parameter).AsSpan<T>() : default;
        var gradAvg = centered ? state.GetOrCreate("grad_avg", parameter).AsSpan<T>() : default;
        T wdT = Cast<T>(wd), a = Cast<T>(alpha), oneMinusA = Cast<T>(1 - alpha), epsT = Cast<T>(eps);
        T momT = Cast<T>(momentum), negLr = Cast<T>(-lr), minusOne = -T.One;
        for (var i = 0; i < p.Length; i++)
        {
            var g = grad[i];
            if (wd != 0) g += wdT * p[i];
            squareAvg[i] = squareAvg[i] * a + oneMinusA * g * g; // square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
            T avg;
            if (centered)
            {
                gradAvg[i] = gradAvg[i] * a + oneMinusA * g; // grad_avg.mul_(alpha).add_(grad, alpha=1 - alpha)
                avg = T.Sqrt(squareAvg[i] + minusOne * gradAvg[i] * gradAvg[i]); // square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
            }
            else
            {
                avg = T.Sqrt(squareAvg[i]);
            }
            avg += epsT;
            if (momentum > 0)
            {
                buf[i] = buf[i] * momT + g / avg; // buf.mul_(momentum).addcdiv_(grad, avg)
                p[i] += negLr * buf[i];
            }
            else
            {
                p[i] += negLr * (g / avg); // p.addcdiv_(grad, avg, value=-lr)
            }
        }
    }
}
