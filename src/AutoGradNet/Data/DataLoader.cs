using System.Collections;

namespace AutoGradNet.Data;

/// <summary>
/// Iterates over a dataset in batches, like PyTorch's <c>DataLoader</c> (single process): each enumeration is one
/// epoch that visits every example exactly once, in order or shuffled, in batches of <see cref="BatchSize"/> (the
/// last one smaller unless <see cref="DropLast"/>). With shuffling, each epoch draws a new permutation from the
/// loader's <see cref="Random"/> when it starts, so two loaders built with the same seed give the same batches,
/// epoch after epoch, bit for bit.
/// </summary>
/// <typeparam name="TBatch">What one batch is, for a <see cref="TensorDataset"/> a <see cref="Tensor"/> array.</typeparam>
public class DataLoader<TBatch> : IEnumerable<TBatch>
{
    private readonly IBatchDataset<TBatch> _dataset;
    private readonly Random? _random;

    /// <summary>A loader over <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The examples.</param>
    /// <param name="batchSize">Examples per batch, at least 1.</param>
    /// <param name="shuffle">Whether each epoch visits the examples in a new random order.</param>
    /// <param name="random">The source of the permutations when shuffling; a fresh unseeded one when null (not reproducible).</param>
    /// <param name="dropLast">Whether to skip the last batch when it has fewer than <paramref name="batchSize"/> examples.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
    public DataLoader(IBatchDataset<TBatch> dataset, int batchSize, bool shuffle = false, Random? random = null, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"DataLoader: batchSize must be at least 1, got {batchSize}.");
        _dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        _random = shuffle ? random ?? new Random() : random;
    }

    /// <summary>A loader over <paramref name="dataset"/> whose permutations come from <c>new Random(seed)</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
    public DataLoader(IBatchDataset<TBatch> dataset, int batchSize, bool shuffle, int seed, bool dropLast = false)
        : this(dataset, batchSize, shuffle, new Random(seed), dropLast)
    {
    }

    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch visits the examples in a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether an incomplete last batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>The number of batches in one epoch: <c>⌈N / BatchSize⌉</c>, or <c>⌊N / BatchSize⌋</c> with <see cref="DropLast"/>.</summary>
    public int Count => DropLast ? _dataset.Count / BatchSize : (_dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>
    /// The example positions of one epoch, batch by batch: <c>0..N-1</c> in order, or (with <see cref="Shuffle"/>) a
    /// new permutation drawn now from the loader's <see cref="Random"/> by a Fisher–Yates shuffle.
    /// </summary>
    public IEnumerable<long[]> BatchIndices()
    {
        var n = _dataset.Count;
        var order = new long[n];
        for (var i = 0; i < n; i++) order[i] = i;
        if (Shuffle)
        {
            // Fisher–Yates written out (not Random.Shuffle) so the order for a seed is fixed by this code.
            for (var i = n - 1; i > 0; i--)
            {
                var j = _random!.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        return Batches(order, Count, BatchSize);
    }

    private static IEnumerable<long[]> Batches(long[] order, int count, int batchSize)
    {
        for (var b = 0; b < count; b++)
        {
            var start = b * batchSize;
            yield return order[start..Math.Min(start + batchSize, order.Length)];
        }
    }

    /// <summary>One epoch of batches. With shuffling, the permutation is drawn when the enumeration starts.</summary>
    public IEnumerator<TBatch> GetEnumerator()
    {
        foreach (var indices in BatchIndices())
            yield return _dataset.GetBatch(Tensor.FromArray(indices));
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// A <see cref="DataLoader{TBatch}"/> whose batches are tensor arrays, as a <see cref="TensorDataset"/> gives: for
/// <c>new TensorDataset(x, y)</c>, each batch is <c>[xBatch, yBatch]</c> with shapes [B, ...] and [B].
/// </summary>
public sealed class DataLoader : DataLoader<Tensor[]>
{
    /// <inheritdoc cref="DataLoader{TBatch}(IBatchDataset{TBatch}, int, bool, Random?, bool)"/>
    public DataLoader(IBatchDataset<Tensor[]> dataset, int batchSize, bool shuffle = false, Random? random = null, bool dropLast = false)
        : base(dataset, batchSize, shuffle, random, dropLast)
    {
    }

    /// <inheritdoc cref="DataLoader{TBatch}(IBatchDataset{TBatch}, int, bool, int, bool)"/>
    public DataLoader(IBatchDataset<Tensor[]> dataset, int batchSize, bool shuffle, int seed, bool dropLast = false)
        : base(dataset, batchSize, shuffle, seed, dropLast)
    {
    }
}
