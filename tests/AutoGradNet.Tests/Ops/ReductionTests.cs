using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>Sum, Mean, Max and Min over all, one, several and negative axes, with and without keepDim.</summary>
public class ReductionTests
{
    /// <summary>Axis lists for a [2, 3, 4] input; empty means all axes.</summary>
    public static TheoryData<int[], bool> AxesAndKeepDim
    {
        get
        {
            var data = new TheoryData<int[], bool>();
            int[][] axes = [[], [0], [1], [2], [-1], [-3], [0, 2], [-1, 0], [0, 1, 2], [1, -1]];
            foreach (var a in axes)
            {
                data.Add(a, false);
                data.Add(a, true);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(AxesAndKeepDim))]
    public void Sum_over_axes_matches_finite_differences(int[] axes, bool keepDim) =>
        ShouldPassGradCheck(x => x[0].Sum(axes, keepDim), Random(1, [2, 3, 4]));

    [Theory]
    [MemberData(nameof(AxesAndKeepDim))]
    public void Mean_over_axes_matches_finite_differences(int[] axes, bool keepDim) =>
        ShouldPassGradCheck(x => x[0].Mean(axes, keepDim), Random(2, [2, 3, 4]));

    [Theory]
    [MemberData(nameof(AxesAndKeepDim))]
    public void Max_over_axes_matches_finite_differences_without_ties(int[] axes, bool keepDim) =>
        ShouldPassGradCheck(x => x[0].Max(axes, keepDim), Distinct(3, [2, 3, 4]));

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(-1, false)]
    [InlineData(-2, true)]
    public void Single_axis_overloads_of_Sum_Mean_Max_Min_match_finite_differences(int axis, bool keepDim)
    {
        ShouldPassGradCheck(x => x[0].Sum(axis, keepDim), Random(4, [3, 4]));
        ShouldPassGradCheck(x => x[0].Mean(axis, keepDim), Random(5, [3, 4]));
        ShouldPassGradCheck(x => x[0].Max(axis, keepDim), Distinct(6, [3, 4]));
        ShouldPassGradCheck(x => x[0].Min(axis, keepDim), Distinct(7, [3, 4]));
    }

    [Fact]
    public void Whole_tensor_Sum_Mean_Max_Min_match_finite_differences()
    {
        ShouldPassGradCheck(x => x[0].Sum(), Random(8, [3, 4]));
        ShouldPassGradCheck(x => x[0].Mean(), Random(9, [3, 4]));
        ShouldPassGradCheck(x => x[0].Max(), Distinct(10, [3, 4]));
        ShouldPassGradCheck(x => x[0].Min(), Distinct(11, [3, 4]));
    }

    [Theory]
    [MemberData(nameof(AxesAndKeepDim))]
    public void Sum_Mean_Max_forward_values_and_shapes_match_a_hand_written_loop(int[] axes, bool keepDim)
    {
        int[] dims = [2, 3, 4];
        var x = Distinct(12, dims);
        var v = x.ToArray();
        var reduced = new bool[3];
        if (axes.Length == 0) reduced = [true, true, true];
        foreach (var a in axes) reduced[a < 0 ? a + 3 : a] = true;

        var keptDims = dims.Select((d, i) => reduced[i] ? 1 : d).ToArray();
        var count = dims.Where((_, i) => reduced[i]).Aggregate(1, (p, d) => p * d);
        var sums = new double[keptDims[0] * keptDims[1] * keptDims[2]];
        var maxs = Enumerable.Repeat(double.NegativeInfinity, sums.Length).ToArray();
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 3; j++)
                for (var k = 0; k < 4; k++)
                {
                    var o = ((reduced[0] ? 0 : i) * keptDims[1] + (reduced[1] ? 0 : j)) * keptDims[2] + (reduced[2] ? 0 : k);
                    var value = v[(i * 3 + j) * 4 + k];
                    sums[o] += value;
                    maxs[o] = Math.Max(maxs[o], value);
                }
        var expectedShape = keepDim ? keptDims : dims.Where((_, i) => !reduced[i]).ToArray();

        var sum = x.Sum(axes, keepDim);
        sum.Shape.ShouldBe(new Shape(expectedShape));
        ShouldBeClose(sum.ToArray(), sums, 1e-13);
        var mean = x.Mean(axes, keepDim);
        mean.Shape.ShouldBe(new Shape(expectedShape));
        ShouldBeClose(mean.ToArray(), [.. sums.Select(s => s / count)], 1e-13);
        var max = x.Max(axes, keepDim);
        max.Shape.ShouldBe(new Shape(expectedShape));
        ShouldBeClose(max.ToArray(), maxs, 0);
    }

    [Fact]
    public void Max_gradient_is_shared_equally_among_tied_maxima()
    {
        // max([1, 3, 3]) = 3 is attained twice: each copy gets half of the gradient.
        var x = Tensor.FromArray([1.0, 3, 3]).RequireGrad();
        var m = x.Max();
        m.Item().ShouldBe(3);
        m.Backward();
        ShouldBeClose(x.Grad!.ToArray(), [0, 0.5, 0.5]);
    }

    [Fact]
    public void Max_gradient_over_an_axis_splits_ties_within_each_slice_only()
    {
        // Row 0 has a three-way tie (1/3 each), row 1 a unique maximum, row 2 a two-way tie; weights scale each row.
        var x = Tensor.FromArray([5.0, 5, 5, 1, 7, 2, -1, -4, -1], 3, 3).RequireGrad();
        var m = x.Max(1);
        ShouldBeClose(m.ToArray(), [5, 7, -1]);
        (m * Tensor.FromArray([3.0, 2, 4])).Sum().Backward();
        ShouldBeClose(x.Grad!.ToArray(), [1, 1, 1, 0, 2, 0, 2, 0, 2], 1e-15);
    }

    [Fact]
    public void Max_over_all_axes_shares_a_tie_across_rows()
    {
        var x = Tensor.FromArray([4.0, 1, 2, 4], 2, 2).RequireGrad();
        x.Max([0, 1]).Backward();
        ShouldBeClose(x.Grad!.ToArray(), [0.5, 0, 0, 0.5]);
    }

    [Fact]
    public void Min_gradient_is_shared_equally_among_tied_minima()
    {
        var x = Tensor.FromArray([-2.0, 0, -2, -2]).RequireGrad();
        x.Min().Backward();
        ShouldBeClose(x.Grad!.ToArray(), [1.0 / 3, 0, 1.0 / 3, 1.0 / 3], 1e-15);
    }

    [Fact]
    public void Mean_gradient_is_one_over_the_reduced_count()
    {
        var x = Random(13, [2, 3, 4]).RequireGrad();
        x.Mean([0, 2]).Sum().Backward();
        ShouldBeClose(x.Grad!.ToArray(), Enumerable.Repeat(1.0 / 8, 24).ToArray());
    }

    [Fact]
    public void Reductions_of_a_0d_tensor_are_the_identity_with_gradient_one()
    {
        var x = Tensor.Scalar(1.25).RequireGrad();
        var y = x.Sum() + x.Max() + x.Mean();
        y.Item().ShouldBe(3.75);
        y.Backward();
        x.Grad!.Item().ShouldBe(3);
    }

    [Fact]
    public void Reductions_inside_a_larger_expression_match_finite_differences() =>
        // A normalisation-like composite: (x − max_row) / sum_row(x²).
        ShouldPassGradCheck(x => (x[0] - x[0].Max(-1, keepDim: true)) / (x[0] * x[0]).Sum(-1, keepDim: true),
            Distinct(14, [3, 4]));

    [Fact]
    public void Float32_sums_over_many_terms_stay_accurate_with_pairwise_summation()
    {
        // Sequential float32 accumulation of 0.1f drifts by about 1% over a million terms; pairwise summation
        // keeps the error near float32 rounding of the result (0.1f itself is 0.100000001490116).
        const double term = 0.100000001490116;
        var columns = Tensor.Full([1_000_000, 2], 0.1, DType.Float32).Sum(0).ToArray();
        columns[0].ShouldBe(1_000_000 * term, 1_000_000 * term * 1e-5);
        columns[1].ShouldBe(columns[0]);
        Tensor.Full([3_000_000], 0.1, DType.Float32).Mean().Item().ShouldBe(term, term * 1e-5);
        Tensor.Full([2, 1_000_000], 0.1, DType.Float32).Sum(1).ToArray()[1].ShouldBe(1_000_000 * term, 1_000_000 * term * 1e-5);
    }
}
