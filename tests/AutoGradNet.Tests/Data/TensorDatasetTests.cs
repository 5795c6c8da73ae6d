using AutoGradNet.Data;

namespace AutoGradNet.Tests.Data;

public sealed class TensorDatasetTests
{
    [Fact]
    public void Item_is_the_row_of_each_tensor()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 3, 2);
        var y = Tensor.FromArray(new long[] { 7, 8, 9 });
        var ds = new TensorDataset(x, y);

        ds.Count.ShouldBe(3);
        var item = ds[1];
        item.Length.ShouldBe(2);
        item[0].Shape.ToArray().ShouldBe([2]);
        item[0].ToArray().ShouldBe([3.0, 4.0]);
        item[1].Rank.ShouldBe(0);
        item[1].DType.ShouldBe(DType.Int64);
        item[1].Item().ShouldBe(8);
    }

    [Fact]
    public void Batch_gathers_the_rows_in_index_order()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6, 7, 8], 4, 2);
        var y = Tensor.FromArray(new long[] { 10, 11, 12, 13 });
        var batch = new TensorDataset(x, y).GetBatch(Tensor.FromArray(new long[] { 3, 0, 3 }));

        batch[0].Shape.ToArray().ShouldBe([3, 2]);
        batch[0].ToArray().ShouldBe([7.0, 8, 1, 2, 7, 8]);
        batch[1].DType.ShouldBe(DType.Int64);
        batch[1].ToArray<long>().ShouldBe([13L, 10, 13]);
    }

    [Fact]
    public void Batch_of_a_non_contiguous_tensor_reads_through_its_strides()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3).T.Detach();
        x.IsContiguous.ShouldBeFalse();
        var batch = new TensorDataset(x).GetBatch(Tensor.FromArray(new long[] { 2, 0 }));
        batch[0].ToArray().ShouldBe([3.0, 6, 1, 4]);
    }

    [Fact]
    public void Tensors_with_different_first_dimensions_are_rejected()
    {
        var e = Should.Throw<ArgumentException>(() => new TensorDataset(Tensor.Zeros([3, 2]), Tensor.Zeros([4])));
        e.Message.ShouldContain("TensorDataset");
        e.Message.ShouldContain("[3, 2]");
        e.Message.ShouldContain("[4]");
    }

    [Fact]
    public void No_tensor_or_a_scalar_is_rejected()
    {
        Should.Throw<ArgumentException>(() => new TensorDataset()).Message.ShouldContain("at least one tensor");
        Should.Throw<ArgumentException>(() => new TensorDataset(Tensor.Scalar(1.0))).Message.ShouldContain("0-d");
    }

    [Fact]
    public void Item_index_out_of_range_throws_naming_it()
    {
        var ds = new TensorDataset(Tensor.Zeros([2]));
        Should.Throw<ArgumentOutOfRangeException>(() => ds[2]).Message.ShouldContain("index 2");
        Should.Throw<ArgumentOutOfRangeException>(() => ds[-1]);
    }

    [Fact]
    public void Collated_dataset_batches_a_plain_dataset()
    {
        var batched = Dataset.Batched(new Squares(), items => Tensor.FromArray(items.ToArray()));
        batched.Count.ShouldBe(5);
        batched.GetBatch(Tensor.FromArray(new long[] { 4, 1 })).ToArray().ShouldBe([16.0, 1]);
        new DataLoader<Tensor>(batched, 2).Select(b => b.ToArray()).ShouldBe([[0.0, 1], [4.0, 9], [16.0]]);
    }

    private sealed class Squares : IDataset<double>
    {
        public int Count => 5;

        public double this[int index] => index * index;
    }
}
