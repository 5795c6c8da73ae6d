namespace AutoGradNet.Optim;

/// <summary>
/// What an optimizer keeps for one parameter between steps: the number of steps taken and named buffers of the
/// parameter's shape and dtype (<c>exp_avg</c>, <c>exp_avg_sq</c>, <c>momentum_buffer</c>, ...), named as in PyTorch.
/// </summary>
public sealed class ParameterState
{
    private readonly Dictionary<string, Tensor> _buffers = new(StringComparer.Ordinal);

    /// <summary>The number of updates applied to this parameter.</summary>
    public long Step { get; internal set; }

    /// <summary>The buffers by name. They are the optimizer's own tensors: read them, don't write them.</summary>
    public IReadOnlyDictionary<string, Tensor> Buffers => _buffers;

    internal Tensor Buffer(string name) => _buffers[name];

    /// <summary>The buffer, created as <paramref name="value"/> everywhere (parameter's shape and dtype) if missing.</summary>
    internal Tensor GetOrCreate(string name, Tensor parameter, double value = 0)
    {
        if (!_buffers.TryGetValue(name, out var b))
        {
            b = Tensor.Full(parameter.Shape, value, parameter.DType);
            _buffers[name] = b;
        }
        return b;
    }

    internal bool TryGet(string name, out Tensor buffer) => _buffers.TryGetValue(name, out buffer!);

    internal void Set(string name, Tensor buffer) => _buffers[name] = buffer;
}
