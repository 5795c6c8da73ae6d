using AutoGradNet.Autograd;

namespace AutoGradNet.Tests.Performance;

/// <summary>
/// The engine's fast path keeps a pass's bookkeeping (dependency counts, pending gradients) in the nodes it claims. These
/// check that a nested or concurrent backward through the same nodes still works (it takes the general path), and that
/// nothing stays claimed or pending after a pass, even one that throws.
/// </summary>
public class EngineOwnershipTests
{
    [Fact]
    public void A_backward_nested_in_a_hook_through_the_same_graph_gives_both_gradients()
    {
        // y = x², z = 3y: the outer pass gives dz/dx = 6x; the hook's nested pass through y gives d(Σy)/dx = 2x.
        var x = Tensor.FromArray([1.0, -2.0]).RequireGrad();
        var y = x * x;
        var z = y * 3.0;
        var nested = 0;
        z.RegisterHook(g =>
        {
            nested++;
            using (Tensor.EnableGrad()) (y * 1.0).Sum().Backward(retainGraph: true); // hooks run with grad mode off

            return g;
        });
        z.Sum().Backward();
        nested.ShouldBe(1);
        x.Grad!.ToArray().ShouldBe([8.0, -16.0]);
    }

    [Fact]
    public void A_nested_backward_on_the_general_path_delivers_retained_gradients_and_releases_what_it_ran()
    {
        // h = eˣ is retained. The outer pass over 2h claims h's node; the hook's nested pass over 3h then takes the general
        // path. Retaining the graph, it adds its 3 to h.Grad; not retaining it, it frees h's node, which the outer pass
        // then reaches: as in PyTorch, that is a backward through a freed graph.
        foreach (var retain in new[] { true, false })
        {
            var x = Tensor.FromArray([0.5, -1.0]).RequireGrad();
            var h = x.Exp();
            h.RetainGrad();
            var inner = (h * 3.0).Sum();
            var outer = h * 2.0;
            outer.RegisterHook(g =>
            {
                inner.Backward(retainGraph: retain);
                return g;
            });
            if (retain)
            {
                outer.Sum().Backward();
                h.Grad!.ToArray().ShouldBe([5.0, 5.0]);
                x.Grad!.ToArray().ShouldBe(h.ToArray().Select(v => 5 * v).ToArray(), 1e-15);
            }
            else
            {
                Should.Throw<InvalidOperationException>(() => outer.Sum().Backward()).Message
                    .ShouldStartWith("ExpBackward: trying to backward through the graph a second time");
            }
        }
    }

    [Fact]
    public void Concurrent_backwards_through_one_retained_graph_all_get_the_right_gradient()
    {
        var x = Tensor.FromArray([0.5, 1.5, -1.0]).RequireGrad();
        var y = x;
        for (var i = 0; i < 200; i++) y = y * 1.001 + x;
        var loss = y.Sum();
        var expected = AutoGrad.Grad(loss, [x], retainGraph: true)[0]!.ToArray();
        var failures = 0;
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            var x2 = Tensor.FromArray([0.5, 1.5, -1.0]).RequireGrad();
            var y2 = x2;
            for (var i = 0; i < 200; i++) y2 = y2 * 1.001 + x2;
            // Each thread backwards through its own graph and through the shared one.
            var shared = Tensor.FromArray([1.0]).RequireGrad();
            (loss * shared).Sum().Backward(retainGraph: true);
            y2.Sum().Backward();
            if (!x2.Grad!.ToArray().SequenceEqual(expected)) Interlocked.Increment(ref failures);
        });
        failures.ShouldBe(0);
        x.Grad!.ToArray().ShouldBe(expected.Select(v => v * 64).ToArray(), tolerance: 1e-9);
    }

    [Fact]
    public void A_pass_that_throws_leaves_no_node_claimed_and_the_graph_usable()
    {
        var x = Tensor.FromArray([2.0]).RequireGrad();
        var y = x * x;
        var z = y * 3.0;
        var fail = true;
        y.RegisterHook(g => fail ? throw new InvalidOperationException("hook failed") : g);
        Should.Throw<InvalidOperationException>(() => z.Backward(retainGraph: true)).Message.ShouldBe("hook failed");
        x.Grad.ShouldBeNull();
        AssertUnclaimed(z.GradFn!);
        fail = false;
        z.Backward();
        x.Grad!.Item().ShouldBe(12.0);
        AssertUnclaimed(z.GradFn!);
    }

    [Fact]
    public void A_second_backward_through_a_released_graph_still_reports_the_freed_graph()
    {
        var x = Tensor.FromArray([2.0]).RequireGrad();
        var y = (x * x).Exp();
        y.Backward();
        Should.Throw<InvalidOperationException>(() => y.Backward()).Message.ShouldContain("second time");
        AssertUnclaimed(y.GradFn!);
    }

    private static void AssertUnclaimed(Node root)
    {
        var stack = new Stack<Node>([root]);
        while (stack.TryPop(out var node))
        {
            node.EngineOwner.ShouldBeNull();
            node.EnginePending.ShouldBeNull();
            node.EngineDependencies.ShouldBe(0);
            foreach (var next in node.NextFunctions)
            {
                if (next is not null and not AccumulateGrad) stack.Push(next);
            }
        }
    }
}
