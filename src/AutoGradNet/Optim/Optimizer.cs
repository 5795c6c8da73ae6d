using System.Globalization;
using System.Numerics;

namespace AutoGradNet.Optim;

/// <summary>
/// The base of the optimizers: parameter groups with their own hyperparameters, per-parameter state, <see cref="Step"/>,
/// <see cref="ZeroGrad"/>, and a state dictionary for checkpoints. Like <c>torch.optim.Optimizer</c>, every update runs
/// under <see cref="Tensor.NoGrad"/> and writes the parameters in place (they stay the same leaf tensors), and
/// parameters whose <see cref="Tensor.Grad"/> is null are skipped.
/// </summary>
public abstract class Optimizer
{
    private readonly List<ParameterGroup> _groups = [];
    private readonly List<ParameterState?[]> _states = [];
    private readonly Dictionary<string, double> _defaults;

    private protected Optimizer(string name, IEnumerable<ParameterGroup> groups, Dictionary<string, double> defaults)
    {
        Name = name;
        _defaults = defaults;
        if (groups is null) throw new ArgumentNullException(nameof(groups), $"{name}: the parameter groups are null.");
        Validate(defaults, "the defaults");
        foreach (var g in groups) AddParamGroup(g);
        if (_groups.Count == 0 || _groups.All(g => g.Parameters.Count == 0))
            throw new ArgumentException($"{name}: got an empty parameter list; pass the parameters to optimize (for example model.Parameters()).");
    }

    /// <summary>The optimizer's name (<c>"Adam"</c>), used in error messages.</summary>
    public string Name { get; }

    /// <summary>The parameter groups, in order.</summary>
    public IReadOnlyList<ParameterGroup> ParamGroups => _groups;

    /// <summary>The hyperparameters a group gets when it does not set them.</summary>
    public IReadOnlyDictionary<string, double> Defaults => _defaults;

    /// <summary>
    /// Adds a group: its unset hyperparameters take <see cref="Defaults"/>; its parameters must be floating-point leaves
    /// that no other group holds (PyTorch's rules).
    /// </summary>
    /// <exception cref="ArgumentException">A parameter is null, not a floating-point leaf, or already in a group; a hyperparameter is unknown or out of range.</exception>
    public void AddParamGroup(ParameterGroup group)
    {
        if (group is null) throw new ArgumentNullException(nameof(group), $"{Name}: a parameter group is null.");
        if (group.Owner is not null) throw new ArgumentException($"{Name}: this parameter group already belongs to {group.Owner.Name}; create a new ParameterGroup.");
        var where = $"parameter group {_groups.Count}";
        foreach (var key in group.Options.Keys)
        {
            if (!_defaults.ContainsKey(key))
            {
                throw new ArgumentException(
                    $"{Name}: {where} sets '{key}', which is not a hyperparameter of {Name} (it has {string.Join(", ", _defaults.Keys)}).");
            }
        }
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < group.Parameters.Count; i++)
        {
            var p = group.Parameters[i];
            if (p is null) throw new ArgumentException($"{Name}: parameter {i} of {where} is null.");
            if (!p.DType.IsFloatingPoint())
                throw new ArgumentException($"{Name}: parameter {i} of {where} (shape {p.Shape}) is {p.DType}; only Float32 and Float64 tensors can be optimized.");
            if (!p.IsLeaf)
                throw new ArgumentException($"{Name}: parameter {i} of {where} (shape {p.Shape}) was produced by {p.GradFn!.Name}; only leaf tensors can be optimized (Detach() it and set RequiresGrad).");
            if (!seen.Add(p) || _groups.Any(g => g.Parameters.Any(q => ReferenceEquals(q, p))))
                throw new ArgumentException($"{Name}: parameter {i} of {where} (shape {p.Shape}) appears more than once; a parameter can be in one group only, once.");
        }
        var merged = new Dictionary<string, double>(_defaults, StringComparer.Ordinal);
        foreach (var (k, v) in group.Options) merged[k] = v;
        Validate(merged, where);
        group.ReplaceOptions(merged);
        group.Owner = this;
        _groups.Add(group);
        _states.Add(new ParameterState?[group.Parameters.Count]);
    }

    /// <summary>The state of a parameter, or null before its first update.</summary>
    public ParameterState? GetState(Tensor parameter)
    {
        for (var g = 0; g < _groups.Count; g++)
        {
            for (var i = 0; i < _groups[g].Parameters.Count; i++)
            {
                if (ReferenceEquals(_groups[g].Parameters[i], parameter)) return _states[g][i];
            }
        }
        return null;
    }

    /// <summary>Clears every parameter's gradient: sets it to null (the default), or fills it with zeros in place.</summary>
    public void ZeroGrad(bool setToNull = true)
    {
        foreach (var g in _groups)
        {
            foreach (var p in g.Parameters) p.ZeroGrad(setToNull);
        }
    }

    /// <summary>
    /// Applies one update to every parameter that has a gradient, with its group's current hyperparameters, in place
    /// and without recording.
    /// </summary>
    public void Step()
    {
        using var _ = Tensor.NoGrad();
        for (var gi = 0; gi < _groups.Count; gi++)
        {
            var group = _groups[gi];
            for (var i = 0; i < group.Parameters.Count; i++)
            {
                var p = group.Parameters[i];
                var grad = p.Grad;
                if (grad is null) continue;
                var state = _states[gi][i] ??= new ParameterState();
                state.Step++;
                var work = p.IsContiguous ? p : p.Clone();
                if (p.DType == DType.Float64) Update(work.AsSpan<double>(), grad.Dense<double>(), p, state, group);
                else Update(work.AsSpan<float>(), grad.Dense<float>(), p, state, group);
                if (ReferenceEquals(work, p)) p.Storage.Bump();
                else p.CopyFrom(work);
            }
        }
    }

    /// <summary>One parameter's update: <paramref name="p"/> holds its values (row-major), written in place.</summary>
    private protected abstract void Update<T>(Span<T> p, ReadOnlySpan<T> grad, Tensor parameter, ParameterState state, ParameterGroup group)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Throws <see cref="ArgumentException"/> (message starting with <see cref="Name"/>) for an out-of-range hyperparameter.</summary>
    private protected abstract void Validate(IReadOnlyDictionary<string, double> options, string where);

    /// <summary>The buffers a parameter's state holds after an update, given its group's hyperparameters.</summary>
    private protected abstract IEnumerable<string> StateNames(IReadOnlyDictionary<string, double> options);

    /// <summary>Throws unless <paramref name="key"/> is at least 0 (NaN fails).</summary>
    private protected void NonNegative(IReadOnlyDictionary<string, double> options, string key, string where)
    {
        var value = options[key];
        if (!(value >= 0)) throw new ArgumentException($"{Name}: invalid {key} {Format(value)} in {where}; it must be >= 0.");
    }

    /// <summary>Throws unless <paramref name="key"/> is in [0, 1).</summary>
    private protected void UnitInterval(IReadOnlyDictionary<string, double> options, string key, string where)
    {
        var value = options[key];
        if (!(value >= 0 && value < 1)) throw new ArgumentException($"{Name}: invalid {key} {Format(value)} in {where}; it must be in [0, 1).");
    }

    /// <summary>Throws unless <paramref name="key"/> is 0 or 1 (a flag).</summary>
    private protected void Flag(IReadOnlyDictionary<string, double> options, string key, string where)
    {
        var value = options[key];
        if (value is not (0 or 1)) throw new ArgumentException($"{Name}: invalid {key} {Format(value)} in {where}; a flag must be 0 or 1.");
    }

    private protected static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A hyperparameter cast to the parameter's element type, as PyTorch casts a Python scalar for its kernels.</summary>
    private protected static T Cast<T>(double v) where T : IFloatingPointIeee754<T> => T.CreateTruncating(v);

    /// <summary>
    /// The optimizer's state as named tensors, ready for a checkpoint writer: for group <c>g</c>, a 0-d Float64 tensor
    /// <c>param_groups.{g}.{hyperparameter}</c> per hyperparameter and <c>param_groups.{g}.param_count</c>; for the
    /// <c>i</c>-th parameter of group <c>g</c> that has state, <c>state.{g}.{i}.step</c> (0-d Float64) and a copy of each
    /// buffer, <c>state.{g}.{i}.{buffer}</c> (for example <c>state.0.1.exp_avg</c>), in the parameter's shape and dtype.
    /// The tensors are copies: later steps don't change them.
    /// </summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var dict = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var _ = Tensor.NoGrad();
        for (var g = 0; g < _groups.Count; g++)
        {
            foreach (var (k, v) in _groups[g].Options) dict[$"param_groups.{g}.{k}"] = Tensor.Scalar(v);
            dict[$"param_groups.{g}.param_count"] = Tensor.Scalar(_groups[g].Parameters.Count);
            for (var i = 0; i < _states[g].Length; i++)
            {
                if (_states[g][i] is not { } s) continue;
                dict[$"state.{g}.{i}.step"] = Tensor.Scalar(s.Step);
                foreach (var (name, buffer) in s.Buffers) dict[$"state.{g}.{i}.{name}"] = buffer.Clone();
            }
        }
        return dict;
    }

    /// <summary>
    /// Loads a dictionary made by <see cref="StateDict"/> (the same optimizer type over parameters of the same groups,
    /// shapes and dtypes): the groups' hyperparameters and every parameter's state, copied. Every key, shape and dtype
    /// is checked first, so either everything loads or nothing changes. Parameters without state in
    /// <paramref name="state"/> start fresh.
    /// </summary>
    /// <exception cref="ArgumentException">A key is missing or unexpected, or a tensor has the wrong shape or dtype, or a
    /// hyperparameter is out of range; the message names the key.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        const string Op = "LoadStateDict";
        if (state is null) throw new ArgumentNullException(nameof(state), $"{Op}: the state dictionary is null.");
        var options = new List<Dictionary<string, double>>();
        for (var g = 0; g < _groups.Count; g++)
        {
            var o = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var key in _defaults.Keys.Append("param_count"))
            {
                var name = $"param_groups.{g}.{key}";
                o[key] = ScalarAt(state, name, Op);
            }
            if (o["param_count"] != _groups[g].Parameters.Count)
            {
                throw new ArgumentException(
                    $"{Op}: 'param_groups.{g}.param_count' is {Format(o["param_count"])}, but group {g} of this {Name} has {_groups[g].Parameters.Count} parameters.");
            }
            o.Remove("param_count");
            try
            {
                Validate(o, $"parameter group {g}");
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{Op}: {e.Message}", e);
            }
            options.Add(o);
        }

        var states = _groups.Select(g => new ParameterState?[g.Parameters.Count]).ToList();
        foreach (var (key, tensor) in state.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (tensor is null) throw new ArgumentException($"{Op}: the tensor for '{key}' is null.");
            var parts = key.Split('.');
            if (parts is ["param_groups", var gs, var hyper] && Index(gs, _groups.Count) is { } gp
                && (hyper == "param_count" || _defaults.ContainsKey(hyper)))
            {
                continue; // read above
            }
            if (parts is not ["state", var gText, var iText, var buffer] || Index(gText, _groups.Count) is not { } g
                || Index(iText, _groups[g].Parameters.Count) is not { } i)
            {
                throw new ArgumentException(
                    $"{Op}: unexpected key '{key}'; this {Name} has {_groups.Count} parameter group(s) of sizes [{string.Join(", ", _groups.Select(x => x.Parameters.Count))}], and keys 'param_groups.{{g}}.{{hyperparameter}}' and 'state.{{g}}.{{i}}.{{buffer}}'.");
            }
            var p = _groups[g].Parameters[i];
            var s = states[g][i] ??= new ParameterState();
            if (buffer == "step")
            {
                s.Step = checked((long)ScalarAt(state, key, Op));
                continue;
            }
            var expected = StateNames(options[g]).ToList();
            if (!expected.Contains(buffer))
            {
                throw new ArgumentException(
                    $"{Op}: unexpected key '{key}'; with these hyperparameters a {Name} state holds step{string.Concat(expected.Select(n => ", " + n))}.");
            }
            if (tensor.Shape != p.Shape || tensor.DType != p.DType)
            {
                throw new ArgumentException(
                    $"{Op}: '{key}' has shape {tensor.Shape} and dtype {tensor.DType}, but parameter {i} of group {g} has shape {p.Shape} and dtype {p.DType}.");
            }
            using (Tensor.NoGrad()) s.Set(buffer, tensor.Detach().Clone());
        }
        for (var g = 0; g < states.Count; g++)
        {
            for (var i = 0; i < states[g].Length; i++)
            {
                if (states[g][i] is not { } s) continue;
                foreach (var name in StateNames(options[g]).Prepend("step"))
                {
                    if (name != "step" && !s.Buffers.ContainsKey(name) || name == "step" && !state.ContainsKey($"state.{g}.{i}.step"))
                        throw new ArgumentException($"{Op}: missing key 'state.{g}.{i}.{name}' (the state of parameter {i} of group {g} is incomplete).");
                }
            }
        }

        for (var g = 0; g < _groups.Count; g++)
        {
            _groups[g].ReplaceOptions(options[g]);
            _states[g] = states[g];
        }
    }

    /// <summary>One group of <paramref name="parameters"/>, with the optimizer's name in the error for null.</summary>
    private protected static ParameterGroup[] OneGroup(IEnumerable<Tensor> parameters, string name) =>
        parameters is null
            ? throw new ArgumentNullException(nameof(parameters), $"{name}: the parameters are null.")
            : [new ParameterGroup(parameters)];

    private static double ScalarAt(IReadOnlyDictionary<string, Tensor> state, string key, string op)
    {
        if (!state.TryGetValue(key, out var t) || t is null) throw new ArgumentException($"{op}: missing key '{key}'.");
        if (t.Size != 1 || t.Rank != 0 || !t.DType.IsFloatingPoint() && t.DType != DType.Int64)
            throw new ArgumentException($"{op}: '{key}' must be a 0-d number (Float64), but has shape {t.Shape} and dtype {t.DType}.");
        return t.Item();
    }

    /// <summary>A canonical non-negative integer below <paramref name="count"/>, or null.</summary>
    private static int? Index(string text, int count) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v < count
            && v.ToString(CultureInfo.InvariantCulture) == text ? v : null;
}
