using System.Globalization;

namespace AutoGradNet.Optim;

/// <summary>
/// A list of parameters that share hyperparameters, like an entry of PyTorch's <c>param_groups</c>. Hyperparameters
/// are named as in PyTorch (<c>lr</c>, <c>momentum</c>, <c>weight_decay</c>, <c>beta1</c>, <c>beta2</c>, <c>eps</c>,
/// <c>amsgrad</c>, ...; flags are 0 or 1). Set the ones this group overrides before the optimizer is built
/// (<c>new ParameterGroup(ps) { LearningRate = 0.1 }</c> or <c>{ ["momentum"] = 0.9 }</c>); the optimizer fills in
/// its defaults for the rest. Schedulers change <see cref="LearningRate"/> between steps.
/// </summary>
public sealed class ParameterGroup
{
    private readonly Dictionary<string, double> _options = new(StringComparer.Ordinal);
    private readonly Tensor[] _parameters;

    /// <summary>A group of the given parameters (the list is copied; the tensors are not).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    public ParameterGroup(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = [.. parameters];
    }

    /// <summary>The parameters, in the order given.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>The hyperparameters set so far (all of the optimizer's, once the group belongs to one).</summary>
    public IReadOnlyDictionary<string, double> Options => _options;

    /// <summary>The optimizer this group belongs to, once one took it.</summary>
    internal Optimizer? Owner { get; set; }

    /// <summary>A hyperparameter by its PyTorch name.</summary>
    /// <exception cref="KeyNotFoundException">Read before it was set, or set, once the group belongs to an optimizer, to a name that optimizer does not have.</exception>
    public double this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            return _options.TryGetValue(name, out var v)
                ? v
                : throw new KeyNotFoundException($"ParameterGroup: no hyperparameter '{name}'; this group has {Describe()}.");
        }
        set
        {
            ArgumentNullException.ThrowIfNull(name);
            if (Owner is not null && !_options.ContainsKey(name))
            {
                throw new KeyNotFoundException(
                    $"ParameterGroup: {Owner.Name} has no hyperparameter '{name}'; its groups have {Describe()}.");
            }
            _options[name] = value;
        }
    }

    /// <summary>The learning rate, <c>lr</c>.</summary>
    public double LearningRate
    {
        get => this["lr"];
        set => this["lr"] = value;
    }

    /// <summary>The weight decay, <c>weight_decay</c>.</summary>
    public double WeightDecay
    {
        get => this["weight_decay"];
        set => this["weight_decay"] = value;
    }

    /// <summary>Whether the hyperparameter is set.</summary>
    public bool Has(string name) => _options.ContainsKey(name);

    internal void SetDefault(string name, double value) => _options.TryAdd(name, value);

    internal void ReplaceOptions(IReadOnlyDictionary<string, double> options)
    {
        foreach (var (k, v) in options) _options[k] = v;
    }

    private string Describe() => _options.Count == 0
        ? "none set"
        : string.Join(", ", _options.Keys.Order(StringComparer.Ordinal).Select(k => string.Create(CultureInfo.InvariantCulture, $"{k}={_options[k]}")));
}
