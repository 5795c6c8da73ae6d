using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>Transpose, Permute, T, Reshape, Unsqueeze, Squeeze, BroadcastTo, Slice, Concat, Stack: pure data movement.</summary>
public class ShapeOpsTests
{
    // A fixed weight makes the gradient check sensitive to where each element ends up
    // (a plain sum would accept any permutation of the gradient).
    private static Tensor Weighted(Tensor y) => y * Random(1000 + y.Size, y.Shape, 0.5, 1.5);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(-1, 0)]
    [InlineData(-1, -2)]
    [InlineData(2, 2)]
    public void Transpose_backward_matches_finite_differences(int axis0, int axis1) =>
        ShouldPassGradCheck(x => Weighted(x[0].Transpose(axis0, axis1)), Random(1, [2, 3, 4]));

    [Theory]
    [InlineData(new[] { 2, 0, 1 })]
    [InlineData(new[] { 1, 2, 0 })]
    [InlineData(new[] { 0, 2, 1 })]
    [InlineData(new[] { -1, -3, -2 })]
    [InlineData(new[] { 0, 1, 2 })]
    public void Permute_backward_matches_finite_differences(int[] axes) =>
        ShouldPassGradCheck(x => Weighted(x[0].Permute(axes)), Random(2, [2, 3, 4]));

    [Theory]
    [InlineData(new[] { 3, 4 })]
    [InlineData(new[] { 4 })]
    [InlineData(new[] { 2, 3, 4 })]
    [InlineData(new int[0])]
    public void T_backward_matches_finite_differences_for_every_rank(int[] shape) =>
        ShouldPassGradCheck(x => Weighted(x[0].T), Random(3, shape));

    [Fact]
    public void Permute_forward_moves_each_element_to_its_permuted_index()
    {
        var x = Random(4, [2, 3, 4]);
        var y = x.Permute(2, 0, 1);
        y.Shape.ShouldBe(new Shape(4, 2, 3));
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 3; j++)
                for (var k = 0; k < 4; k++) y.ItemAt(k, i, j).ShouldBe(x.ItemAt(i, j, k));
        var t = Random(5, [3, 5]).T;
        t.Shape.ShouldBe(new Shape(5, 3));
    }

    [Theory]
    [InlineData(new[] { 6, 4 })]
    [InlineData(new[] { 24 })]
    [InlineData(new[] { -1 })]
    [InlineData(new[] { 4, -1 })]
    [InlineData(new[] { 2, -1, 3 })]
    [InlineData(new[] { 1, 2, 3, 4, 1 })]
    public void Reshape_backward_matches_finite_differences(int[] shape) =>
        ShouldPassGradCheck(x => Weighted(x[0].Reshape(shape)), Random(6, [2, 3, 4]));

    [Fact]
    public void Reshape_infers_the_minus_one_dimension_and_keeps_row_major_order()
    {
        var x = Random(7, [2, 3, 4]);
        var y = x.Reshape(4, -1);
        y.Shape.ShouldBe(new Shape(4, 6));
        y.ToArray().ShouldBe(x.ToArray());
        x.Flatten().Shape.ShouldBe(new Shape(24));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    [InlineData(-3)]
    public void Unsqueeze_then_Squeeze_backward_matches_finite_differences(int axis)
    {
        ShouldPassGradCheck(x => Weighted(x[0].Unsqueeze(axis)), Random(8, [2, 3]));
        ShouldPassGradCheck(x => Weighted(x[0].Unsqueeze(axis).Squeeze(axis)), Random(9, [2, 3]));
    }

    [Fact]
    public void Squeeze_removes_a_length_one_axis_and_its_backward_matches_finite_differences()
    {
        var x = Random(10, [2, 1, 3]);
        x.Squeeze(1).Shape.ShouldBe(new Shape(2, 3));
        x.Squeeze(-2).Shape.ShouldBe(new Shape(2, 3));
        x.Unsqueeze(-1).Shape.ShouldBe(new Shape(2, 1, 3, 1));
        ShouldPassGradCheck(t => Weighted(t[0].Squeeze(1)), x);
    }

    [Theory]
    [InlineData(new[] { 3 }, new[] { 2, 3 })]
    [InlineData(new[] { 2, 1 }, new[] { 2, 4 })]
    [InlineData(new[] { 1, 3 }, new[] { 4, 2, 3 })]
    [InlineData(new int[0], new[] { 2, 2 })]
    [InlineData(new[] { 2, 1, 3 }, new[] { 2, 4, 3 })]
    [InlineData(new[] { 2, 3 }, new[] { 2, 3 })]
    public void BroadcastTo_backward_matches_finite_differences(int[] from, int[] to) =>
        ShouldPassGradCheck(x => Weighted(x[0].BroadcastTo(to)), Random(11, from));

    [Fact]
    public void BroadcastTo_gradient_counts_the_copies_of_each_element()
    {
        var x = Random(12, [2, 1]).RequireGrad();
        x.BroadcastTo([3, 2, 4]).Sum().Backward();
        ShouldBeClose(x.Grad!.ToArray(), [12, 12]);
    }

    [Theory]
    [InlineData(0, 1, 3)]
    [InlineData(1, 0, 2)]
    [InlineData(2, 1, 4)]
    [InlineData(-1, -3, -1)]
    [InlineData(1, -2, 3)]
    [InlineData(0, 0, 4)]
    [InlineData(2, 2, 100)]
    [InlineData(-2, 1, 2)]
    public void Slice_backward_matches_finite_differences_including_negative_and_clamped_bounds(int axis, int start, int end) =>
        ShouldPassGradCheck(x => Weighted(x[0].Slice(axis, start, end)), Random(13, [4, 3, 5]));

    [Fact]
    public void Slice_with_negative_indices_selects_like_python_and_pads_the_gradient_with_zeros()
    {
        var x = Tensor.FromArray([0.0, 1, 2, 3, 4, 5]).RequireGrad();
        var y = x.Slice(0, -4, -1); // x[-4:-1] = [2, 3, 4]
        y.ToArray().ShouldBe([2, 3, 4]);
        (y * Tensor.FromArray([10.0, 20, 30])).Sum().Backward();
        x.Grad!.ToArray().ShouldBe([0, 0, 10, 20, 30, 0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    public void Concat_of_several_inputs_backward_matches_finite_differences(int axis)
    {
        int[] ShapeWith(int length)
        {
            int[] s = [2, 3, 4];
            s[axis < 0 ? axis + 3 : axis] = length;
            return s;
        }
        ShouldPassGradCheck(x => Weighted(Tensor.Concat(x, axis)), Random(14, ShapeWith(1)), Random(15, ShapeWith(3)), Random(16, ShapeWith(2)));
    }

    [Fact]
    public void Concat_forward_places_each_input_in_order_and_routes_gradients_back()
    {
        var a = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } }).RequireGrad();
        var b = Tensor.FromArray(new double[,] { { 5 }, { 6 } }).RequireGrad();
        var c = Tensor.Concat([a, b], axis: 1);
        c.ToArray().ShouldBe([1, 2, 5, 3, 4, 6]);
        (c * Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } })).Sum().Backward();
        a.Grad!.ToArray().ShouldBe([1, 2, 4, 5]);
        b.Grad!.ToArray().ShouldBe([3, 6]);
    }

    [Fact]
    public void Concat_of_a_tensor_with_itself_accumulates_both_slices() =>
        ShouldPassGradCheck(x => Weighted(Tensor.Concat([x[0], x[1], x[0]], 0)), Random(17, [2, 3]), Random(18, [1, 3]));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    [InlineData(-3)]
    public void Stack_of_several_inputs_backward_matches_finite_differences(int axis) =>
        ShouldPassGradCheck(x => Weighted(Tensor.Stack(x, axis)), Random(19, [2, 3]), Random(20, [2, 3]), Random(21, [2, 3]));

    [Fact]
    public void Stack_inserts_a_new_axis_at_the_requested_position()
    {
        var a = Tensor.FromArray([1.0, 2]);
        var b = Tensor.FromArray([3.0, 4]);
        var s0 = Tensor.Stack([a, b], 0);
        s0.Shape.ShouldBe(new Shape(2, 2));
        s0.ToArray().ShouldBe([1, 2, 3, 4]);
        var s1 = Tensor.Stack([a, b], -1);
        s1.Shape.ShouldBe(new Shape(2, 2));
        s1.ToArray().ShouldBe([1, 3, 2, 4]);
    }

    [Fact]
    public void Stack_of_0d_tensors_backward_matches_finite_differences() =>
        ShouldPassGradCheck(x => Weighted(Tensor.Stack(x)), Random(22, []), Random(23, []), Random(24, []));

    [Fact]
    public void Clone_backward_matches_finite_differences() =>
        ShouldPassGradCheck(x => Weighted(x[0].Clone()), Random(25, [3, 2]));

    [Fact]
    public void A_chain_of_shape_ops_matches_finite_differences() =>
        ShouldPassGradCheck(
            x => Weighted(Tensor.Concat([x[0].Permute(1, 0, 2).Reshape(3, -1).Slice(1, 1, -1), x[1].Unsqueeze(0).BroadcastTo([3, 6])], 1).T),
            Random(26, [2, 3, 4]), Random(27, [6]));
}
