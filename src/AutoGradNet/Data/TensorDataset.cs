namespace AutoGradNet.Data;

/// <summary>
/// A dataset of tensors that share their first dimension, like PyTorch's <c>TensorDataset</c>: example <c>i</c> is
/// row <c>i</c> of each tensor (for instance features <c>x[i]</c> and label <c>y[i]</c>), and a batch is the rows at
/// the batch's indices, gathered with <see cref="Tensor.IndexSelect"/> in one call per tensor.
/// </summary>
public sealed class TensorDataset : IDataset<Tensor[]>, IBatchDataset<Tensor[]>
{
    private readonly Tensor[] _tensors;

    /// <summary>A dataset over <paramref name="tensors"/>; they are kept, not copied.</summary>
    /// <exception cref="ArgumentException">No tensor is given, one is 0-d, or their first dimensions differ.</exception>
    /// <exception cref="ArgumentNullException">The array or one of the tensors is null.</exception>
    public TensorDataset(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0)
            throw new ArgumentException("TensorDataset: expected at least one tensor.", nameof(tensors));
        for (var i = 0; i < tensors.Length; i++)
        {
            if (tensors[i] is null)
                throw new ArgumentNullException(nameof(tensors), $"TensorDataset: tensor {i} is null.");
            if (tensors[i].Rank == 0)
                throw new ArgumentException($"TensorDataset: tensor {i} is 0-d; every tensor needs a first dimension to index examples by.", nameof(tensors));
            if (tensors[i].Shape[0] != tensors[0].Shape[0])
            {
                throw new ArgumentException(
                    $"TensorDataset: every tensor must have the same first dimension; tensor 0 has shape {tensors[0].Shape} " +
                    $"but tensor {i} has shape {tensors[i].Shape}.", nameof(tensors));
            }
        }
        _tensors = (Tensor[])tensors.Clone();
        Count = tensors[0].Shape[0];
    }

    /// <summary>The number of examples: the tensors' common first dimension.</summary>
    public int Count { get; }

    /// <summary>The tensors, in the order given.</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <summary>Example <paramref name="index"/>: row <paramref name="index"/> of each tensor, as views (<see cref="Tensor.Select"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Count)</c>.</exception>
    public Tensor[] this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"TensorDataset: index {index} is out of range for a dataset of {Count} examples.");
            return Array.ConvertAll(_tensors, t => t.Select(0, index));
        }
    }

    /// <summary>
    /// The rows at <paramref name="indices"/> of each tensor, in that order: copies made by
    /// <see cref="Tensor.IndexSelect"/>, so a batch of features has shape [B, ...] and a batch of labels [B].
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="indices"/> is not a 1-D Int64 tensor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <c>[0, Count)</c>.</exception>
    public Tensor[] GetBatch(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return Array.ConvertAll(_tensors, t => t.IndexSelect(0, indices));
    }
}
