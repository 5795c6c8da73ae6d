namespace AutoGradNet.Tests.Ops;

/// <summary>
/// Error cases of the selection ops found by mutation testing of Ops/SortOps.cs and Ops/GatherScatter.cs: the
/// message names the op, the extreme (maximum or minimum), the parameter and the ranks.
/// </summary>
public class SelectionErrorTests
{
    [Fact]
    public void ArgMax_and_ArgMin_of_nothing_name_the_maximum_or_the_minimum()
    {
        var empty = Tensor.Zeros([0]);
        Should.Throw<ArgumentException>(() => empty.ArgMax()).Message.ShouldBe("ArgMax: the tensor of shape [0] is empty; the position of the maximum of nothing is undefined.");
        Should.Throw<ArgumentException>(() => empty.ArgMin()).Message.ShouldBe("ArgMin: the tensor of shape [0] is empty; the position of the minimum of nothing is undefined.");
        var rows = Tensor.Zeros([2, 0]);
        Should.Throw<ArgumentException>(() => rows.ArgMax(1)).Message.ShouldContain("the position of the maximum of nothing");
        Should.Throw<ArgumentException>(() => rows.ArgMin(1)).Message.ShouldContain("the position of the minimum of nothing");
    }

    [Fact]
    public void A_0d_tensor_accepts_only_axis_0_or_minus_1()
    {
        var s = Tensor.Scalar(2.0);
        s.Sort(0).Values.Item().ShouldBe(2.0);
        s.Sort(-1).Values.Rank.ShouldBe(0);
        var error = Should.Throw<ArgumentOutOfRangeException>(() => s.Sort(1));
        error.ParamName.ShouldBe("axis");
        error.Message.ShouldStartWith("Sort: axis 1 is out of range for a 0-d tensor");
        Should.Throw<ArgumentOutOfRangeException>(() => s.TopK(1, 2)).Message.ShouldStartWith("TopK: axis 2 is out of range for a 0-d tensor");
    }

    [Fact]
    public void TopK_of_zero_elements_of_a_0d_tensor_keeps_the_vector_shape()
    {
        var (values, indices) = Tensor.Scalar(2.0).TopK(0);
        values.Shape.ShouldBe(new Shape(0));
        indices.Shape.ShouldBe(new Shape(0));
    }

    [Fact]
    public void ScatterAdd_checks_the_source_and_the_ranks_naming_the_parameter()
    {
        var x = Tensor.Zeros([2, 3]);
        var index = Tensor.FromArray(new long[] { 0, 1, 2 }, 1, 3);
        Should.Throw<ArgumentNullException>(() => x.ScatterAdd(1, index, null!)).Message.ShouldContain("ScatterAdd");
        var flatIndex = Tensor.FromArray(new long[] { 0, 1 }, 2);
        Should.Throw<ArgumentException>(() => x.ScatterAdd(1, flatIndex, Tensor.Ones([2]))).Message.ShouldStartWith("ScatterAdd:");
        Should.Throw<ArgumentException>(() => x.ScatterAdd(1, index, Tensor.Ones([3]))).Message.ShouldContain("source");
    }
}
