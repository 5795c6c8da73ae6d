using AutoGradNet.Autograd;

namespace AutoGradNet.Tests.Performance;

/// <summary>
/// A backward pass recycles the large gradient buffers it made once nothing holds them (BufferPool), and stores a leaf's
/// first gradient without a copy when it made it. A buffer anyone can still see must never be reused: every test here keeps
/// a gradient that user code obtained (a hook, retain_grad, AutoGrad.Grad, a custom function, a leaf's Grad), runs more
/// backward passes of the same sizes (which would reuse a leaked buffer), and checks the kept values did not change.
/// The tensors have 4096 doubles (32 KB), above the pool's minimum, and the graphs route gradients through sums, pass-through
/// ops (Add) and views (Transpose, Reshape).
/// </summary>
public class BufferReuseTests
{
    private const int N = 4096;

    private static Tensor Leaf(int seed) => Tensor.Uniform([64, 64], -1, 1, seed).RequireGrad();

    /// <summary>A graph with sums, pass-through Adds, views and elementwise ops, so gradients are made, shared and consumed.</summary>
    private static Tensor Loss(Tensor a, Tensor b)
    {
        var h = (a * b + a).Exp() * 0.5 + b.T;
        var k = h.Reshape(16, 256).Tanh().Reshape(64, 64) + a;
        return (k * k).Sum();
    }

    /// <summary>Runs several passes of the same sizes, which would reuse any buffer that leaked.</summary>
    private static void Churn()
    {
        for (var i = 0; i < 4; i++)
        {
            var (a, b) = (Leaf(100 + i), Leaf(200 + i));
            Loss(a, b).Backward();
            Loss(a * 2.0, b).Backward();
        }
    }

    [Fact]
    public void A_gradient_kept_by_a_tensor_hook_does_not_change_in_later_passes()
    {
        var (a, b) = (Leaf(1), Leaf(2));
        Tensor? seen = null;
        var h = a * b;
        h.RegisterHook(g => { seen = g; return null; });
        (h.Exp() * 3.0).Sum().Backward();
        var expected = seen!.ToArray();
        Churn();
        seen.ToArray().ShouldBe(expected);
    }

    [Fact]
    public void A_gradient_kept_by_a_leaf_hook_does_not_change_in_later_passes()
    {
        var (a, b) = (Leaf(3), Leaf(4));
        Tensor? seen = null;
        a.RegisterHook(g => { seen = g; return null; });
        Loss(a, b).Backward();
        var expected = seen!.ToArray();
        Churn();
        seen.ToArray().ShouldBe(expected);
        a.Grad!.ToArray().ShouldBe(expected);
    }

    [Fact]
    public void A_retained_gradient_does_not_change_in_later_passes()
    {
        var (a, b) = (Leaf(5), Leaf(6));
        var h = (a * b).Exp();
        h.RetainGrad();
        (h * h + h).Sum().Backward();
        var kept = h.Grad!;
        var expected = kept.ToArray();
        Churn();
        kept.ToArray().ShouldBe(expected);
    }

    [Fact]
    public void Leaf_gradients_kept_after_ZeroGrad_do_not_change_in_later_passes()
    {
        var (a, b) = (Leaf(7), Leaf(8));
        Loss(a, b).Backward();
        var (ga, gb) = (a.Grad!, b.Grad!);
        var (ea, eb) = (ga.ToArray(), gb.ToArray());
        a.ZeroGrad();
        b.ZeroGrad();
        Churn();
        Loss(a, b).Backward();
        ga.ToArray().ShouldBe(ea);
        gb.ToArray().ShouldBe(eb);
        a.Grad!.ToArray().ShouldBe(ea);
        ReferenceEquals(a.Grad, ga).ShouldBeFalse();
    }

    [Fact]
    public void Results_of_AutoGrad_Grad_do_not_change_in_later_passes()
    {
        var (a, b) = (Leaf(9), Leaf(10));
        var grads = AutoGrad.Grad(Loss(a, b), [a, b]);
        var expected = grads.Select(g => g!.ToArray()).ToList();
        Churn();
        grads[0]!.ToArray().ShouldBe(expected[0]);
        grads[1]!.ToArray().ShouldBe(expected[1]);
    }

    [Fact]
    public void Two_leaves_fed_by_one_pass_through_gradient_get_separate_buffers()
    {
        // a + b hands the same gradient tensor to both leaves: each Grad must be its own copy.
        var (a, b) = (Leaf(11), Leaf(12));
        ((a + b) * 3.0).Sum().Backward();
        a.Grad!.ToArray().ShouldAllBe(v => v == 3.0);
        using (Tensor.NoGrad()) a.Grad.Fill(0);
        b.Grad!.ToArray().ShouldAllBe(v => v == 3.0);
        ReferenceEquals(a.Grad.Storage, b.Grad.Storage).ShouldBeFalse();
    }

    [Fact]
    public void A_leaf_gradient_is_not_shared_with_a_retained_gradient()
    {
        var (a, b) = (Leaf(13), Leaf(14));
        var h = a * b;
        h.RetainGrad();
        var s = h + a; // Add passes the same gradient to h and to a
        (s * 2.0).Sum().Backward();
        ReferenceEquals(h.Grad!.Storage, a.Grad!.Storage).ShouldBeFalse();
        var expected = h.Grad.ToArray();
        Churn();
        h.Grad.ToArray().ShouldBe(expected);
    }

    [Fact]
    public void Gradients_a_custom_function_saw_or_returned_do_not_change_in_later_passes()
    {
        var (a, b) = (Leaf(15), Leaf(16));
        var f = new KeepsGradient();
        var y = f.Apply((a * b).Exp());
        (y * y).Sum().Backward();
        var (incoming, returned) = (f.Incoming!.ToArray(), f.Returned!.ToArray());
        Churn();
        f.Incoming.ToArray().ShouldBe(incoming);
        f.Returned.ToArray().ShouldBe(returned);
    }

    [Fact]
    public void Gradients_from_createGraph_stay_differentiable_and_unchanged()
    {
        var (a, b) = (Leaf(17), Leaf(18));
        var g = AutoGrad.Grad(Loss(a, b), [a], createGraph: true)[0]!;
        var expected = g.ToArray();
        Churn();
        g.ToArray().ShouldBe(expected);
        g.Sum().Backward();
        a.Grad.ShouldNotBeNull();
        g.ToArray().ShouldBe(expected);
    }

    [Fact]
    public void Results_are_the_same_with_and_without_buffer_reuse()
    {
        // The first pass runs with an empty pool for these sizes only if nothing else ran; either way each pass must give
        // the values of the same computation done by hand-free reference: the general path (AutoGrad.Grad) recycles nothing.
        for (var i = 0; i < 3; i++)
        {
            var (a, b) = (Leaf(19 + i), Leaf(29 + i));
            var reference = AutoGrad.Grad(Loss(a, b), [a, b]).Select(t => t!.ToArray()).ToList();
            Loss(a, b).Backward();
            a.Grad!.ToArray().ShouldBe(reference[0]);
            b.Grad!.ToArray().ShouldBe(reference[1]);
        }
    }

    [Fact]
    public void The_pool_keeps_only_large_float_buffers()
    {
        BufferPool.Return(new double[16]);
        BufferPool.CountOf<double>(16).ShouldBe(0); // below the minimum: left to the GC
        BufferPool.Return(new long[N + 1]);
        BufferPool.CountOf<long>(N + 1).ShouldBe(0); // only float buffers
    }

    [Fact]
    public void A_pass_recycles_the_gradients_it_consumed_and_the_next_forward_reuses_them()
    {
        // A length no other test uses ([61, 67]), so the pool's count for it is this test's alone.
        var a = Tensor.Uniform([61, 67], -1, 1, 40).RequireGrad();
        var before = BufferPool.CountOf<double>(61 * 67);
        ((a * a).Exp() * 2.0).Sum().Backward(); // the gradients of Exp's and Mul's outputs are consumed inside the pass
        BufferPool.CountOf<double>(61 * 67).ShouldBeGreaterThan(before);
        var recycled = BufferPool.CountOf<double>(61 * 67);
        var y = a.Detach() * 3.0; // rents one of them
        BufferPool.CountOf<double>(61 * 67).ShouldBe(recycled - 1);
        y.ToArray().ShouldBe(a.ToArray().Select(v => v * 3.0).ToArray());
    }

    [Fact]
    public void Fan_in_sums_accumulated_in_place_equal_the_general_paths_bits()
    {
        // x feeds many ops (its gradient is summed 40 times), h feeds several (a node's pending gradient is summed), and
        // b is broadcast (its gradients are reduced first): Backward() accumulates in place, AutoGrad.Grad out of place.
        foreach (var shape in new Shape[] { [1], [64, 64] })
        {
            var x = Tensor.Uniform(shape, -1, 1, 41).RequireGrad();
            var b = Tensor.Uniform([shape[^1]], -1, 1, 42).RequireGrad();
            Tensor Loss()
            {
                var h = (x * b).Exp();
                var y = h * 0.5 + h.Tanh() + h;
                for (var i = 0; i < 20; i++) y = y * 0.9 + x + x * b;
                return (y * y).Sum();
            }
            var expected = AutoGrad.Grad(Loss(), [x, b]).Select(t => t!.ToArray()).ToList();
            Loss().Backward();
            x.Grad!.ToArray().ShouldBe(expected[0]);
            b.Grad!.ToArray().ShouldBe(expected[1]);
            var kept = x.Grad.ToArray();
            Churn();
            x.Grad.ToArray().ShouldBe(kept);
        }
    }
}
