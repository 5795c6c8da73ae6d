using AutoGradNet.Autograd;

namespace AutoGradNet.Tests.Autograd;

/// <summary>
/// The descriptors (<see cref="Node.OpName"/>, <see cref="Node.Attributes"/>) of the selection, sorting and scan ops,
/// and of the nodes their backward records under createGraph: the attributes are the op's normalized arguments.
/// </summary>
public class SelectionDescriptorTests
{
    private static Tensor X() => Tensor.FromArray([3.0, 1, 2, 6, 5, 4], 2, 3).RequireGrad();

    private static readonly Tensor Index = Tensor.FromArray([2L, 0, 1, 1], 2, 2);

    private static void ShouldDescribe(Node? node, string opName, Dictionary<string, object> attributes)
    {
        node.ShouldNotBeNull();
        node.OpName.ShouldBe(opName);
        node.Attributes.Keys.OrderBy(k => k, StringComparer.Ordinal)
            .ShouldBe(attributes.Keys.OrderBy(k => k, StringComparer.Ordinal), opName);
        foreach (var (key, value) in attributes)
        {
            var actual = node.Attributes[key];
            if (value is Tensor t) actual.ShouldBeSameAs(t, $"{opName}.{key}");
            else actual.ShouldBe(value, $"{opName}.{key}");
        }
    }

    /// <summary>The node recorded by the backward of <paramref name="y"/>'s node, with a gradient that requires grad.</summary>
    private static Node? BackwardNode(Tensor y, Tensor x)
    {
        var v = Tensor.Ones(y.Shape).RequireGrad();
        return AutoGrad.Grad(y, [x], v, createGraph: true)[0].GradFn;
    }

    [Fact]
    public void Gather_and_ScatterAdd_describe_the_normalized_axis_and_the_index()
    {
        var x = X();
        ShouldDescribe(x.Gather(-1, Index).GradFn, "Gather", new() { ["axis"] = 1, ["index"] = Index });
        var rows = Tensor.FromArray([1L, 0, 1], 1, 3);
        ShouldDescribe(x.ScatterAdd(-2, rows, x).GradFn, "ScatterAdd", new() { ["axis"] = 0, ["index"] = rows });
        // Gather's backward is a ScatterAdd into zeros, along the same axis and with the same index.
        ShouldDescribe(BackwardNode(x.Gather(-1, Index), x), "ScatterAdd", new() { ["axis"] = 1, ["index"] = Index });
    }

    [Fact]
    public void IndexSelect_IndexAdd_and_MaskedSelect_describe_their_arguments()
    {
        var x = X();
        var index = Tensor.FromArray([2L, 0]);
        ShouldDescribe(x.IndexSelect(-1, index).GradFn, "IndexSelect", new() { ["axis"] = 1 });
        ShouldDescribe(x.IndexAdd(-1, index, Tensor.Ones([2, 2]), alpha: 2.5).GradFn, "IndexAdd", new() { ["axis"] = 1, ["alpha"] = 2.5 });
        ShouldDescribe(BackwardNode(x.IndexSelect(1, index), x), "IndexAdd", new() { ["axis"] = 1, ["alpha"] = 1.0 });
        var mask = Tensor.FromArray([true, false, true]);
        ShouldDescribe(x.MaskedSelect(mask).GradFn, "MaskedSelect", []);
        ShouldDescribe(BackwardNode(x.MaskedSelect(mask), x), "MaskedScatter", []);
    }

    [Fact]
    public void Sort_TopK_and_the_extremes_describe_their_arguments()
    {
        var x = X();
        ShouldDescribe(x.Sort(-1).Values.GradFn, "Sort", new() { ["axis"] = 1, ["descending"] = false });
        ShouldDescribe(x.Sort(0, descending: true).Values.GradFn, "Sort", new() { ["axis"] = 0, ["descending"] = true });
        ShouldDescribe(x.TopK(2, -1, largest: false, sorted: false).Values.GradFn, "TopK",
            new() { ["k"] = 2, ["axis"] = 1, ["largest"] = false, ["sorted"] = false });
        ShouldDescribe(x.TopK(1, 0).Values.GradFn, "TopK", new() { ["k"] = 1, ["axis"] = 0, ["largest"] = true, ["sorted"] = true });
        ShouldDescribe(x.MaxWithIndices(-1).Values.GradFn?.NextFunctions[0], "MaxWithIndices", new() { ["axis"] = 1, ["keepDim"] = false });
        ShouldDescribe(x.MinWithIndices(0, keepDim: true).Values.GradFn, "MinWithIndices", new() { ["axis"] = 0, ["keepDim"] = true });
        var scalar = Tensor.Scalar(2.0).RequireGrad();
        ShouldDescribe(scalar.MaxWithIndices(0, keepDim: true).Values.GradFn?.NextFunctions[0], "MaxWithIndices",
            new() { ["axis"] = 0, ["keepDim"] = true });
    }

    [Fact]
    public void The_backward_of_a_sort_puts_along_the_axis_and_its_backward_takes_along_it()
    {
        var x = X();
        var y = x.Sort(-1).Values;
        var v = Tensor.Ones(y.Shape).RequireGrad();
        var g = AutoGrad.Grad(y, [x], v, createGraph: true)[0];
        ShouldDescribe(g.GradFn, "PutAlong", new() { ["axis"] = 1 });
        var w = Tensor.Ones(g.Shape).RequireGrad();
        var gg = AutoGrad.Grad(g, [v], w, createGraph: true)[0];
        ShouldDescribe(gg.GradFn, "TakeAlong", new() { ["axis"] = 1 });
        g.GradFn!.Rule.ShouldStartWith("y = zeros with g′ added at the indices");
        gg.GradFn!.Rule.ShouldStartWith("y = x at the indices along the axis"); // a primitive, not "user-defined backward"
    }

    [Fact]
    public void CumSum_and_CumProd_describe_the_axis_and_the_reverse_sum_is_named()
    {
        var x = X();
        ShouldDescribe(x.CumSum(-1).GradFn, "CumSum", new() { ["axis"] = 1 });
        ShouldDescribe(x.CumProd(-2).GradFn, "CumProd", new() { ["axis"] = 0 });
        ShouldDescribe(BackwardNode(x.CumSum(0), x), "ReverseCumSum", new() { ["axis"] = 0 });
    }
}
