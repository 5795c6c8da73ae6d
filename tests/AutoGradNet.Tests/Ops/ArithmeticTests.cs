using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>Add, Sub, Mul, Div (tensor–tensor with broadcasting, tensor–double both ways) against finite differences.</summary>
public class ArithmeticTests
{
    /// <summary>Operand shape pairs that exercise every broadcasting case: equal, trailing, both-sided, rank-extending and 0-d.</summary>
    public static TheoryData<int[], int[]> BroadcastShapes => new()
    {
        { [2, 3], [2, 3] },
        { [2, 3], [3] },
        { [3], [2, 3] },
        { [4, 1], [1, 5] },
        { [2, 1, 3], [4, 3] },
        { [4, 3], [2, 1, 3] },
        { [], [3] },
        { [3], [] },
        { [], [] },
        { [2, 3, 1], [1] },
    };

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void Add_backward_matches_finite_differences_under_broadcasting(int[] shapeA, int[] shapeB) =>
        ShouldPassGradCheck(x => x[0] + x[1], Random(1, shapeA), Random(2, shapeB));

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void Sub_backward_matches_finite_differences_under_broadcasting(int[] shapeA, int[] shapeB) =>
        ShouldPassGradCheck(x => x[0] - x[1], Random(3, shapeA), Random(4, shapeB));

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void Mul_backward_matches_finite_differences_under_broadcasting(int[] shapeA, int[] shapeB) =>
        ShouldPassGradCheck(x => x[0] * x[1], Random(5, shapeA), Random(6, shapeB));

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void Div_backward_matches_finite_differences_under_broadcasting(int[] shapeA, int[] shapeB) =>
        // The divisor is kept away from 0, where 1/b blows up.
        ShouldPassGradCheck(x => x[0] / x[1], Random(7, shapeA), AwayFromZero(8, shapeB, margin: 0.5));

    [Fact]
    public void Add_and_sub_with_a_double_on_either_side_match_finite_differences()
    {
        ShouldPassGradCheck(x => x[0] + 1.5, Random(9, [2, 3]));
        ShouldPassGradCheck(x => 1.5 + x[0], Random(10, [2, 3]));
        ShouldPassGradCheck(x => x[0] - 0.7, Random(11, [2, 3]));
        ShouldPassGradCheck(x => 0.7 - x[0], Random(12, [2, 3]));
    }

    [Fact]
    public void Mul_and_div_with_a_double_on_either_side_match_finite_differences()
    {
        ShouldPassGradCheck(x => x[0] * -2.5, Random(13, [2, 3]));
        ShouldPassGradCheck(x => -2.5 * x[0], Random(14, [2, 3]));
        ShouldPassGradCheck(x => x[0] / 3.0, Random(15, [2, 3]));
        ShouldPassGradCheck(x => 3.0 / x[0], AwayFromZero(16, [2, 3], margin: 0.5));
    }

    [Fact]
    public void Neg_backward_matches_finite_differences() =>
        ShouldPassGradCheck(x => -x[0], Random(17, [3, 4]));

    [Fact]
    public void Named_methods_Add_Sub_Mul_Div_Neg_match_finite_differences() =>
        ShouldPassGradCheck(x => x[0].Add(x[1]).Mul(x[0]).Sub(x[1]).Div(x[2]).Neg(),
            Random(18, [2, 3]), Random(19, [3]), AwayFromZero(20, [2, 1], margin: 0.5));

    [Fact]
    public void Using_the_same_tensor_twice_accumulates_both_gradients()
    {
        // d/dx (x·x + x) = 2x + 1, derived by hand.
        var x = Random(21, [5]).RequireGrad();
        (x * x + x).Sum().Backward();
        var expected = Array.ConvertAll(x.ToArray(), v => 2 * v + 1);
        ShouldBeClose(x.Grad!.ToArray(), expected);
    }

    [Fact]
    public void Broadcast_gradient_is_summed_back_to_the_smaller_operand_shape()
    {
        // z = a[4,1] · b[1,5]; ∂sum(z)/∂a[i] = Σ_j b[j], ∂sum(z)/∂b[j] = Σ_i a[i].
        var a = Random(22, [4, 1]).RequireGrad();
        var b = Random(23, [1, 5]).RequireGrad();
        (a * b).Sum().Backward();
        a.Grad!.Shape.ShouldBe(new Shape(4, 1));
        b.Grad!.Shape.ShouldBe(new Shape(1, 5));
        var sumA = a.ToArray().Sum();
        var sumB = b.ToArray().Sum();
        ShouldBeClose(a.Grad.ToArray(), Enumerable.Repeat(sumB, 4).ToArray(), 1e-12);
        ShouldBeClose(b.Grad.ToArray(), Enumerable.Repeat(sumA, 5).ToArray(), 1e-12);
    }

    [Fact]
    public void Div_gradient_matches_the_quotient_rule_by_hand()
    {
        // ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b².
        var a = Random(24, [4]).RequireGrad();
        var b = AwayFromZero(25, [4], margin: 0.5).RequireGrad();
        (a / b).Sum().Backward();
        double[] av = a.ToArray(), bv = b.ToArray();
        ShouldBeClose(a.Grad!.ToArray(), [.. av.Select((_, i) => 1 / bv[i])]);
        ShouldBeClose(b.Grad!.ToArray(), [.. av.Select((v, i) => -v / (bv[i] * bv[i]))]);
    }

    [Fact]
    public void Forward_broadcast_values_match_a_hand_written_loop()
    {
        var a = Random(26, [2, 1, 3]);
        var b = Random(27, [4, 3]);
        var r = a * b + a / (b * b + 1);
        r.Shape.ShouldBe(new Shape(2, 4, 3));
        double[] av = a.ToArray(), bv = b.ToArray();
        var expected = new double[24];
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 4; j++)
                for (var k = 0; k < 3; k++)
                {
                    double x = av[i * 3 + k], y = bv[j * 3 + k];
                    expected[(i * 4 + j) * 3 + k] = x * y + x / (y * y + 1);
                }
        ShouldBeClose(r.ToArray(), expected);
    }
}
