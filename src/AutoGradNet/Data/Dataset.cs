namespace AutoGradNet.Data;

/// <summary>Helpers that build datasets.</summary>
public static class Dataset
{
    /// <summary>
    /// <paramref name="dataset"/> as an <see cref="IBatchDataset{TBatch}"/>: a batch reads each example at the batch's
    /// indices, in order, and passes the list to <paramref name="collate"/> (for tensors, typically
    /// <see cref="Tensor.Stack"/>), like PyTorch's <c>collate_fn</c>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> or <paramref name="collate"/> is null.</exception>
    public static IBatchDataset<TBatch> Batched<TItem, TBatch>(IDataset<TItem> dataset, Func<IReadOnlyList<TItem>, TBatch> collate)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(collate);
        return new CollatedDataset<TItem, TBatch>(dataset, collate);
    }

    private sealed class CollatedDataset<TItem, TBatch>(IDataset<TItem> dataset, Func<IReadOnlyList<TItem>, TBatch> collate)
        : IBatchDataset<TBatch>
    {
        public int Count => dataset.Count;

        public TBatch GetBatch(Tensor indices)
        {
            var positions = indices.ToArray<long>();
            var items = new TItem[positions.Length];
            for (var i = 0; i < positions.Length; i++) items[i] = dataset[checked((int)positions[i])];
            return collate(items);
        }
    }
}
