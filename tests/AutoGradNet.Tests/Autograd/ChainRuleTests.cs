using System.Reflection;
using System.Runtime.CompilerServices;
using AutoGradNet.Autograd;
using AutoGradNet.Ops;

namespace AutoGradNet.Tests.Autograd;

public class ChainRuleTests
{
    private static readonly double[,] X = { { 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, 1 }, { 1, 1, 1 } };
    private static readonly double[] Y = [0, 1, 1, 0];

    [Fact]
    public void A_product_traces_Sum_then_Mul_with_the_rule_and_the_gradient_at_each()
    {
        var a = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var b = Tensor.FromArray([3.0, 4.0]).RequireGrad();
        var loss = (a * b).Sum();
        var trace = ChainRule.Trace(loss, a);
        trace.Steps.Select(s => s.OpName).ShouldBe(["Sum", "Mul"]);
        trace.Steps[0].Gradient.Item().ShouldBe(1.0);
        trace.Steps[0].OutputShape.ShouldBe(Shape.Scalar);
        trace.Steps[1].Gradient.ToArray().ShouldBe([1.0, 1.0]);
        trace.Steps[1].Rule.ShouldContain("∂y/∂a = b, ∂y/∂b = a");
        trace.Steps[1].ReachesLeaf.ShouldBeTrue();
        trace.Steps[0].Next.ShouldBe([1]);
        trace.LeafGradient.ToArray().ShouldBe([3.0, 4.0]);
        trace.PathCount.ShouldBe(1);
        a.Grad.ShouldBeNull();
        b.Grad.ShouldBeNull();
        loss.Backward(); // the graph was kept
        a.Grad!.ToArray().ShouldBe([3.0, 4.0]);
    }

    [Fact]
    public void Two_uses_of_the_leaf_give_two_paths_whose_contributions_add_up()
    {
        // L = Σ(x·x + x): paths through Mul (twice: both operands) and through Add.
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var trace = ChainRule.Trace((x * x + x).Sum(), x, name: "x");
        trace.LeafGradient.ToArray().ShouldBe([3.0, 5.0]);
        trace.PathCount.ShouldBe(2); // Sum → Add → Mul → x (a path is a sequence of nodes: Mul's two operands are one), Sum → Add → x
        trace.Paths.Count.ShouldBe(2);
        var text = trace.ToString();
        text.ShouldContain("Sum[0] -> Add[1] -> Mul[2] -> x");
        text.ShouldContain("Sum[0] -> Add[1] -> x");
    }

    [Fact]
    public void A_node_used_twice_by_the_same_op_is_one_path()
    {
        // L = Σ h·h with h = eˣ: Sum → Mul → Exp → x, whichever operand; ∂L/∂x = 2h·h.
        var x = Tensor.FromArray([0.5]).RequireGrad();
        var h = x.Exp();
        var trace = ChainRule.Trace((h * h).Sum(), x);
        trace.Steps.Select(s => s.OpName).ShouldBe(["Sum", "Mul", "Exp"]);
        trace.Steps[1].Next.ShouldBe([2]);
        trace.PathCount.ShouldBe(1);
        trace.Steps[2].Gradient.Item().ShouldBe(2 * Math.Exp(0.5), 1e-12);
        trace.LeafGradient.Item().ShouldBe(2 * Math.Exp(1.0), 1e-12);
    }

    [Fact]
    public void A_trace_can_end_at_an_intermediate_result()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var h = x.Exp();
        var trace = ChainRule.Trace((h * 3).Sum(), h);
        trace.Steps.Select(s => s.OpName).ShouldBe(["Sum", "Mul"]);
        trace.LeafGradient.ToArray().ShouldBe([3.0, 3.0]);
    }

    [Fact]
    public void Errors_name_the_trace_and_the_shapes()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var other = Tensor.FromArray([1.0]).RequireGrad();
        var loss = (x * 2).Sum();
        Should.Throw<ArgumentException>(() => ChainRule.Trace(loss, Tensor.FromArray([1.0]))).Message.ShouldStartWith("ChainRule.Trace: the tensor to trace to (shape [1]) does not require grad");
        Should.Throw<InvalidOperationException>(() => ChainRule.Trace(loss, other)).Message
            .ShouldBe("ChainRule.Trace: the output (shape []) does not depend on the tensor to trace to (shape [1]): no path leads from one to the other.");
        Should.Throw<InvalidOperationException>(() => ChainRule.Trace(x * 2, x)).Message.ShouldStartWith("ChainRule.Trace: a gradient can be implied only for a single-element output");
    }

    [Fact]
    public void The_tutorial_network_trace_reproduces_the_hand_derived_factors_node_by_node()
    {
        var random = new Random(1);
        var w1 = Tensor.Uniform([3, 4], random).RequireGrad();
        var w2 = Tensor.Uniform([4, 1], random).RequireGrad();
        var z1 = Tensor.FromArray(X).MatMul(w1);
        var a1 = z1.Sigmoid();
        var z2 = a1.MatMul(w2);
        var yHat = z2.Sigmoid();
        var loss = AutoGradNet.Functional.SumSquaredError(yHat, Tensor.FromArray(Y, 4, 1));

        var trace = ChainRule.Trace(loss, w1);

        // The tutorial's factors, by hand with plain doubles.
        var W1 = w1.ToArray();
        var W2 = w2.ToArray();
        var A1 = new double[16];
        var Yh = new double[4];
        for (var i = 0; i < 4; i++)
        {
            var s2 = 0.0;
            for (var j = 0; j < 4; j++)
            {
                var s1 = 0.0;
                for (var k = 0; k < 3; k++) s1 += X[i, k] * W1[k * 4 + j];
                A1[i * 4 + j] = 1 / (1 + Math.Exp(-s1));
                s2 += A1[i * 4 + j] * W2[j];
            }
            Yh[i] = 1 / (1 + Math.Exp(-s2));
        }
        var dYHat = Enumerable.Range(0, 4).Select(i => 2 * (Yh[i] - Y[i])).ToArray();                 // 2(ŷ − y)
        var dZ2 = Enumerable.Range(0, 4).Select(i => dYHat[i] * Yh[i] * (1 - Yh[i])).ToArray();         // · σ'(z2)
        var dA1 = Enumerable.Range(0, 16).Select(p => dZ2[p / 4] * W2[p % 4]).ToArray();                // · W2ᵀ
        var dZ1 = Enumerable.Range(0, 16).Select(p => dA1[p] * A1[p] * (1 - A1[p])).ToArray();          // · σ'(z1)
        var dW1 = new double[12];                                                                        // Xᵀ ·
        for (var k = 0; k < 3; k++)
            for (var j = 0; j < 4; j++)
                for (var i = 0; i < 4; i++) dW1[k * 4 + j] += X[i, k] * dZ1[i * 4 + j];

        var atYHat = trace.StepOf(yHat.GradFn).ShouldNotBeNull();
        var atZ2 = trace.StepOf(z2.GradFn).ShouldNotBeNull();
        var atA1 = trace.StepOf(a1.GradFn).ShouldNotBeNull();
        var atZ1 = trace.StepOf(z1.GradFn).ShouldNotBeNull();
        ShouldBeClose(atYHat.Gradient, dYHat);
        ShouldBeClose(atZ2.Gradient, dZ2);
        ShouldBeClose(atA1.Gradient, dA1);
        ShouldBeClose(atZ1.Gradient, dZ1);
        ShouldBeClose(trace.LeafGradient, dW1);

        // The traversal meets them in the tutorial's order, from the loss down to W1, and W1 is reached from z1's MatMul.
        new[] { atYHat.Index, atZ2.Index, atA1.Index, atZ1.Index }.ShouldBeInOrder(SortDirection.Ascending);
        atZ1.OpName.ShouldBe("MatMul");
        atZ1.ReachesLeaf.ShouldBeTrue();
        atZ1.Inputs[0].IsConstant.ShouldBeTrue();
        trace.Steps[0].OpName.ShouldBe("Sum");
        trace.Steps.Select(s => s.OpName).ShouldContain("Exp"); // the sigmoid shows its primitives
        trace.Steps.Select(s => s.OpName).ShouldContain("Div");
        trace.StepOf(w2.GradFn).ShouldBeNull();
    }

    [Fact]
    public void Every_primitive_has_a_derivative_rule()
    {
        var missing = Primitives.Names().Where(name => DerivativeRules.For(name) is null).ToList();
        missing.ShouldBeEmpty($"primitives without a rule in Autograd/DerivativeRules.cs: {string.Join(", ", missing)}");
        Primitives.Names().Count.ShouldBeGreaterThan(50);
    }

    [Fact]
    public void A_custom_function_reads_as_user_defined_even_when_named_like_a_primitive()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        (x * 2).GradFn!.Rule.ShouldStartWith("y = a·b");
        new Mul().Apply(x).GradFn!.Rule.ShouldBe("Mul: user-defined backward (no rule recorded)");
    }

    /// <summary>A custom function that happens to share a primitive's name.</summary>
    private sealed class Mul : CustomFunction
    {
        protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs) => inputs[0] * 2;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * 2];
    }

    private static void ShouldBeClose(Tensor actual, double[] expected)
    {
        var values = actual.ToArray();
        values.Length.ShouldBe(expected.Length);
        for (var i = 0; i < values.Length; i++) values[i].ShouldBe(expected[i], 1e-12, $"element {i}");
    }
}
