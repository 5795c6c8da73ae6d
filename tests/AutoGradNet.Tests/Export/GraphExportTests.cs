using System.Text.RegularExpressions;
using AutoGradNet.Export;

namespace AutoGradNet.Tests.Export;

/// <summary>Runs only where Graphviz's <c>dot</c> is on the PATH; skipped, saying so, elsewhere.</summary>
public sealed class DotFactAttribute : FactAttribute
{
    public DotFactAttribute()
    {
        if (!GraphExport.IsDotAvailable) Skip = "Graphviz 'dot' is not on the PATH (install the graphviz package to run this test).";
    }
}

public partial class GraphExportTests
{
    [GeneratedRegex(@"^  (?<id>[nlc]\d+) \[label=""(?<label>(?:[^""\\]|\\.)*)""(?<attrs>[^\]]*)\];$", RegexOptions.Multiline)]
    private static partial Regex NodeLine();

    [GeneratedRegex(@"^  (?<from>[nlc]\d+) -> (?<to>n\d+)(?: \[label=""\d+""\])?;$", RegexOptions.Multiline)]
    private static partial Regex EdgeLine();

    /// <summary>(a·b + c).Sum() with leaves a, b and a constant c.</summary>
    private static (Tensor Loss, Tensor A, Tensor B) Tiny()
    {
        var a = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var b = Tensor.FromArray([3.0, 4.0]).RequireGrad();
        var c = Tensor.FromArray([0.5, 0.5]);
        return ((a * b + c).Sum(), a, b);
    }

    /// <summary>Every line is a header, a default, a node, an edge or the closing brace: nothing else.</summary>
    private static void ShouldBeWellFormed(string dot)
    {
        var lines = dot.TrimEnd('\n').Split('\n');
        lines[0].ShouldBe("digraph autograd {");
        lines[^1].ShouldBe("}");
        foreach (var line in lines[1..^1])
        {
            var ok = line.StartsWith("  node [", StringComparison.Ordinal) || line.StartsWith("  edge [", StringComparison.Ordinal)
                || NodeLine().IsMatch(line) || EdgeLine().IsMatch(line);
            ok.ShouldBeTrue($"not a DOT statement of the expected forms: {line}");
        }
        var ids = NodeLine().Matches(dot).Select(m => m.Groups["id"].Value).ToHashSet();
        foreach (Match e in EdgeLine().Matches(dot))
        {
            ids.ShouldContain(e.Groups["from"].Value);
            ids.ShouldContain(e.Groups["to"].Value);
        }
    }

    [Fact]
    public void A_tiny_graph_has_one_node_per_op_leaf_and_constant_and_one_edge_per_input()
    {
        var (loss, a, b) = Tiny();
        var dot = GraphExport.ToDot(loss, new DotOptions { Names = new Dictionary<Tensor, string> { [a] = "a", [b] = "b" } });
        ShouldBeWellFormed(dot);
        var labels = NodeLine().Matches(dot).Select(m => m.Groups["label"].Value).ToList();
        labels.ShouldBe(["a\\n[2]", "b\\n[2]", "Sum\\n[]", "Add\\n[2]", "const\\n[2]", "Mul\\n[2]"], ignoreOrder: true);
        EdgeLine().Matches(dot).Count.ShouldBe(5); // a→Mul, b→Mul, Mul→Add, const→Add, Add→Sum
        dot.ShouldContain("n0 [label=\"Sum\\n[]\", shape=ellipse, penwidth=2];");
        dot.ShouldContain("style=dashed");
        dot.ShouldContain("fillcolor=\"#dbe9f6\"");
        dot.ShouldContain("n1 -> n0;"); // Add → Sum, a single input: no position label
        dot.ShouldContain("c0 -> n1 [label=\"1\"];");
    }

    [Fact]
    public void Without_constants_and_names_leaves_read_leaf()
    {
        var (loss, _, _) = Tiny();
        var dot = GraphExport.ToDot(loss, new DotOptions { ShowConstants = false });
        ShouldBeWellFormed(dot);
        NodeLine().Matches(dot).Count.ShouldBe(5);
        EdgeLine().Matches(dot).Count.ShouldBe(4);
        Regex.Matches(dot, @"label=""leaf\\n\[2\]""").Count.ShouldBe(2);
    }

    [Fact]
    public void A_tensor_used_twice_is_one_node_with_two_edges()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        var h = x.Exp();
        var dot = GraphExport.ToDot((h * h).Sum());
        NodeLine().Matches(dot).Count.ShouldBe(4); // Sum, Mul, Exp, leaf
        EdgeLine().Matches(dot).Count.ShouldBe(4); // Mul→Sum, Exp→Mul twice, x→Exp
    }

    [Fact]
    public void Values_and_gradients_appear_in_the_labels_without_touching_Grad()
    {
        // L = Σ(a·b + c): ∂L/∂a = b, ∂L/∂b = a, and 1 flows into Add and Mul.
        var (loss, a, b) = Tiny();
        var dot = GraphExport.ToDot(loss, new DotOptions { ShowValues = true, ShowGradients = true, Names = new Dictionary<Tensor, string> { [a] = "a" } });
        ShouldBeWellFormed(dot);
        dot.ShouldContain("a\\n[2]\\nvalue [1, 2]\\ngrad [3, 4]");
        dot.ShouldContain("leaf\\n[2]\\nvalue [3, 4]\\ngrad [1, 2]");
        dot.ShouldContain("Sum\\n[]\\nvalue [12]\\ngrad [1]");
        dot.ShouldContain("Mul\\n[2]\\ngrad [1, 1]");
        a.Grad.ShouldBeNull();
        loss.Backward(); // the graph was kept
    }

    [Fact]
    public void Large_tensors_are_abbreviated()
    {
        var x = Tensor.Arange(10).To(DType.Float64).RequireGrad();
        var dot = GraphExport.ToDot((x * 2).Sum(), new DotOptions { ShowValues = true, MaxElements = 4 });
        dot.ShouldContain("value [0, 1, …, 8, 9] (10 values)");
    }

    [Fact]
    public void Quotes_backslashes_and_line_breaks_in_names_are_escaped()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        var dot = GraphExport.ToDot((x * 2).Sum(), new DotOptions { Names = new Dictionary<Tensor, string> { [x] = "say \"hi\"\\path\r\nnext" } });
        dot.ShouldContain("label=\"say \\\"hi\\\"\\\\path\\nnext\\n[1]\"");
        ShouldBeWellFormed(dot);
    }

    [Fact]
    public void A_leaf_output_is_a_single_node_and_a_constant_output_too()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        var dot = GraphExport.ToDot(x);
        ShouldBeWellFormed(dot);
        NodeLine().Matches(dot).Count.ShouldBe(1);
        EdgeLine().Matches(dot).Count.ShouldBe(0);
        GraphExport.ToDot(Tensor.FromArray([2.0])).ShouldContain("label=\"tensor\\n[1]\"");
    }

    [Fact]
    public void Gradients_need_a_scalar_output()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        Should.Throw<InvalidOperationException>(() => GraphExport.ToDot(x * 2, new DotOptions { ShowGradients = true })).Message
            .ShouldStartWith("GraphExport.ToDot (ShowGradients): a gradient can be implied only for a single-element output");
    }

    [Fact]
    public void The_tutorial_network_graph_is_well_formed()
    {
        var random = new Random(1);
        var w1 = Tensor.Uniform([3, 4], random).RequireGrad();
        var w2 = Tensor.Uniform([4, 1], random).RequireGrad();
        var x = Tensor.FromArray(new double[,] { { 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, 1 }, { 1, 1, 1 } });
        var loss = AutoGradNet.Functional.SumSquaredError(x.MatMul(w1).Sigmoid().MatMul(w2).Sigmoid(), Tensor.FromArray([0.0, 1, 1, 0], 4, 1));
        var dot = GraphExport.ToDot(loss, new DotOptions { ShowGradients = true });
        ShouldBeWellFormed(dot);
        Regex.Matches(dot, "label=\"MatMul").Count.ShouldBe(2);
    }

    [DotFact]
    public void Dot_renders_the_export_to_SVG()
    {
        var (loss, a, _) = Tiny();
        var path = Path.Combine(Path.GetTempPath(), $"autogradnet-{Guid.NewGuid():N}.svg");
        try
        {
            GraphExport.RenderSvg(GraphExport.ToDot(loss, new DotOptions { ShowGradients = true, Names = new Dictionary<Tensor, string> { [a] = "a \"quoted\"" } }), path);
            var svg = File.ReadAllText(path);
            svg.ShouldContain("<svg");
            svg.ShouldContain(">Mul</text>");
            svg.ShouldContain("a &quot;quoted&quot;");
            Regex.Matches(svg, "class=\"node\"").Count.ShouldBe(6);
            Regex.Matches(svg, "class=\"edge\"").Count.ShouldBe(5);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [DotFact]
    public void Invalid_DOT_is_reported_with_dot_s_message_and_writes_no_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"autogradnet-{Guid.NewGuid():N}.svg");
        var e = Should.Throw<InvalidOperationException>(() => GraphExport.RenderSvg("digraph { a -> ", path));
        e.Message.ShouldStartWith("GraphExport.RenderSvg: dot exited with code");
        e.Message.ShouldContain("syntax error");
        File.Exists(path).ShouldBeFalse();
    }
}
