using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>Tensor.Where and the ops built on it (Maximum, Minimum, Clamp), and the non-differentiable comparisons.</summary>
public class SelectionTests
{
    private static Tensor Mask(params double[] bits) => Tensor.FromArray(bits);

    [Fact]
    public void Where_backward_matches_finite_differences_in_both_branches()
    {
        var condition = Tensor.FromArray([1.0, 0, 0, 1, 1, 0], 2, 3);
        ShouldPassGradCheck(x => Tensor.Where(condition, x[0], x[1]), Random(1, [2, 3]), Random(2, [2, 3]));
    }

    [Theory]
    [InlineData(new[] { 2, 3 }, new[] { 3 }, new[] { 2, 1 })]
    [InlineData(new[] { 3 }, new[] { 2, 3 }, new int[0])]
    [InlineData(new[] { 2, 1 }, new[] { 1, 3 }, new[] { 3 })]
    [InlineData(new[] { 4, 1, 3 }, new[] { 2, 3 }, new[] { 4, 2, 1 })]
    public void Where_backward_matches_finite_differences_when_condition_and_branches_broadcast(int[] condShape, int[] trueShape, int[] falseShape)
    {
        var condition = Random(3, condShape) > 0;
        ShouldPassGradCheck(x => Tensor.Where(condition, x[0], x[1]), Random(4, trueShape), Random(5, falseShape));
    }

    [Fact]
    public void Where_routes_the_gradient_by_the_condition_and_gives_the_condition_none()
    {
        var condition = Mask(1, 0, 1, 0).RequireGrad();
        var a = Random(6, [4]).RequireGrad();
        var b = Random(7, [4]).RequireGrad();
        var w = Tensor.FromArray([1.0, 2, 3, 4]);
        (Tensor.Where(condition, a, b) * w).Sum().Backward();
        ShouldBeClose(a.Grad!.ToArray(), [1, 0, 3, 0]);
        ShouldBeClose(b.Grad!.ToArray(), [0, 2, 0, 4]);
        condition.Grad.ShouldBeNull();
    }

    [Fact]
    public void Where_with_a_double_branch_matches_finite_differences()
    {
        var condition = Mask(1, 0, 0, 1);
        ShouldPassGradCheck(x => Tensor.Where(condition, x[0], 0.5), Random(8, [4]));
        ShouldPassGradCheck(x => Tensor.Where(condition, 0.5, x[0]), Random(9, [4]));
    }

    [Fact]
    public void Where_broadcast_gradient_sums_over_the_broadcast_axis()
    {
        // ifTrue has shape [3] broadcast over 2 rows: its gradient counts how many rows selected it.
        var condition = Tensor.FromArray([1.0, 1, 0, 1, 0, 0], 2, 3);
        var a = Random(10, [3]).RequireGrad();
        Tensor.Where(condition, a, 0.0).Sum().Backward();
        ShouldBeClose(a.Grad!.ToArray(), [2, 1, 0]);
    }

    [Fact]
    public void Maximum_and_Minimum_match_finite_differences_away_from_ties()
    {
        // Distinct values from one shuffled ladder: the two operands never come within a step of each other.
        var both = Distinct(11, [2, 2, 3]);
        var a = both.Slice(0, 0, 1).Reshape(2, 3).Detach().Clone();
        var b = both.Slice(0, 1, 2).Reshape(2, 3).Detach().Clone();
        ShouldPassGradCheck(x => x[0].Maximum(x[1]), a, b);
        ShouldPassGradCheck(x => x[0].Minimum(x[1]), a.Detach().Clone(), b.Detach().Clone());
    }

    [Fact]
    public void Maximum_with_broadcasting_matches_finite_differences()
    {
        var both = Distinct(12, [9]);
        var a = both.Slice(0, 0, 6).Reshape(2, 3).Detach().Clone();
        var b = both.Slice(0, 6, 9).Detach().Clone();
        ShouldPassGradCheck(x => x[0].Maximum(x[1]), a, b);
    }

    [Fact]
    public void Maximum_and_Minimum_forward_and_gradient_follow_the_larger_and_smaller_operand()
    {
        var a = Tensor.FromArray([1.0, 5, -2, 0.5]).RequireGrad();
        var b = Tensor.FromArray([3.0, 4, -3, 0.25]).RequireGrad();
        var max = a.Maximum(b);
        ShouldBeClose(max.ToArray(), [3, 5, -2, 0.5]);
        max.Sum().Backward();
        ShouldBeClose(a.Grad!.ToArray(), [0, 1, 1, 1]);
        ShouldBeClose(b.Grad!.ToArray(), [1, 0, 0, 0]);

        a.ZeroGrad();
        b.ZeroGrad();
        var min = a.Minimum(b);
        ShouldBeClose(min.ToArray(), [1, 4, -3, 0.25]);
        min.Sum().Backward();
        ShouldBeClose(a.Grad!.ToArray(), [1, 0, 0, 0]);
        ShouldBeClose(b.Grad!.ToArray(), [0, 1, 1, 1]);
    }

    [Fact]
    public void Maximum_tie_gives_the_whole_gradient_to_this_operand()
    {
        var a = Tensor.FromArray([2.0]).RequireGrad();
        var b = Tensor.FromArray([2.0]).RequireGrad();
        a.Maximum(b).Sum().Backward();
        ShouldBeClose(a.Grad!.ToArray(), [1]);
        ShouldBeClose(b.Grad!.ToArray(), [0]);
    }

    [Fact]
    public void Clamp_matches_finite_differences_away_from_the_bounds()
    {
        // Values on a 0.3 ladder from −2 to 2.2; the bounds −0.45 and 0.75 sit 0.05 from the nearest rungs
        // (−0.5/−0.2 and 0.7/1.0), so both sides of both bounds are exercised without touching a kink.
        ShouldPassGradCheck(x => x[0].Clamp(-0.45, 0.75), Distinct(13, [3, 5], step: 0.3));
    }

    [Fact]
    public void Clamp_forward_limits_values_and_gradient_is_one_inside_zero_outside()
    {
        var x = Tensor.FromArray([-3.0, -1, 0.2, 1.5, 4]).RequireGrad();
        var y = x.Clamp(-1.2, 1.2);
        ShouldBeClose(y.ToArray(), [-1.2, -1, 0.2, 1.2, 1.2]);
        y.Sum().Backward();
        ShouldBeClose(x.Grad!.ToArray(), [0, 1, 1, 0, 0]);
    }

    [Fact]
    public void Comparisons_and_sign_are_not_recorded()
    {
        var x = Random(14, [4]).RequireGrad();
        (x > 0).RequiresGrad.ShouldBeFalse();
        (x <= Random(15, [4])).RequiresGrad.ShouldBeFalse();
        x.Sign().RequiresGrad.ShouldBeFalse();
        x.ElementwiseEquals(x).RequiresGrad.ShouldBeFalse();
    }

    [Fact]
    public void A_scalar_on_the_left_of_a_comparison_compares_elementwise()
    {
        var x = Tensor.FromArray([-1.0, 0.0, 2.0]);
        (0.0 < x).ToArray().ShouldBe([0.0, 0, 1]);
        (0.0 <= x).ToArray().ShouldBe([0.0, 1, 1]);
        (0.0 > x).ToArray().ShouldBe([1.0, 0, 0]);
        (0.0 >= x).ToArray().ShouldBe([1.0, 1, 0]);
    }

    [Fact]
    public void Where_with_two_scalars_builds_a_tensor_from_the_condition()
    {
        var r = Tensor.Where(Tensor.FromArray([1.0, 0.0, 1.0]), 5.0, -5.0);
        r.ToArray().ShouldBe([5.0, -5, 5]);
        r.RequiresGrad.ShouldBeFalse();
    }

    [Fact]
    public void Softmax_LogSoftmax_and_Softplus_methods_equal_the_functional_forms()
    {
        var x = Random(90, [2, 3]);
        x.Softmax(0).ToArray().ShouldBe(AutoGradNet.Functional.Softmax(x, 0).ToArray());
        x.LogSoftmax().ToArray().ShouldBe(AutoGradNet.Functional.LogSoftmax(x).ToArray());
        x.Softplus().ToArray().ShouldBe(AutoGradNet.Functional.Softplus(x).ToArray());
    }

    [Fact]
    public void Clamp_keeps_NaN_with_a_zero_gradient_as_PyTorch_does()
    {
        var x = Tensor.FromArray([double.NaN, 0.5, 3.0]).RequireGrad();
        var y = x.Clamp(0, 1);
        double.IsNaN(y.ItemAt(0)).ShouldBeTrue();
        y.Backward(Tensor.Ones([3]));
        x.Grad!.ToArray().ShouldBe([0.0, 1.0, 0.0]);
    }
}
