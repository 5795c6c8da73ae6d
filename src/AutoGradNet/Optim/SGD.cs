using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGradNet.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay, PyTorch's
/// <c>torch.optim.SGD</c>. Per parameter, with gradient g and step t:
/// <code>
/// g = g + weight_decay * p                        (if weight_decay != 0)
/// b = g (t = 1), else b = momentum * b + (1 - dampening) * g   (if momentum != 0)
/// g = g + momentum * b (nesterov), else g = b     (if momentum != 0)
/// p = p - lr * g
/// </code>
/// State: <c>momentum_buffer</c> when momentum is not 0.
/// </summary>
public sealed class SGD : Optimizer
{
    /// <summary>SGD over one group of parameters.</summary>
    /// <exception cref="ArgumentException">The list is empty, a hyperparameter is negative, or Nesterov is asked for without momentum or with dampening.</exception>
    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, bool nesterov = false, double weightDecay = 0)
        : this(OneGroup(parameters, "SGD"), lr, momentum, dampening, nesterov, weightDecay)
    {
    }

    /// <summary>SGD over parameter groups; the arguments are the defaults for hyperparameters a group does not set.</summary>
    /// <exception cref="ArgumentException">The groups hold no parameter, a hyperparameter is negative or unknown, or Nesterov is asked for without momentum or with dampening.</exception>
    public SGD(IEnumerable<ParameterGroup> groups, double lr, double momentum = 0, double dampening = 0, bool nesterov = false, double weightDecay = 0)
        : base("SGD", groups, new(StringComparer.Ordinal)
        {
            ["lr"] = lr, ["momentum"] = momentum, ["dampening"] = dampening, ["nesterov"] = nesterov ? 1 : 0, ["weight_decay"] = weightDecay,
        })
    {
    }

    private protected override void Validate(IReadOnlyDictionary<string, double> o, string where)
    {
        NonNegative(o, "lr", where);
        NonNegative(o, "momentum", where);
        NonNegative(o, "weight_decay", where);
        if (!double.IsFinite(o["dampening"])) throw new ArgumentException($"SGD: invalid dampening {Format(o["dampening"])} in {where}.");
        Flag(o, "nesterov", where);
        if (o["nesterov"] == 1 && (o["momentum"] <= 0 || o["dampening"] != 0))
            throw new ArgumentException($"SGD: Nesterov momentum requires a momentum > 0 and zero dampening ({where} has momentum {Format(o["momentum"])}, dampening {Format(o["dampening"])}).");
    }

    private protected override IEnumerable<string> StateNames(IReadOnlyDictionary<string, double> o) =>
        o["momentum"] != 0 ? ["momentum_buffer"] : [];

    private protected override void Update<T>(Span<T> p, ReadOnlySpan<T> grad, Tensor parameter, ParameterState state, ParameterGroup group)
    {
        double lr = group["lr"], momentum = group["momentum"], dampening = group["dampening"], wd = group["weight_decay"];
        var nesterov = group["nesterov"] == 1;
        var wdT = Cast<T>(wd);
        var negLr = Cast<T>(-lr);
        var momT = Cast<T>(momentum);
        var keep = Cast<T>(1 - dampening);
        Span<T> buf = default;
        var first = false;
        if (momentum != 0)
        {
            first = !state.TryGet("momentum_buffer", out var b);
            buf = (first ? state.GetOrCreate("momentum_buffer", parameter) : b).AsSpan<T>();
        }
        // Whole-array SIMD passes, each rounding exactly as the formula in the class comment reads.
        T[]? scratch = null;
        ReadOnlySpan<T> g = grad;
        if (wd != 0)
        {
            scratch = ArrayPool<T>.Shared.Rent(p.Length);
            var decayed = scratch.AsSpan(0, p.Length);
            TensorPrimitives.MultiplyAdd(p, wdT, grad, decayed); // g + weight_decay·p
            g = decayed;
        }
        if (momentum != 0)
        {
            if (first)
            {
                g.CopyTo(buf);
            }
            else
            {
                TensorPrimitives.Multiply(buf, momT, buf);
                TensorPrimitives.MultiplyAdd(g, keep, buf, buf); // momentum·b + (1 − dampening)·g
            }
            if (nesterov)
            {
                scratch ??= ArrayPool<T>.Shared.Rent(p.Length);
                var ahead = scratch.AsSpan(0, p.Length);
                TensorPrimitives.MultiplyAdd(buf, momT, g, ahead); // g + momentum·b
                g = ahead;
            }
            else
            {
                g = buf;
            }
        }
        TensorPrimitives.MultiplyAdd(g, negLr, p, p); // p − lr·g
        if (scratch is not null) ArrayPool<T>.Shared.Return(scratch);
    }
}
