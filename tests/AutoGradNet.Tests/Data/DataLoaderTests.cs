using AutoGradNet.Data;

namespace AutoGradNet.Tests.Data;

public sealed class DataLoaderTests
{
    /// <summary>Features x[i] = [i, 10 i] and labels y[i] = 100 + i, so each row names its example.</summary>
    private static TensorDataset Numbered(int n)
    {
        var x = new double[2 * n];
        var y = new long[n];
        for (var i = 0; i < n; i++)
        {
            x[2 * i] = i;
            x[(2 * i) + 1] = 10 * i;
            y[i] = 100 + i;
        }
        return new TensorDataset(Tensor.FromArray(x, n, 2), Tensor.FromArray(y));
    }

    private static long[][] Epoch(DataLoader loader) => [.. loader.Select(b => b[1].ToArray<long>().Select(v => v - 100).ToArray())];

    [Fact]
    public void Without_shuffling_batches_keep_the_order_and_the_last_is_smaller()
    {
        var loader = new DataLoader(Numbered(5), batchSize: 2);
        var batches = loader.ToList();

        loader.Count.ShouldBe(3);
        batches.Count.ShouldBe(3);
        batches[0][0].Shape.ToArray().ShouldBe([2, 2]);
        batches[0][0].ToArray().ShouldBe([0.0, 0, 1, 10]);
        batches[0][1].DType.ShouldBe(DType.Int64);
        batches[0][1].Shape.ToArray().ShouldBe([2]);
        batches[0][1].ToArray<long>().ShouldBe([100L, 101]);
        batches[1][0].ToArray().ShouldBe([2.0, 20, 3, 30]);
        batches[2][0].Shape.ToArray().ShouldBe([1, 2]);
        batches[2][0].ToArray().ShouldBe([4.0, 40]);
        batches[2][1].ToArray<long>().ShouldBe([104L]);
    }

    [Fact]
    public void Drop_last_skips_the_incomplete_batch()
    {
        var loader = new DataLoader(Numbered(5), batchSize: 2, dropLast: true);
        loader.Count.ShouldBe(2);
        Epoch(loader).ShouldBe([[0L, 1], [2L, 3]]);
    }

    [Fact]
    public void Drop_last_with_an_exact_multiple_keeps_every_batch()
    {
        var loader = new DataLoader(Numbered(6), batchSize: 3, dropLast: true);
        loader.Count.ShouldBe(2);
        Epoch(loader).ShouldBe([[0L, 1, 2], [3L, 4, 5]]);
    }

    [Fact]
    public void Batch_larger_than_the_dataset_gives_one_batch_or_none_with_drop_last()
    {
        Epoch(new DataLoader(Numbered(3), batchSize: 10)).ShouldBe([[0L, 1, 2]]);
        var dropped = new DataLoader(Numbered(3), batchSize: 10, dropLast: true);
        dropped.Count.ShouldBe(0);
        dropped.ShouldBeEmpty();
    }

    [Fact]
    public void Empty_dataset_gives_no_batches()
    {
        var empty = new TensorDataset(Tensor.Zeros([0, 3]), Tensor.FromArray(Array.Empty<long>()));
        empty.Count.ShouldBe(0);
        var loader = new DataLoader(empty, batchSize: 4, shuffle: true, seed: 1);
        loader.Count.ShouldBe(0);
        loader.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(10, 5)]
    [InlineData(33, 4)]
    [InlineData(4, 9)]
    public void Shuffled_epoch_visits_every_example_exactly_once(int n, int batchSize)
    {
        var loader = new DataLoader(Numbered(n), batchSize, shuffle: true, seed: 42);
        for (var epoch = 0; epoch < 3; epoch++)
        {
            var batches = loader.ToList();
            var seen = batches.SelectMany(b => b[1].ToArray<long>()).Select(v => v - 100).OrderBy(v => v);
            seen.ShouldBe(Enumerable.Range(0, n).Select(i => (long)i));
            // Features and labels of a batch stay paired: x = [i, 10 i] for label 100 + i.
            foreach (var b in batches)
            {
                var ids = b[1].ToArray<long>().Select(v => (double)(v - 100)).ToArray();
                b[0].ToArray().ShouldBe(ids.SelectMany(i => new[] { i, 10 * i }).ToArray());
            }
            batches.Take(batches.Count - 1).ShouldAllBe(b => b[0].Shape[0] == batchSize);
        }
    }

    [Fact]
    public void Same_seed_reproduces_every_epoch_and_each_epoch_is_a_new_permutation()
    {
        var a = new DataLoader(Numbered(20), 6, shuffle: true, seed: 7);
        var b = new DataLoader(Numbered(20), 6, shuffle: true, random: new Random(7));
        var a1 = Epoch(a);
        var a2 = Epoch(a);
        Epoch(b).ShouldBe(a1);
        Epoch(b).ShouldBe(a2);
        a2.ShouldNotBe(a1);
    }

    [Fact]
    public void Another_seed_gives_another_order()
    {
        var a = Epoch(new DataLoader(Numbered(20), 20, shuffle: true, seed: 1));
        var b = Epoch(new DataLoader(Numbered(20), 20, shuffle: true, seed: 2));
        a.ShouldNotBe(b);
        a[0].ShouldNotBe(Enumerable.Range(0, 20).Select(i => (long)i).ToArray());
    }

    [Fact]
    public void Permutation_is_the_Fisher_Yates_shuffle_of_the_given_Random()
    {
        // Expected order built by hand from the same Random draws: for i = n-1..1 swap order[i] with order[Next(i + 1)].
        var random = new Random(3);
        var expected = Enumerable.Range(0, 8).Select(i => (long)i).ToArray();
        for (var i = expected.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (expected[i], expected[j]) = (expected[j], expected[i]);
        }
        var loader = new DataLoader(Numbered(8), 3, shuffle: true, seed: 3);
        Epoch(loader).ShouldBe([expected[..3], expected[3..6], expected[6..]]);
    }

    [Fact]
    public void Batch_indices_match_the_batches()
    {
        var loader = new DataLoader(Numbered(5), 2);
        loader.BatchIndices().ShouldBe([[0L, 1], [2L, 3], [4L]]);
    }

    [Fact]
    public void Batch_size_below_one_is_rejected()
    {
        var e = Should.Throw<ArgumentOutOfRangeException>(() => new DataLoader(Numbered(3), 0));
        e.Message.ShouldContain("DataLoader: batchSize must be at least 1, got 0");
    }

    [Fact]
    public void Float32_and_bool_tensors_batch_too()
    {
        var x = Tensor.FromArray([1f, 2f, 3f]);
        var m = Tensor.FromArray([true, false, true]);
        var batches = new DataLoader(new TensorDataset(x, m), 2).ToList();
        batches[0][0].DType.ShouldBe(DType.Float32);
        batches[0][0].ToArray().ShouldBe([1.0, 2]);
        batches[1][1].DType.ShouldBe(DType.Bool);
        batches[1][1].ToArray<bool>().ShouldBe([true]);
    }
}
