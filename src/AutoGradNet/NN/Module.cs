using System.Globalization;
using System.Text;

namespace AutoGradNet.NN;

/// <summary>
/// The base of every layer and network (PyTorch's <c>torch.nn.Module</c>). A module holds named parameters (trainable
/// leaf tensors), named buffers (state that is saved but not trained, such as BatchNorm's running mean) and named
/// sub-modules, all registered explicitly with <see cref="RegisterParameter"/>, <see cref="RegisterBuffer"/> and
/// <see cref="RegisterModule{T}"/>: nothing is found by reflection, so trimming and AOT stay possible. Names are
/// joined with dots through the tree (<c>layers.0.weight</c>), in registration order: a module's own parameters
/// first, then each sub-module's, as in PyTorch.
/// </summary>
/// <remarks>
/// Derive from <see cref="Module{TInput, TOutput}"/> for a typed <c>Forward</c>. Layers read their parameters by
/// name on every call (<see cref="GetParameter"/>), so <see cref="To(DType)"/>, which replaces the registered tensors
/// with converted ones, is seen by the next forward.
/// </remarks>
public abstract class Module
{
    private readonly OrderedDictionary<string, Tensor> _parameters = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, Tensor> _buffers = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, Module> _modules = new(StringComparer.Ordinal);

    /// <summary>Whether the module is in training mode (the default) rather than evaluation mode; see <see cref="Train"/>.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>
    /// Registers <paramref name="parameter"/> under <paramref name="name"/> and returns it. The tensor must be a
    /// floating-point leaf; it is marked to require gradients unless <paramref name="requiresGrad"/> is false (a frozen
    /// parameter: still listed, saved and converted, but not trained).
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, contains a dot or is already used in this module; the tensor is not a floating-point leaf.</exception>
    public Tensor RegisterParameter(string name, Tensor parameter, bool requiresGrad = true)
    {
        CheckName(name, "RegisterParameter");
        Ops.Checks.NotNull(parameter, "RegisterParameter", "parameter");
        if (!parameter.IsLeaf)
            throw new ArgumentException($"RegisterParameter: parameter '{name}' (shape {parameter.Shape}) was produced by {parameter.GradFn!.Name}; a parameter must be a leaf. Register its Detach().", nameof(parameter));
        if (!parameter.DType.IsFloatingPoint())
            throw new ArgumentException($"RegisterParameter: parameter '{name}' must be floating point, got {parameter.DType} (shape {parameter.Shape}); register integer state with RegisterBuffer.", nameof(parameter));
        parameter.RequiresGrad = requiresGrad;
        _parameters.Add(name, parameter);
        return parameter;
    }

    /// <summary>
    /// Registers <paramref name="buffer"/> under <paramref name="name"/> and returns it: state that is part of
    /// <see cref="StateDict"/> and follows <see cref="To(DType)"/> (when floating point) but is not a parameter.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, contains a dot or is already used in this module; the tensor requires grad.</exception>
    public Tensor RegisterBuffer(string name, Tensor buffer)
    {
        CheckName(name, "RegisterBuffer");
        Ops.Checks.NotNull(buffer, "RegisterBuffer", "buffer");
        if (buffer.RequiresGrad)
            throw new ArgumentException($"RegisterBuffer: buffer '{name}' (shape {buffer.Shape}) requires grad; register it with RegisterParameter, or register its Detach().", nameof(buffer));
        _buffers.Add(name, buffer);
        return buffer;
    }

    /// <summary>Registers <paramref name="module"/> as a sub-module under <paramref name="name"/> and returns it.</summary>
    /// <exception cref="ArgumentException">The name is empty, contains a dot or is already used in this module; the module is this one.</exception>
    public T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name, "RegisterModule");
        if (module is null) throw new ArgumentNullException(nameof(module), $"RegisterModule: module '{name}' is null.");
        if (ReferenceEquals(module, this))
            throw new ArgumentException($"RegisterModule: a module cannot be its own sub-module ('{name}').", nameof(module));
        _modules.Add(name, module);
        return module;
    }

    /// <summary>This module's own parameter <paramref name="name"/> (not a sub-module's), as currently registered.</summary>
    /// <exception cref="KeyNotFoundException">No parameter of that name is registered in this module.</exception>
    protected Tensor GetParameter(string name) =>
        _parameters.TryGetValue(name, out var p) ? p
            : throw new KeyNotFoundException($"GetParameter: {GetType().Name} has no parameter '{name}'; it has [{string.Join(", ", _parameters.Keys)}].");

    /// <summary>This module's own parameter <paramref name="name"/>, or <see langword="null"/> when none is registered.</summary>
    protected Tensor? TryGetParameter(string name) => _parameters.TryGetValue(name, out var p) ? p : null;

    /// <summary>This module's own buffer <paramref name="name"/>, as currently registered.</summary>
    /// <exception cref="KeyNotFoundException">No buffer of that name is registered in this module.</exception>
    protected Tensor GetBuffer(string name) =>
        _buffers.TryGetValue(name, out var b) ? b
            : throw new KeyNotFoundException($"GetBuffer: {GetType().Name} has no buffer '{name}'; it has [{string.Join(", ", _buffers.Keys)}].");

    /// <summary>This module's own buffer <paramref name="name"/>, or <see langword="null"/> when none is registered.</summary>
    protected Tensor? TryGetBuffer(string name) => _buffers.TryGetValue(name, out var b) ? b : null;

    /// <summary>Replaces the value of this module's own buffer <paramref name="name"/> (e.g. a running statistic) with <paramref name="value"/>.</summary>
    /// <exception cref="KeyNotFoundException">No buffer of that name is registered in this module.</exception>
    protected void SetBuffer(string name, Tensor value)
    {
        Ops.Checks.NotNull(value, "SetBuffer", "value");
        if (!_buffers.ContainsKey(name))
            throw new KeyNotFoundException($"SetBuffer: {GetType().Name} has no buffer '{name}'.");
        _buffers[name] = value;
    }

    /// <summary>The direct sub-modules with their names, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        foreach (var (name, module) in _modules) yield return (name, module);
    }

    /// <summary>The direct sub-modules, in registration order.</summary>
    public IEnumerable<Module> Children() => NamedChildren().Select(c => c.Module);

    /// <summary>
    /// This module (named <c>""</c>) and every module below it, depth first in registration order, with dotted names
    /// (<c>layers.0</c>). A module reachable twice is listed once, under its first name.
    /// </summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        return Walk(this, "", seen);

        static IEnumerable<(string, Module)> Walk(Module module, string prefix, HashSet<Module> seen)
        {
            if (!seen.Add(module)) yield break;
            yield return (prefix, module);
            foreach (var (name, child) in module._modules)
                foreach (var item in Walk(child, Join(prefix, name), seen))
                    yield return item;
        }
    }

    /// <summary>This module and every module below it (see <see cref="NamedModules"/>).</summary>
    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    /// <summary>
    /// Every parameter of this module and its sub-modules with its dotted name (<c>layers.0.weight</c>), in
    /// registration order. A tensor registered twice (a shared layer) is listed once, under its first name, so an
    /// optimizer updates it once. The tensors are the registered ones themselves, not copies.
    /// </summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in NamedModules())
            foreach (var (name, p) in module._parameters)
                if (seen.Add(p)) yield return (Join(prefix, name), p);
    }

    /// <summary>Every parameter of this module and its sub-modules (see <see cref="NamedParameters"/>).</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer of this module and its sub-modules with its dotted name, in registration order.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in NamedModules())
            foreach (var (name, b) in module._buffers)
                if (seen.Add(b)) yield return (Join(prefix, name), b);
    }

    /// <summary>Every buffer of this module and its sub-modules (see <see cref="NamedBuffers"/>).</summary>
    public IEnumerable<Tensor> Buffers() => NamedBuffers().Select(b => b.Buffer);

    /// <summary>
    /// Sets training mode (<paramref name="mode"/> true) or evaluation mode (false) on this module and every module
    /// below it, and returns this module. Dropout and BatchNorm behave differently in the two modes.
    /// </summary>
    public Module Train(bool mode = true)
    {
        foreach (var module in Modules()) module.IsTraining = mode;
        return this;
    }

    /// <summary>Evaluation mode, the same as <c>Train(false)</c>; returns this module.</summary>
    public Module Eval() => Train(false);

    /// <summary>
    /// Clears the gradient of every parameter: sets it to <see langword="null"/> (the default, as PyTorch's
    /// <c>zero_grad()</c>), or fills it with zeros when <paramref name="setToNull"/> is false.
    /// </summary>
    public void ZeroGrad(bool setToNull = true)
    {
        foreach (var p in Parameters()) p.ZeroGrad(setToNull);
    }

    /// <summary>
    /// Converts every parameter and every floating-point buffer to <paramref name="dtype"/> and returns this module
    /// (Int64 and Bool buffers, such as counters, are kept, as in PyTorch). Each converted tensor is a NEW leaf that
    /// replaces the registered one (keeping <see cref="Tensor.RequiresGrad"/>, and the gradient, converted, when there
    /// is one): references taken before the call (a <c>Weight</c> read earlier, an optimizer's parameter list) still
    /// point at the old tensors and must be read again. Tensors already in <paramref name="dtype"/> are kept as they are.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not floating point.</exception>
    public Module To(DType dtype)
    {
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"To: modules can only be converted to a floating-point dtype, got {dtype}.", nameof(dtype));
        // A tensor registered in several places (tied weights) is converted once, so the places stay tied.
        var converted = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var module in Modules())
        {
            foreach (var name in module._parameters.Keys.ToList())
            {
                var p = module._parameters[name];
                if (p.DType == dtype) continue;
                if (!converted.TryGetValue(p, out var c))
                {
                    c = p.Detach().ConvertedTo(dtype);
                    c.RequiresGrad = p.RequiresGrad;
                    if (p.Grad is { } grad) c.Grad = grad.Detach().ConvertedTo(dtype);
                    converted[p] = c;
                }
                module._parameters[name] = c;
            }
            foreach (var name in module._buffers.Keys.ToList())
            {
                var b = module._buffers[name];
                if (!b.DType.IsFloatingPoint() || b.DType == dtype) continue;
                if (!converted.TryGetValue(b, out var c)) converted[b] = c = b.ConvertedTo(dtype);
                module._buffers[name] = c;
            }
        }
        return this;
    }

    /// <summary>
    /// The module's state: every parameter and buffer by dotted name, parameters and buffers of each module in
    /// registration order (as PyTorch's <c>state_dict()</c>). The values are detached VIEWS sharing storage with the
    /// registered tensors: they do not require grad, and they change when the module is trained. Clone them for a
    /// snapshot.
    /// </summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (prefix, module) in NamedModules())
        {
            foreach (var (name, p) in module._parameters) state[Join(prefix, name)] = p.Detach();
            foreach (var (name, b) in module._buffers) state[Join(prefix, name)] = b.Detach();
        }
        return state;
    }

    /// <summary>
    /// Copies <paramref name="state"/> into the registered parameters and buffers (in place, under
    /// <see cref="Tensor.NoGrad"/>, so the tensors and references to them stay the same), all or nothing: every
    /// entry is validated first, and on the first mismatch — a missing key, an unexpected key (both only when
    /// <paramref name="strict"/>), a null value, a different shape or a different dtype — an
    /// <see cref="ArgumentException"/> naming the key is thrown and the module is left untouched. Unlike PyTorch,
    /// a dtype mismatch is an error rather than a silent conversion (convert the module with <see cref="To(DType)"/>).
    /// </summary>
    /// <returns>The keys of this module missing from <paramref name="state"/> and the keys of <paramref name="state"/>
    /// this module does not have (both empty when <paramref name="strict"/>).</returns>
    /// <exception cref="ArgumentException">A mismatch, as above.</exception>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        var own = new List<(string Key, Tensor Target)>();
        foreach (var (prefix, module) in NamedModules())
        {
            foreach (var (name, p) in module._parameters) own.Add((Join(prefix, name), p));
            foreach (var (name, b) in module._buffers) own.Add((Join(prefix, name), b));
        }
        var missing = new List<string>();
        var toCopy = new List<(Tensor Target, Tensor Source)>();
        foreach (var (key, target) in own)
        {
            if (!state.TryGetValue(key, out var source))
            {
                if (strict)
                    throw new ArgumentException($"LoadStateDict: missing key '{key}' (expected shape {target.Shape}, {target.DType}); the state has {state.Count} entries. Pass strict: false to load a subset.", nameof(state));
                missing.Add(key);
                continue;
            }
            if (source is null)
                throw new ArgumentException($"LoadStateDict: the value of '{key}' is null.", nameof(state));
            if (source.Shape != target.Shape)
                throw new ArgumentException($"LoadStateDict: shape mismatch for '{key}': the state has {source.Shape}, the module has {target.Shape}.", nameof(state));
            if (source.DType != target.DType)
                throw new ArgumentException($"LoadStateDict: dtype mismatch for '{key}': the state has {source.DType}, the module has {target.DType} (convert the module with To({source.DType}) or the state's tensors).", nameof(state));
            toCopy.Add((target, source));
        }
        var ownKeys = own.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        var unexpected = state.Keys.Where(k => !ownKeys.Contains(k)).ToList();
        if (strict && unexpected.Count > 0)
            throw new ArgumentException($"LoadStateDict: unexpected key '{unexpected[0]}' (shape {state[unexpected[0]]?.Shape}); this {GetType().Name} has no such parameter or buffer. Pass strict: false to ignore it.", nameof(state));
        using (Tensor.NoGrad())
        {
            foreach (var (target, source) in toCopy)
                if (!ReferenceEquals(target.Storage, source.Storage) || target.StorageOffset != source.StorageOffset
                    || !target.Strides.SequenceEqual(source.Strides))
                    target.CopyFrom(source);
        }
        return new LoadStateDictResult(missing, unexpected);
    }

    /// <summary>
    /// A table of the modules below this one (dotted name, type, each own parameter's name and shape, own parameter
    /// count), followed by the total number of parameters and the number that require grad.
    /// </summary>
    public string Summary()
    {
        var rows = new List<string[]> { new[] { "Name", "Type", "Parameters", "Count" } };
        long total = 0, trainable = 0;
        foreach (var (name, module) in NamedModules())
        {
            var shapes = string.Join(", ", module._parameters.Select(p => $"{p.Key} {p.Value.Shape}"));
            var count = module._parameters.Values.Sum(p => (long)p.Size);
            rows.Add([name.Length == 0 ? "(root)" : name, TypeName(module.GetType()), shapes, count.ToString(CultureInfo.InvariantCulture)]);
        }
        foreach (var p in Parameters())
        {
            total += p.Size;
            if (p.RequiresGrad) trainable += p.Size;
        }
        var widths = Enumerable.Range(0, 4).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            text.Append(row[0].PadRight(widths[0])).Append("  ")
                .Append(row[1].PadRight(widths[1])).Append("  ")
                .Append(row[2].PadRight(widths[2])).Append("  ")
                .Append(row[3].PadLeft(widths[3]));
            text.Append('\n');
            if (r == 0) text.Append(new string('-', widths.Sum() + 6)).Append('\n');
        }
        text.Append(CultureInfo.InvariantCulture, $"Total parameters: {total} (trainable: {trainable})");
        return text.ToString();
    }

    private static string TypeName(Type type)
    {
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    private void CheckName(string name, string op)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException($"{op}: the name must not be empty.", nameof(name));
        if (name.Contains('.', StringComparison.Ordinal))
            throw new ArgumentException($"{op}: the name '{name}' must not contain '.' (dots join the names of nested modules).", nameof(name));
        if (_parameters.ContainsKey(name) || _buffers.ContainsKey(name) || _modules.ContainsKey(name))
            throw new ArgumentException($"{op}: the name '{name}' is already registered in this {GetType().Name}.", nameof(name));
    }
}

/// <summary>What <see cref="Module.LoadStateDict"/> did not load: keys of the module missing from the state, and keys of the state the module does not have (both empty in strict mode).</summary>
/// <param name="MissingKeys">Keys of the module absent from the state (left unchanged).</param>
/// <param name="UnexpectedKeys">Keys of the state the module does not have (ignored).</param>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);

/// <summary>A module with a typed forward pass from <typeparamref name="TInput"/> to <typeparamref name="TOutput"/>.</summary>
/// <typeparam name="TInput">The forward's input (a <see cref="Tensor"/> for most layers).</typeparam>
/// <typeparam name="TOutput">The forward's output.</typeparam>
public abstract class Module<TInput, TOutput> : Module
{
    /// <summary>The computation of this module. Call it directly or through <see cref="Call"/>.</summary>
    public abstract TOutput Forward(TInput input);

    /// <summary>Runs <see cref="Forward"/> (PyTorch's <c>module(x)</c>).</summary>
    public TOutput Call(TInput input) => Forward(input);
}

/// <summary>A module with a typed forward pass of two inputs (a loss of an input and a target, for instance).</summary>
/// <typeparam name="TInput1">The first input.</typeparam>
/// <typeparam name="TInput2">The second input.</typeparam>
/// <typeparam name="TOutput">The output.</typeparam>
public abstract class Module<TInput1, TInput2, TOutput> : Module
{
    /// <summary>The computation of this module. Call it directly or through <see cref="Call"/>.</summary>
    public abstract TOutput Forward(TInput1 input1, TInput2 input2);

    /// <summary>Runs <see cref="Forward"/> (PyTorch's <c>module(x, y)</c>).</summary>
    public TOutput Call(TInput1 input1, TInput2 input2) => Forward(input1, input2);
}
