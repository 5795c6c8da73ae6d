namespace AutoGradNet.Data;

/// <summary>
/// A collection of examples that can be read one at a time by position, like PyTorch's map-style
/// <c>torch.utils.data.Dataset</c> (<c>__len__</c> and <c>__getitem__</c>).
/// </summary>
/// <typeparam name="TItem">One example, for instance a <see cref="Tensor"/> array of (features, label).</typeparam>
public interface IDataset<out TItem>
{
    /// <summary>The number of examples.</summary>
    int Count { get; }

    /// <summary>The example at <paramref name="index"/>, in <c>[0, Count)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Count)</c>.</exception>
    TItem this[int index] { get; }
}

/// <summary>
/// A dataset that can also read many examples at once, as one batch: what <see cref="DataLoader{TBatch}"/> asks for.
/// <see cref="TensorDataset"/> implements it by gathering rows with <see cref="Tensor.IndexSelect"/>;
/// <see cref="Dataset.Batched{TItem, TBatch}"/> adapts any <see cref="IDataset{TItem}"/> with a collate function.
/// </summary>
/// <typeparam name="TBatch">A batch, for instance a <see cref="Tensor"/> array of (features [B, ...], labels [B]).</typeparam>
public interface IBatchDataset<out TBatch>
{
    /// <summary>The number of examples.</summary>
    int Count { get; }

    /// <summary>The examples at <paramref name="indices"/> (a 1-D Int64 tensor of positions in <c>[0, Count)</c>), as one batch in that order.</summary>
    TBatch GetBatch(Tensor indices);
}
