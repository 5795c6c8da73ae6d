using AutoGradNet.Tests.Reference;
using AutoGradNet.Verification;
using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Views;

/// <summary>
/// Every view op against central finite differences (float64), on a contiguous and on a non-contiguous input, in
/// chains, and twice differentiated; forward values and gradients against PyTorch.
/// </summary>
public class ViewGradientTests
{
    /// <summary>A fixed weight per output element, so a gradient routed to the wrong element fails the check.</summary>
    private static Tensor Weighted(Tensor y) => y * Random(1000 + y.Size, y.Shape, 0.5, 1.5);

    /// <summary>A leaf of <paramref name="shape"/> whose strides are a transpose's (rank ≥ 2) or a step-2 slice's.</summary>
    private static Tensor NonContiguous(int seed, int[] shape)
    {
        var t = shape.Length >= 2 ? Random(seed, [.. shape.Reverse()]).T.Detach() : null;
        if (t is null || t.IsContiguous)
        {
            // Length-1 axes make a transpose contiguous: step along the last axis longer than 1 instead.
            var axis = Array.FindLastIndex(shape, d => d > 1);
            var doubled = (int[])shape.Clone();
            doubled[axis] *= 2;
            t = Random(seed, doubled).Slice(axis, 0, doubled[axis], 2).Detach();
        }
        t.Shape.ToArray().ShouldBe(shape);
        t.IsContiguous.ShouldBeFalse();
        t.IsLeaf.ShouldBeTrue();
        return t;
    }

    /// <summary>Checks <paramref name="view"/> on a contiguous input and on a non-contiguous one of the same shape.</summary>
    private static void CheckBothLayouts(Func<Tensor, Tensor> view, int[] shape)
    {
        GradCheck.Assert(x => Weighted(view(x[0])), [Random(1, shape)]);
        GradCheck.Assert(x => Weighted(view(x[0])), [NonContiguous(2, shape)]);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 0)]
    [InlineData(1, 2)]
    public void Transpose_matches_finite_differences(int a0, int a1) => CheckBothLayouts(x => x.Transpose(a0, a1), [2, 3, 4]);

    [Fact]
    public void T_and_Permute_match_finite_differences()
    {
        CheckBothLayouts(x => x.T, [3, 4]);
        CheckBothLayouts(x => x.T, [2, 3, 4]);
        CheckBothLayouts(x => x.Permute(2, 0, 1), [2, 3, 4]);
        CheckBothLayouts(x => x.Permute(-2, -1, -3), [2, 3, 4]);
    }

    [Theory]
    [InlineData(1, 0, 5, 1)]
    [InlineData(1, 0, 5, 2)]
    [InlineData(1, 1, 5, 3)]
    [InlineData(0, -3, -1, 1)]
    [InlineData(-1, -4, 100, 2)]
    [InlineData(0, -100, 4, 3)]
    [InlineData(1, 3, 2, 2)] // empty
    public void Slice_with_steps_and_negative_bounds_matches_finite_differences(int axis, int start, int end, int step)
        => CheckBothLayouts(x => x.Slice(axis, start, end, step), [4, 5]);

    [Theory]
    [InlineData(0, 1, 2)]
    [InlineData(-1, -3, 2)]
    [InlineData(1, 0, 0)]
    public void Narrow_matches_finite_differences(int axis, int start, int length)
        => CheckBothLayouts(x => x.Narrow(axis, start, length), [3, 4]);

    [Theory]
    [InlineData(0, -1)]
    [InlineData(1, 2)]
    [InlineData(-1, -2)]
    public void Select_with_negative_index_matches_finite_differences(int axis, int index)
        => CheckBothLayouts(x => x.Select(axis, index), [2, 3, 4]);

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Diagonal_of_a_matrix_with_an_offset_matches_finite_differences(int offset)
        => CheckBothLayouts(x => x.Diagonal(offset), [3, 4]);

    [Theory]
    [InlineData(0, 1, 2)]
    [InlineData(1, 0, 2)]
    [InlineData(-1, 2, 1)]
    [InlineData(0, -1, 0)]
    public void Diagonal_of_a_3d_tensor_over_an_axis_pair_matches_finite_differences(int offset, int axis1, int axis2)
        => CheckBothLayouts(x => x.Diagonal(offset, axis1, axis2), [2, 3, 4]);

    [Fact]
    public void Expand_matches_finite_differences()
    {
        CheckBothLayouts(x => x.Expand(2, 3, 4), [3, 1]);
        CheckBothLayouts(x => x.Expand(3, 4), [4]);
        CheckBothLayouts(x => x.Expand(2, 3, 4).Sum(0), [3, 4]);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(0, -1)]
    [InlineData(2, 2)]
    public void Flatten_matches_finite_differences(int start, int end) => CheckBothLayouts(x => x.Flatten(start, end), [2, 3, 4]);

    [Fact]
    public void Unflatten_with_an_inferred_size_matches_finite_differences()
    {
        CheckBothLayouts(x => x.Unflatten(1, 2, -1), [3, 6]);
        CheckBothLayouts(x => x.Unflatten(-1, -1, 3), [2, 6]);
        CheckBothLayouts(x => x.Unflatten(0, 1, 2, 1), [2, 3]);
    }

    [Fact]
    public void View_matches_finite_differences_when_the_layout_allows()
    {
        GradCheck.Assert(x => Weighted(x[0].View(6, 4)), [Random(1, [2, 3, 4])]);
        GradCheck.Assert(x => Weighted(x[0].View(-1)), [Random(1, [2, 3, 4])]);
        // Rows 0, 2, 4, 6 of a [8, 3, 2] tensor: strides [12, 2, 1]; the last two axes still merge and split.
        var stepped = Random(3, [8, 3, 2]).Slice(0, 0, 8, 2).Detach();
        stepped.IsContiguous.ShouldBeFalse();
        GradCheck.Assert(x => Weighted(x[0].View(4, 6)), [stepped]);
        GradCheck.Assert(x => Weighted(x[0].View(4, 2, 3)), [stepped]);
    }

    [Fact]
    public void Squeeze_and_Unsqueeze_match_finite_differences()
    {
        CheckBothLayouts(x => x.Unsqueeze(0), [3, 4]);
        CheckBothLayouts(x => x.Unsqueeze(-1), [3, 4]);
        CheckBothLayouts(x => x.Unsqueeze(1).Squeeze(1), [3, 4]);
        CheckBothLayouts(x => x.Squeeze(1), [3, 1]);
        CheckBothLayouts(x => x.Squeeze(), [1, 4]);
    }

    [Fact]
    public void Chains_of_views_match_finite_differences()
    {
        // A slice of a transpose of a diagonal.
        CheckBothLayouts(x => x.Diagonal(0, 1, 2).T.Slice(0, 1, 4, 2), [2, 4, 5]);
        // A select of an expand of a stepped slice, flattened.
        CheckBothLayouts(x => x.Slice(1, 0, 5, 2).Unsqueeze(0).Expand(2, 4, 3).Select(2, -1).Flatten(), [4, 5]);
        // A diagonal of a permute of a narrow, then a reshape that has to copy.
        CheckBothLayouts(x => x.Narrow(2, 1, 3).Permute(2, 0, 1).Diagonal(1, 0, 2).Reshape(-1), [2, 3, 4]);
        // The same element reached through two different views accumulates both gradients.
        CheckBothLayouts(x => x.T.Select(0, 1) * x.Select(1, 1) + x.Diagonal(), [3, 3]);
    }

    /// <summary>∂(Σ view(x)³ · w)/∂x as a function of x: its backward runs through ViewScatter's backward.</summary>
    private static Tensor GradientThroughView(Tensor x, Func<Tensor, Tensor> view)
        => AutoGrad.Grad(Weighted(view(x).Pow(3)).Sum(), [x], createGraph: true)[0];

    [Theory]
    [InlineData("Slice")]
    [InlineData("Select")]
    [InlineData("Diagonal")]
    [InlineData("Chain")]
    public void Double_backward_through_the_ViewScatter_backward_matches_finite_differences(string op)
    {
        Func<Tensor, Tensor> view = op switch
        {
            "Slice" => x => x.Slice(1, 1, 5, 2),
            "Select" => x => x.Select(0, -2),
            "Diagonal" => x => x.Diagonal(1),
            _ => x => x.T.Diagonal(-1).Slice(0, 0, 3, 2),
        };
        var first = GradientThroughView(Random(4, [3, 5]).RequireGrad(), view);
        first.GradFn.ShouldNotBeNull().OpName.ShouldBe(op == "Chain" ? "Permute" : op + "Scatter"); // the chain's last backward step undoes .T
        GradCheck.Assert(x => Weighted(GradientThroughView(x[0], view)), [Random(4, [3, 5])]);
        GradCheck.Assert(x => Weighted(GradientThroughView(x[0], view)), [NonContiguous(5, [3, 5])]);
    }

    [Fact]
    public void The_ViewScatter_backward_is_itself_differentiable_to_third_order()
    {
        // Σ w·(x.Diagonal())⁴: the second derivative's backward runs StridedView again.
        var x = Random(6, [3, 3]).RequireGrad();
        var g1 = AutoGrad.Grad(x.Diagonal().Pow(4).Sum(), [x], createGraph: true)[0];
        var g2 = AutoGrad.Grad(g1.Sum(), [x], createGraph: true)[0];
        var g3 = AutoGrad.Grad(g2.Sum(), [x])[0];
        // d³/dx³ x⁴ = 24x on the diagonal, 0 elsewhere.
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++) g3.ItemAt(i, j).ShouldBe(i == j ? 24 * x.ItemAt(i, i) : 0, 1e-12);
    }

    // ---- PyTorch reference cases ----

    public static TheoryData<string> ReferenceCases =>
    [
        .. new[] { "diagonal", "narrow", "select", "unflatten", "slice" }.SelectMany(op => TorchReference.Cases(op)).Select(c => c.Name),
    ];

    private static Tensor ApplyCase(TorchCase c, Tensor x) => c.Op switch
    {
        "diagonal" => x.Diagonal(c.IntAttr("offset"), c.IntAttr("dim1"), c.IntAttr("dim2")),
        "narrow" => x.Narrow(c.IntAttr("dim"), c.IntAttr("start"), c.IntAttr("length")),
        "select" => x.Select(c.IntAttr("dim"), c.IntAttr("index")),
        "unflatten" => x.Unflatten(c.IntAttr("dim"), c.IntArrayAttr("sizes")!),
        "slice" => ApplySlices(c, x),
        _ => throw new ArgumentOutOfRangeException(nameof(c), c.Op, null),
    };

    /// <summary>Python's <c>x[a:b:c, ...]</c>, one [start, stop, step] triple (entries may be null) per axis.</summary>
    private static Tensor ApplySlices(TorchCase c, Tensor x)
    {
        var axis = 0;
        foreach (var triple in c.Attrs["slices"].EnumerateArray())
        {
            var parts = triple.EnumerateArray().Select(e => e.ValueKind == System.Text.Json.JsonValueKind.Null ? (int?)null : e.GetInt32()).ToArray();
            x = x.Slice(axis, parts[0] ?? 0, parts[1] ?? int.MaxValue, parts[2] ?? 1);
            axis++;
        }
        return x;
    }

    [Theory]
    [MemberData(nameof(ReferenceCases))]
    public void Values_and_gradients_match_PyTorch(string name)
    {
        var c = TorchReference.Case(name);
        var x = c.Inputs[0].ToTensor().RequireGrad();
        var y = ApplyCase(c, x);
        var expected = c.Outputs[0];
        y.Shape.ToArray().ShouldBe(expected.Shape);
        ShouldBeClose(y.ToArray(), expected.Data, 0, 1e-12);
        if (c.GradOutput is { } seed && c.Grads[0] is { } grad)
        {
            y.Backward(seed.ToTensor());
            ShouldBeClose(x.Grad!.ToArray(), grad.Data, 0, 1e-12);
        }

        // The same case on a non-contiguous copy of the input gives the same values.
        var transposedLeaf = c.Inputs[0].ToTensor().T.Contiguous().T.Detach();
        if (transposedLeaf.Rank >= 2) transposedLeaf.IsContiguous.ShouldBeFalse();
        ShouldBeClose(ApplyCase(c, transposedLeaf).ToArray(), expected.Data, 0, 1e-12);
    }

    [Fact]
    public void Every_view_op_has_PyTorch_reference_cases()
    {
        foreach (var op in new[] { "diagonal", "narrow", "select", "unflatten", "slice" })
            TorchReference.Cases(op).Count.ShouldBeGreaterThan(1, op);
    }
}
