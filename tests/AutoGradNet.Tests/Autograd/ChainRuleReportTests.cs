using AutoGradNet.Autograd;

namespace AutoGradNet.Tests.Autograd;

/// <summary>The printed chain-rule trace: each node's attributes by type, constant inputs, the path count and the path list limit.</summary>
public class ChainRuleReportTests
{
    [Fact]
    public void The_trace_prints_each_nodes_attributes_and_constant_inputs()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var index = Tensor.FromArray([1L, 0]);
        var loss = (x.Pow(2.5).Sort(0, descending: true).Values.Gather(0, index) * Tensor.FromArray([3.0, 4.0])).Sum(0);
        var text = ChainRule.Trace(loss, x, name: "x").ToString();
        text.ShouldStartWith("Chain rule from the output [] to x [2]: 5 nodes, 1 path.\n");
        text.ShouldContain("\n[0] Sum  [2] -> []\n    with: axes=[0], keepDim=false\n");
        text.ShouldContain("\n[1] Mul  [2], [2] const -> [2]\n    rule: y = a·b;");
        text.ShouldContain("\n[2] Gather  [2] -> [2]\n    with: axis=0, index=<Int64 tensor of shape [2]>\n");
        text.ShouldContain("\n[3] Sort  [2] -> [2]\n    with: axis=0, descending=true\n");
        text.ShouldContain("\n[4] Pow  [2] -> [2]\n    with: exponent=2.5\n");
        text.ShouldContain("    to:   x\n");
        text.ShouldContain("Sum[0] -> Mul[1] -> Gather[2] -> Sort[3] -> Pow[4] -> x\n");
    }

    [Fact]
    public void Many_paths_are_counted_and_only_the_first_ones_listed()
    {
        // h ← eʰ + sin h four times: every level doubles the paths, 2⁴ = 16.
        var x = Tensor.FromArray([0.5]).RequireGrad();
        var h = x;
        for (var i = 0; i < 4; i++) h = h.Exp() + h.Sin();
        var trace = ChainRule.Trace(h.Sum(), x, name: "x");
        trace.PathCount.ShouldBe(16);
        trace.Paths.Count.ShouldBe(ChainRuleTrace.MaxListedPaths);
        var text = trace.ToString();
        text.ShouldContain(": 13 nodes, 16 paths (their contributions add up).\n");
        text.ShouldEndWith($"    ... and {16 - ChainRuleTrace.MaxListedPaths} more\n");
    }

    [Fact]
    public void A_path_count_past_the_range_of_long_is_given_as_its_maximum()
    {
        // 70 levels of h ← eʰ + sin h: 2⁷⁰ paths.
        var x = Tensor.FromArray([0.1]).RequireGrad();
        var h = x;
        for (var i = 0; i < 70; i++) h = (h.Exp() + h.Sin()) * 0.1;
        var trace = ChainRule.Trace(h.Sum(), x);
        trace.PathCount.ShouldBe(long.MaxValue);
        trace.Paths.Count.ShouldBe(ChainRuleTrace.MaxListedPaths);
    }

    [Fact]
    public void Multi_line_gradients_stay_indented_and_several_next_steps_are_listed()
    {
        var x = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } }).RequireGrad();
        var h = x * 2.0;
        var text = ChainRule.Trace((h.Exp() + h).Sum(), x).ToString();
        // h's gradient is 2×2: its second printed row is indented under the first.
        var gLine = text.Split('\n').First(l => l.StartsWith("    g:    tensor([[", StringComparison.Ordinal));
        var rows = text.Split('\n').SkipWhile(l => l != gLine).Take(2).ToArray();
        rows[1].ShouldStartWith("                  [", customMessage: text);
        text.ShouldContain("    to:   [2], [3]\n"); // the Add sends its gradient to Exp and to h's Mul
        text.ShouldContain("the traced tensor");
    }

    [Fact]
    public void A_trace_to_an_intermediate_marks_the_step_that_reaches_it()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var h = x.Exp();
        var trace = ChainRule.Trace((h * 3).Sum(), h, name: "h");
        trace.Steps[1].ReachesLeaf.ShouldBeTrue();
        trace.PathCount.ShouldBe(1);
        trace.ToString().ShouldContain("Sum[0] -> Mul[1] -> h\n");
    }

    [Fact]
    public void Null_arguments_are_refused_by_name()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        Should.Throw<ArgumentNullException>(() => ChainRule.Trace(null!, x)).ParamName.ShouldBe("output");
        Should.Throw<ArgumentNullException>(() => ChainRule.Trace(x.Sum(), null!)).ParamName.ShouldBe("leaf");
    }

    [Fact]
    public void Tracing_a_tensor_to_itself_has_no_steps_and_one_path()
    {
        var x = Tensor.Scalar(2.0).RequireGrad();
        var trace = ChainRule.Trace(x, x, name: "x");
        trace.Steps.Count.ShouldBe(0);
        trace.PathCount.ShouldBe(1);
        trace.LeafGradient.Item().ShouldBe(1.0);
    }
}
