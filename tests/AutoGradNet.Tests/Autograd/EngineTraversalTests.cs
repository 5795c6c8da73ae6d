using System.Runtime.CompilerServices;
using AutoGradNet.Autograd;

namespace AutoGradNet.Tests.Autograd;

/// <summary>
/// Engine behaviour that gradient values alone do not pin down, found by mutation testing: a node no gradient reaches still
/// lets the nodes below it run, a pass releases exactly the nodes it ran (for Backward() and for AutoGrad.Grad), hooks on a
/// leaf that is itself the output run, and a finished pass keeps no reference to the graph.
/// </summary>
public class EngineTraversalTests
{
    /// <summary>Returns no gradient for its input: the part of the graph below it gets nothing from this path.</summary>
    private sealed class Blocks : CustomFunction
    {
        protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs) => inputs[0] * 1.0;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [null];
    }

    [Fact]
    public void A_node_that_receives_no_gradient_still_lets_a_node_below_it_run()
    {
        // h = exp(x) feeds exp(h) → Blocks (no gradient) and 2h. h's node waits for both consumers: the exp(h) node gets no
        // gradient, runs nothing, but must still count itself done, or h's node (and x) would never get 2h's gradient.
        foreach (var viaGrad in new[] { false, true })
        {
            var x = Tensor.FromArray([0.5, -1.0]).RequireGrad();
            var h = x.Exp();
            var loss = (new Blocks().Apply(h.Exp()) + h * 2.0).Sum();
            var expected = x.ToArray().Select(v => 2 * Math.Exp(v)).ToArray();
            if (viaGrad)
            {
                AutoGrad.Grad(loss, [x])[0].ToArray().ShouldBe(expected, 1e-15);
            }
            else
            {
                loss.Backward();
                x.Grad!.ToArray().ShouldBe(expected, 1e-15);
            }
        }
    }

    [Fact]
    public void A_requested_intermediate_that_no_gradient_reaches_is_unused()
    {
        var x = Tensor.FromArray([0.5, -1.0]).RequireGrad();
        var h = x.Exp();
        var blocked = h.Exp();
        var loss = (new Blocks().Apply(blocked) + h * 2.0).Sum();
        var grads = AutoGrad.Grad(loss, [blocked, h], allowUnused: true);
        grads[0].ToArray().ShouldBe([0.0, 0.0]);
        grads[1].ToArray().ShouldBe([2.0, 2.0]);
    }

    [Fact]
    public void The_hooks_of_a_requested_intermediate_run_before_its_gradient_is_returned()
    {
        var x = Tensor.FromArray([0.5, -1.0]).RequireGrad();
        var h = x.Exp();
        h.RegisterHook(g => g * 10.0);
        AutoGrad.Grad((h * h).Sum(), [h])[0].ToArray().ShouldBe(h.ToArray().Select(v => 20 * v).ToArray());
    }

    [Fact]
    public void AutoGrad_Grad_releases_the_nodes_it_ran_unless_the_graph_is_retained()
    {
        var x = Tensor.FromArray([0.5, -1.0]).RequireGrad();
        var y = (x.Exp() * x).Sum();
        AutoGrad.Grad(y, [x], retainGraph: true);
        AutoGrad.Grad(y, [x]); // the graph was kept for this one
        Should.Throw<InvalidOperationException>(() => AutoGrad.Grad(y, [x])).Message.ShouldContain("a second time");
    }

    [Fact]
    public void A_pass_that_stops_at_a_requested_intermediate_leaves_the_nodes_below_it_usable()
    {
        // Only the nodes on the way to h run (and are released); exp(x) below h did not run and can still backward.
        var x = Tensor.FromArray([0.5, -1.0]).RequireGrad();
        var h = x.Exp();
        var y = (h * h).Sum();
        AutoGrad.Grad(y, [h])[0].ToArray().ShouldBe(h.ToArray().Select(v => 2 * v).ToArray());
        h.Sum().Backward();
        x.Grad!.ToArray().ShouldBe(h.ToArray());
        Should.Throw<InvalidOperationException>(() => y.Backward()).Message.ShouldContain("a second time");
    }

    [Fact]
    public void Hooks_of_a_leaf_that_is_itself_the_output_run_on_its_seed()
    {
        var x = Tensor.Scalar(3.0).RequireGrad();
        x.RegisterHook(g => g * 5.0);
        x.Backward();
        x.Grad!.Item().ShouldBe(5.0);
        AutoGrad.Grad(x, [x])[0].Item().ShouldBe(5.0);
    }

    [Fact]
    public void A_pass_that_failed_half_way_leaves_nothing_behind_for_the_next_one()
    {
        // Three consumers of h: the hook on the second one to run throws, after the first has sent h's node its gradient and
        // while the third waits to run. The next pass through the same graph must not see that gradient again, nor the
        // waiting node, nor the leaf gradients of the failed pass.
        var x = Tensor.FromArray([0.5, -1.0]).RequireGrad();
        var h = x.Exp();
        var (a, b, c) = (h * 2.0, h * 3.0, h * 4.0);
        var calls = 0;
        Func<Tensor, Tensor?> failSecondCall = g => ++calls == 2 ? throw new InvalidOperationException("hook failed") : g;
        a.RegisterHook(failSecondCall);
        b.RegisterHook(failSecondCall);
        c.RegisterHook(failSecondCall); // one of the three is still waiting to run when the second throws
        var loss = (a + b + c + x).Sum();
        Should.Throw<InvalidOperationException>(() => loss.Backward()).Message.ShouldBe("hook failed");
        x.Grad.ShouldBeNull();
        loss.Backward();
        x.Grad!.ToArray().ShouldBe(x.ToArray().Select(v => 9 * Math.Exp(v) + 1).ToArray(), 1e-14);
        var y = x.Tanh().Sum();
        x.Grad = null;
        y.Backward();
        x.Grad!.ToArray().ShouldBe(x.ToArray().Select(v => 1 - Math.Tanh(v) * Math.Tanh(v)).ToArray(), 1e-15);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Node, WeakReference Output) BackwardThroughAGraphAndForgetIt(Tensor x)
    {
        var h = x.Exp();
        var loss = (h * h).Sum();
        loss.Backward();
        return (new WeakReference(h.GradFn), new WeakReference(h));
    }

    [Fact]
    public void A_finished_backward_keeps_no_reference_to_the_graph()
    {
        // The engine reuses per-thread collections between passes; they must not keep the last graph alive.
        var x = Tensor.FromArray([0.5, -1.0]).RequireGrad();
        var (node, output) = BackwardThroughAGraphAndForgetIt(x);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        node.IsAlive.ShouldBeFalse("the exp node of a graph nothing refers to any more");
        output.IsAlive.ShouldBeFalse();
        x.Grad.ShouldNotBeNull();
    }
}
