using System.Runtime.CompilerServices;
using AutoGradNet.Autograd;

namespace AutoGradNet.Tests.Autograd;

public class EngineTests
{
    [Fact]
    public void Gradients_accumulate_when_a_tensor_feeds_several_ops()
    {
        // y = x·x + x  ⇒  dy/dx = 2x + 1
        var x = Tensor.FromArray([1.5, -2.0, 0.25]).RequireGrad();
        (x * x + x).Sum().Backward();
        x.Grad!.ToArray().ShouldBe([4.0, -3.0, 1.5]);
    }

    [Fact]
    public void Broadcast_gradient_is_summed_back_to_the_input_shape()
    {
        // out[i, j] = a[i, j] · b[j]  ⇒  ∂Σout/∂b[j] = Σᵢ a[i, j], ∂/∂a = b broadcast
        var a = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }).RequireGrad();
        var b = Tensor.FromArray([10.0, 20, 30]).RequireGrad();
        (a * b).Sum().Backward();
        b.Grad!.Shape.ShouldBe(new Shape(3));
        b.Grad.ToArray().ShouldBe([5.0, 7, 9]);
        a.Grad!.ToArray().ShouldBe([10.0, 20, 30, 10, 20, 30]);
    }

    [Fact]
    public void Backward_twice_on_fresh_graphs_accumulates_into_Grad()
    {
        var x = Tensor.FromArray([2.0]).RequireGrad();
        (x * 3).Sum().Backward();
        (x * 4).Sum().Backward();
        x.Grad!.Item().ShouldBe(7.0);
    }

    [Fact]
    public void ZeroGrad_clears_or_zeroes_the_gradient()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        (x * 5).Sum().Backward();
        x.ZeroGrad(setToNull: false);
        x.Grad!.ToArray().ShouldBe([0.0, 0.0]);
        x.ZeroGrad();
        x.Grad.ShouldBeNull();
    }

    [Fact]
    public void Backward_with_an_explicit_gradient_computes_a_vector_Jacobian_product()
    {
        // y = 2x elementwise, v = [1, 2, 3]  ⇒  vᵀJ = 2v
        var x = Tensor.FromArray([1.0, 1.0, 1.0]).RequireGrad();
        (x * 2).Backward(Tensor.FromArray([1.0, 2, 3]));
        x.Grad!.ToArray().ShouldBe([2.0, 4, 6]);
    }

    [Fact]
    public void Backward_of_a_leaf_seeds_its_own_gradient()
    {
        var x = Tensor.Scalar(3).RequireGrad();
        x.Backward();
        x.Grad!.Item().ShouldBe(1.0);
    }

    [Fact]
    public void Nothing_is_recorded_when_no_input_requires_grad()
    {
        var y = Tensor.FromArray([1.0, 2.0]) * Tensor.FromArray([3.0, 4.0]);
        y.GradFn.ShouldBeNull();
        y.RequiresGrad.ShouldBeFalse();
    }

    [Fact]
    public void Results_of_recorded_ops_name_their_node_and_link_to_inputs()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        var y = (x.Exp() * 2).Sum();
        y.IsLeaf.ShouldBeFalse();
        y.GradFn!.Name.ShouldBe("SumBackward");
        y.GradFn.NextFunctions[0]!.Name.ShouldBe("MulBackward");
        y.GradFn.NextFunctions[0]!.NextFunctions.ShouldBe([y.GradFn.NextFunctions[0]!.NextFunctions[0], null]);
        var leafEntry = x.Exp().GradFn!.NextFunctions[0].ShouldBeOfType<AccumulateGrad>();
        leafEntry.Variable.ShouldBeSameAs(x);
        leafEntry.Name.ShouldBe("AccumulateGrad");
    }

    [Fact]
    public void A_chain_of_100000_ops_backpropagates_without_stack_overflow()
    {
        // y = x · 1.00001^100000  ⇒  dy/dx = 1.00001^100000
        var x = Tensor.Scalar(1.0).RequireGrad();
        var y = x;
        for (var i = 0; i < 100_000; i++) y = y * 1.00001;
        y.Backward();
        x.Grad!.Item().ShouldBe(Math.Pow(1.00001, 100_000), 1e-9);
    }

    [Fact]
    public void A_second_backward_through_a_freed_graph_throws_a_clear_error()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var loss = (x * x).Sum();
        loss.Backward();
        var error = Should.Throw<InvalidOperationException>(() => loss.Backward());
        error.Message.ShouldContain("SumBackward");
        error.Message.ShouldContain("second time");
        error.Message.ShouldContain("retainGraph");
    }

    [Fact]
    public void RetainGraph_allows_a_second_backward_that_accumulates()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var loss = (x * x).Sum();
        loss.Backward(retainGraph: true);
        loss.Backward();
        x.Grad!.ToArray().ShouldBe([4.0, 8.0]); // 2 · 2x
    }

    [Fact]
    public void Saved_tensors_are_released_after_backward()
    {
        var x = Tensor.Uniform([100, 100], seed: 3).RequireGrad();
        var (loss, intermediate) = BuildGraph(x);
        loss.Backward();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        intermediate.IsAlive.ShouldBeFalse("the graph still holds the intermediate result after a backward without retainGraph");
        GC.KeepAlive(loss);
    }

    [Fact]
    public void Saved_tensors_are_kept_with_retainGraph()
    {
        var x = Tensor.Uniform([10, 10], seed: 3).RequireGrad();
        var (loss, intermediate) = BuildGraph(x);
        loss.Backward(retainGraph: true);
        GC.Collect();
        intermediate.IsAlive.ShouldBeTrue();
        GC.KeepAlive(loss);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Tensor Loss, WeakReference Intermediate) BuildGraph(Tensor x)
    {
        var h = x.Exp();
        return ((h * h).Sum(), new WeakReference(h));
    }

    [Fact]
    public void CreateGraph_gives_the_second_derivative_of_x_cubed()
    {
        // f = Σ x³  ⇒  f' = 3x², f'' = 6x
        var x = Tensor.FromArray([-1.5, 0.5, 2.0]).RequireGrad();
        (x * x * x).Sum().Backward(createGraph: true);
        var firstDerivative = x.Grad!;
        firstDerivative.ToArray().ShouldBe([6.75, 0.75, 12.0]);
        x.ZeroGrad();
        firstDerivative.Sum().Backward();
        x.Grad!.ToArray().ShouldBe([-9.0, 3.0, 12.0]);
    }

    [Fact]
    public void AutoGrad_Grad_returns_gradients_without_touching_Grad()
    {
        var x = Tensor.FromArray([1.0, 3.0]).RequireGrad();
        var h = x * x;
        var y = (h * 2).Sum();
        var grads = AutoGrad.Grad(y, [x, h]);
        grads[0].ToArray().ShouldBe([4.0, 12.0]); // 4x
        grads[1].ToArray().ShouldBe([2.0, 2.0]);
        x.Grad.ShouldBeNull();
    }

    [Fact]
    public void AutoGrad_Grad_rejects_an_unused_input_unless_allowed()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        var unused = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var y = (x * 2).Sum();
        Should.Throw<InvalidOperationException>(() => AutoGrad.Grad(y, [unused], retainGraph: true)).Message.ShouldContain("input 0");
        AutoGrad.Grad(y, [x, unused], allowUnused: true)[1].ToArray().ShouldBe([0.0, 0.0]);
    }

    [Fact]
    public void Detach_cuts_the_graph_and_shares_storage()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var d = (x * 2).Detach();
        d.RequiresGrad.ShouldBeFalse();
        d.IsLeaf.ShouldBeTrue();
        var y = (x * d).Sum();
        y.Backward();
        x.Grad!.ToArray().ShouldBe([2.0, 4.0]); // d is a constant: ∂/∂x = d
    }

    [Fact]
    public void NoGrad_scope_stops_recording_and_restores_the_previous_mode()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        using (Tensor.NoGrad())
        {
            (x * 2).RequiresGrad.ShouldBeFalse();
            using (Tensor.EnableGrad())
            {
                (x * 2).RequiresGrad.ShouldBeTrue();
            }
            GradMode.IsEnabled.ShouldBeFalse();
        }
        GradMode.IsEnabled.ShouldBeTrue();
        (x * 2).RequiresGrad.ShouldBeTrue();
    }

    [Fact]
    public async Task Grad_mode_is_per_async_flow()
    {
        using var inScope = new SemaphoreSlim(0);
        using var checkedOther = new SemaphoreSlim(0);
        var noGradTask = Task.Run(async () =>
        {
            using (Tensor.NoGrad())
            {
                inScope.Release();
                await checkedOther.WaitAsync();
                return GradMode.IsEnabled;
            }
        });
        await inScope.WaitAsync();
        var otherFlow = await Task.Run(() => GradMode.IsEnabled);
        checkedOther.Release();
        otherFlow.ShouldBeTrue();
        (await noGradTask).ShouldBeFalse();
        GradMode.IsEnabled.ShouldBeTrue();
    }

    [Fact]
    public void In_place_update_of_a_leaf_under_NoGrad_modifies_the_same_tensor()
    {
        var w = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var alias = w;
        (w * w).Sum().Backward();
        using (Tensor.NoGrad())
        {
            w -= 0.5 * w.Grad!;
        }
        ReferenceEquals(w, alias).ShouldBeTrue();
        alias.ToArray().ShouldBe([0.0, 0.0]); // w − 0.5·2w
        w.RequiresGrad.ShouldBeTrue();
    }

    [Fact]
    public void In_place_update_of_a_leaf_that_requires_grad_while_recording_throws()
    {
        var w = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var error = Should.Throw<InvalidOperationException>(() => w -= 1.0);
        error.Message.ShouldContain("SubInPlace");
        error.Message.ShouldContain("NoGrad");
    }

    [Fact]
    public void Modifying_a_saved_tensor_in_place_makes_backward_throw_instead_of_returning_a_wrong_gradient()
    {
        var a = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var b = Tensor.FromArray([3.0, 4.0]);
        var y = (a * b).Sum();
        b += 1.0; // b is saved by the multiplication for ∂/∂a
        var error = Should.Throw<InvalidOperationException>(() => y.Backward());
        error.Message.ShouldContain("MulBackward");
        error.Message.ShouldContain("in-place");
        error.Message.ShouldContain("[2]");
    }

    [Fact]
    public void Version_counter_is_shared_by_views()
    {
        var a = Tensor.FromArray([1.0, 2.0, 3.0, 4.0]).RequireGrad();
        var b = Tensor.FromArray([1.0, 2.0, 3.0, 4.0]);
        var view = b.Reshape(2, 2);
        var y = (a.Reshape(2, 2) * view).Sum();
        b.SetItemAt(10, 0); // writes through the storage the view shares
        Should.Throw<InvalidOperationException>(() => y.Backward()).Message.ShouldContain("in-place");
    }

    [Fact]
    public void Anomaly_mode_names_the_op_that_produced_NaN()
    {
        // √(0·x) has gradient 0.5/0 = ∞ at the sqrt; the multiplication by 0 then gives ∞·0 = NaN.
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        using (AnomalyMode.Enable())
        {
            var loss = (x * 0.0).Sqrt().Sum();
            var error = Should.Throw<ArithmeticException>(() => loss.Backward());
            error.Message.ShouldContain("MulBackward");
            error.Message.ShouldContain("NaN");
        }
        AnomalyMode.IsEnabled.ShouldBeFalse();
        (x * 0.0).Sqrt().Sum().Backward();
        double.IsNaN(x.Grad!.ItemAt(0)).ShouldBeTrue();
    }

    [Fact]
    public void AutoGrad_Grad_only_walks_nodes_on_a_path_to_the_requested_inputs()
    {
        var a = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var b = Tensor.FromArray([3.0, 4.0]).RequireGrad();
        var c = Tensor.FromArray([5.0, 6.0]);
        var y = (a * 2).Sum() + (b * c).Sum();
        c += 1.0; // would make the b-branch's backward throw, if it were visited
        AutoGrad.Grad(y, [a])[0].ToArray().ShouldBe([2.0, 2.0]);
    }

    [Fact]
    public void AutoGrad_Grad_with_respect_to_an_intermediate_collects_every_path()
    {
        // r = h + 2h with h = eˣ: the Add node's first edge reaches h directly, its second through the Mul.
        var x = Tensor.FromArray([0.5]).RequireGrad();
        var h = x.Exp();
        var r = (h + h * 2).Sum();
        AutoGrad.Grad(r, [h])[0].Item().ShouldBe(3.0);
    }

    [Fact]
    public void A_backward_that_throws_changes_no_gradient_and_frees_nothing()
    {
        var a = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var b = Tensor.FromArray([0.5, 0.25]).RequireGrad();
        var c = Tensor.FromArray([3.0, 4.0]);
        // The engine reaches a's branch first and b's (whose saved c is stale) last.
        var y = (b * c).Exp().Exp().Sum() + (a * 2).Sum();
        c += 1.0;
        Should.Throw<InvalidOperationException>(() => y.Backward()).Message.ShouldContain("in-place");
        a.Grad.ShouldBeNull();
        b.Grad.ShouldBeNull();
        // The graph was not released: the same (still stale) backward fails the same way, not as "second time".
        Should.Throw<InvalidOperationException>(() => y.Backward()).Message.ShouldContain("in-place");
    }

    [Fact]
    public void In_place_methods_return_the_tensor_and_work_on_foreach_variables()
    {
        var a = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var b = Tensor.FromArray([3.0]).RequireGrad();
        (a.Sum() * b.Sum()).Backward(); // ∂/∂a = b = 3, ∂/∂b = Σa = 3
        using (Tensor.NoGrad())
        {
            foreach (var p in new[] { a, b })
                p.SubInPlace(0.5 * p.Grad!).ShouldBeSameAs(p);
        }
        a.ToArray().ShouldBe([-0.5, 0.5]);
        b.ToArray().ShouldBe([1.5]);
        var c = Tensor.FromArray([-0.5, 0.5]); // requires no grad: in-place is fine with recording on
        c.MulInPlace(2.0).AddInPlace(1.0).DivInPlace(Tensor.FromArray([1.0, 4.0])).ToArray().ShouldBe([0.0, 0.5]);
    }

    [Fact]
    public void AutoGrad_Grad_with_allowUnused_gives_zeros_for_a_constant_output()
    {
        // d/dq Σ 3q = 3 (a constant, with no graph), so the second derivative is 0 everywhere.
        var q = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var dq = AutoGrad.Grad((q * 3.0).Sum(), [q], createGraph: true)[0];
        dq.RequiresGrad.ShouldBeFalse();
        AutoGrad.Grad(dq.Sum(), [q], allowUnused: true)[0].ToArray().ShouldBe([0.0, 0.0]);
    }

    [Fact]
    public void ZeroGrad_in_place_bumps_the_version_so_a_graph_that_saved_the_gradient_notices()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var w = Tensor.FromArray([3.0, 4.0]).RequireGrad();
        (x * x).Sum().Backward();
        var y = (w * x.Grad!).Sum(); // the multiplication saves x.Grad for ∂/∂w
        x.ZeroGrad(setToNull: false);
        Should.Throw<InvalidOperationException>(() => y.Backward()).Message.ShouldContain("in-place");
    }

    [Fact]
    public void Grad_never_aliases_the_gradient_passed_to_Backward()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var seed = Tensor.FromArray([5.0, 6.0]);
        (x + 1.0).Backward(seed, createGraph: true); // Add passes its gradient through unchanged
        x.ZeroGrad(setToNull: false);
        seed.ToArray().ShouldBe([5.0, 6.0]);
    }

    [Fact]
    public void AutoGrad_Grad_leaves_the_nodes_it_did_not_run_usable()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var h = x * x;
        var loss = h.Exp().Sum();
        AutoGrad.Grad(loss, [h])[0].AllClose(Tensor.FromArray([Math.Exp(1), Math.Exp(4)]), 1e-15).ShouldBeTrue();
        h.Sum().Backward(); // h's own node never ran, so it was not released
        x.Grad!.ToArray().ShouldBe([2.0, 4.0]);
    }

    [Fact]
    public void Max_of_a_0d_tensor_is_a_new_tensor()
    {
        var x = Tensor.Scalar(3.0);
        var m = x.Max();
        m += 1.0;
        x.Item().ShouldBe(3.0);
        m.Item().ShouldBe(4.0);
    }
}
