namespace AutoGradNet.Tests.Ops;

/// <summary>
/// Error cases of Gather, ScatterAdd, Where and the comparisons found by mutation testing (Ops/GatherScatter.cs,
/// Ops/Selection.cs): each message names the op, the parameter, the shapes and the valid range.
/// </summary>
public class SelectionMessageTests
{
    private static readonly Tensor X = Tensor.Zeros([2, 3]);

    [Fact]
    public void Gather_names_the_axis_where_the_index_is_larger_than_the_input()
    {
        var index = Tensor.Zeros([3, 1], DType.Int64);
        Should.Throw<ArgumentException>(() => X.Gather(1, index)).Message
            .ShouldBe("Gather: index shape [3, 1] is larger than input shape [2, 3] on axis 0 (3 > 2); only the gather axis 1 may be longer.");
    }

    [Fact]
    public void Gather_and_ScatterAdd_name_the_bad_index_its_position_and_the_valid_range()
    {
        var index = Tensor.FromArray([0L, 3], 1, 2);
        var gather = Should.Throw<ArgumentOutOfRangeException>(() => X.Gather(1, index));
        gather.ParamName.ShouldBe("index");
        gather.Message.ShouldStartWith(
            "Gather: index 3 is out of range for axis 1 of size 3 (input shape [2, 3]); found at position [0, 1] of the index (shape [1, 2]). Indices must lie in [0, 2].");
        var scatter = Should.Throw<ArgumentOutOfRangeException>(() => X.ScatterAdd(1, index, Tensor.Ones([1, 2])));
        scatter.Message.ShouldStartWith(
            "ScatterAdd: index 3 is out of range for axis 1 of size 3 (input shape [2, 3]); found at position [0, 1] of the index (shape [1, 2]). Indices must lie in [0, 2].");
        var negative = Tensor.FromArray([-1L], 1, 1);
        Should.Throw<ArgumentOutOfRangeException>(() => X.Gather(0, negative)).Message
            .ShouldStartWith("Gather: index -1 is out of range for axis 0 of size 2 (input shape [2, 3]); found at position [0, 0] of the index (shape [1, 1]). Indices must lie in [0, 1].");
    }

    [Fact]
    public void ScatterAdd_names_a_null_source_a_dtype_mismatch_and_the_rank_of_the_input()
    {
        var index = Tensor.FromArray([0L, 1, 2], 1, 3);
        var nullSource = Should.Throw<ArgumentNullException>(() => X.ScatterAdd(1, index, null!));
        nullSource.ParamName.ShouldBe("source");
        nullSource.Message.ShouldStartWith("ScatterAdd: the source is null.");
        Should.Throw<ArgumentException>(() => X.ScatterAdd(1, index, Tensor.Ones([1, 3], DType.Float32))).Message
            .ShouldBe("ScatterAdd: the source's dtype Float32 (shape [1, 3]) differs from the input's Float64 (shape [2, 3]). Convert it with .To(DType.Float64).");
        Should.Throw<ArgumentException>(() => X.ScatterAdd(0, Tensor.FromArray([0L, 1, 1]), Tensor.Ones([3]))).Message
            .ShouldBe("ScatterAdd: the index (shape [3], rank 1) must have the same rank as the input (shape [2, 3], rank 2).");
    }

    [Fact]
    public void ScatterAdd_names_the_axis_where_the_index_is_larger_than_the_input()
    {
        var index = Tensor.Zeros([3, 1], DType.Int64);
        Should.Throw<ArgumentException>(() => X.ScatterAdd(1, index, Tensor.Ones([3, 1]))).Message
            .ShouldBe("ScatterAdd: index shape [3, 1] is larger than input shape [2, 3] on axis 0 (3 > 2); only the scatter axis 1 may be longer.");
        // Along the scatter axis the index may be longer than the input: repeats add up.
        X.ScatterAdd(1, Tensor.FromArray([0L, 0, 0, 2], 1, 4), Tensor.Ones([1, 4])).ToArray().ShouldBe([3.0, 0, 1, 0, 0, 0]);
    }

    [Fact]
    public void Where_names_itself_in_dtype_and_broadcast_errors()
    {
        var cond = Tensor.FromArray([true, false, true]);
        Should.Throw<ArgumentException>(() => Tensor.Where(cond, Tensor.Ones([3], DType.Float32), Tensor.Ones([3]))).Message.ShouldStartWith("Where:");
        Should.Throw<ArgumentException>(() => Tensor.Where(Tensor.FromArray([true, false]), Tensor.Ones([3]), Tensor.Ones([3]))).Message
            .ShouldStartWith("Where:");
        Should.Throw<ArgumentException>(() => Tensor.Where(cond, Tensor.Ones([3]), Tensor.Ones([2]))).Message.ShouldStartWith("Where:");
    }

    [Fact]
    public void Comparisons_name_a_null_left_or_right_operand()
    {
        var x = Tensor.Ones([2]);
        var left = Should.Throw<ArgumentNullException>(() => null! > x);
        left.ParamName.ShouldBe("left operand");
        left.Message.ShouldStartWith("Greater: the left operand is null.");
        var right = Should.Throw<ArgumentNullException>(() => x.ElementwiseEquals(null!));
        right.ParamName.ShouldBe("right operand");
        right.Message.ShouldStartWith("ElementwiseEquals: the right operand is null.");
    }

    [Fact]
    public void Predicates_on_Bool_tensors_read_them_as_0_and_1()
    {
        var b = Tensor.FromArray([true, false, true]);
        b.IsNaN().ToArray<bool>().ShouldBe([false, false, false]);
        b.IsFinite().ToArray<bool>().ShouldBe([true, true, true]);
    }
}
