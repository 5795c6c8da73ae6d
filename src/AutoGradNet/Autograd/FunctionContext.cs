namespace AutoGradNet.Autograd;

/// <summary>
/// What one call of a <see cref="CustomFunction"/> passes from its forward to its backward, like PyTorch's
/// <c>ctx</c>: the tensors saved with <see cref="SaveForBackward"/>, which inputs need a gradient, and any
/// non-tensor values (sizes, flags, constants) stored in <see cref="Attributes"/>. Each <see cref="CustomFunction.Apply"/>
/// gets a fresh context.
/// </summary>
public sealed class FunctionContext
{
    private readonly string _function;
    private readonly bool[] _needsInputGrad;
    private readonly Dictionary<string, object> _attributes = [];
    private Tensor[] _saved = [];
    private Phase _phase = Phase.Forward;
    private CustomFunctionNode? _node;

    internal FunctionContext(string function, bool[] needsInputGrad)
    {
        _function = function;
        _needsInputGrad = needsInputGrad;
    }

    private enum Phase
    {
        Forward,
        Recorded,
        Backward,
    }

    /// <summary>
    /// Non-tensor values the forward keeps for the backward (e.g. <c>ctx.Attributes["exponent"] = 3.0</c>), keyed by
    /// name. The recorded node shows them as its <see cref="Node.Attributes"/>. Read them back with <see cref="Get{T}"/>.
    /// </summary>
    public IDictionary<string, object> Attributes => _attributes;

    /// <summary>The value stored under <paramref name="name"/> in <see cref="Attributes"/>, as a <typeparamref name="T"/>.</summary>
    /// <exception cref="KeyNotFoundException">No value was stored under that name.</exception>
    /// <exception cref="InvalidCastException">The value is not a <typeparamref name="T"/>.</exception>
    public T Get<T>(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_attributes.TryGetValue(name, out var value))
        {
            var known = _attributes.Count == 0 ? "none" : string.Join(", ", _attributes.Keys);
            throw new KeyNotFoundException($"{_function}: no attribute '{name}' was stored in the context (stored: {known}).");
        }
        return value is T typed
            ? typed
            : throw new InvalidCastException($"{_function}: the attribute '{name}' is a {value.GetType().Name}, not a {typeof(T).Name}.");
    }

    /// <summary>
    /// Whether input <paramref name="index"/> of this call needs a gradient (it requires grad and grad mode was on), as
    /// PyTorch's <c>ctx.needs_input_grad</c>. A backward may return <see langword="null"/> for an input that does not.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not an input's index.</exception>
    public bool NeedsInputGrad(int index)
    {
        if ((uint)index >= (uint)_needsInputGrad.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"{_function}: NeedsInputGrad({index}) is out of range: the function was applied to {_needsInputGrad.Length} input(s).");
        }
        return _needsInputGrad[index];
    }

    /// <summary>
    /// Keeps tensors for the backward (inputs, the output, or intermediates), replacing any saved before. Call it in the
    /// forward only. The graph remembers their versions: if one is modified in place before the backward runs, reading
    /// <see cref="SavedTensors"/> throws, as for the built-in ops. They are freed after a backward that does not retain
    /// the graph.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called outside the forward.</exception>
    /// <exception cref="ArgumentNullException">A tensor is null.</exception>
    public void SaveForBackward(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (_phase != Phase.Forward)
            throw new InvalidOperationException($"{_function}: SaveForBackward can only be called in Forward.");
        for (var i = 0; i < tensors.Length; i++)
        {
            if (tensors[i] is null)
                throw new ArgumentNullException(nameof(tensors), $"{_function}: SaveForBackward: tensor {i} is null.");
        }
        _saved = [.. tensors];
    }

    /// <summary>
    /// The tensors given to <see cref="SaveForBackward"/>, in order. In the backward, each is checked against in-place
    /// modification since it was saved.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// A saved tensor was modified in place after it was saved; or read outside the forward and the backward.
    /// </exception>
    public IReadOnlyList<Tensor> SavedTensors
    {
        get
        {
            switch (_phase)
            {
                case Phase.Forward:
                    return _saved;
                case Phase.Backward when _node is not null:
                    return _node.SavedTensors();
                default:
                    throw new InvalidOperationException(
                        $"{_function}: SavedTensors can only be read in Forward and Backward (the graph frees them after a backward that does not retain it).");
            }
        }
    }

    /// <summary>The tensors saved in the forward, to be handed to the node when it is recorded.</summary>
    internal Tensor[] Saved => _saved;

    /// <summary>The forward is over: <paramref name="node"/> (if the call was recorded) now owns the saved tensors.</summary>
    internal void EndForward(CustomFunctionNode? node)
    {
        _node = node;
        _phase = Phase.Recorded;
        _saved = []; // the node owns them now (and frees them after the backward); unrecorded, nothing needs them
    }

    internal void BeginBackward() => _phase = Phase.Backward;

    internal void EndBackward() => _phase = Phase.Recorded;
}
