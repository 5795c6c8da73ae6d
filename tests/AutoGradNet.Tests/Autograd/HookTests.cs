namespace AutoGradNet.Tests.Autograd;

public class HookTests
{
    [Fact]
    public void A_leaf_hook_sees_the_gradient_and_its_replacement_is_accumulated()
    {
        // L = Σ 3x  ⇒  ∂L/∂x = 3; the hook doubles it before it reaches Grad.
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        Tensor? seen = null;
        x.RegisterHook(g => { seen = g.Clone(); return g * 2; });
        (x * 3).Sum().Backward();
        seen!.ToArray().ShouldBe([3.0, 3.0]);
        x.Grad!.ToArray().ShouldBe([6.0, 6.0]);
    }

    [Fact]
    public void A_non_leaf_hook_changes_what_flows_on_to_the_inputs()
    {
        // y = 2x, L = Σ y²  ⇒  ∂L/∂y = 2y = 4x; with the hook zeroing the first element, ∂L/∂x = 2·(0, 4·x₁).
        var x = Tensor.FromArray([1.0, 3.0]).RequireGrad();
        var y = x * 2;
        Tensor? seen = null;
        y.RegisterHook(g => { seen = g.Clone(); return g * Tensor.FromArray([0.0, 1.0]); });
        y.Pow(2).Sum().Backward();
        seen!.ToArray().ShouldBe([4.0, 12.0]);
        x.Grad!.ToArray().ShouldBe([0.0, 24.0]);
    }

    [Fact]
    public void A_hook_sees_the_sum_over_every_use_of_the_tensor()
    {
        // y = x + 1 used twice: L = Σ(y·y + y)  ⇒  ∂L/∂y = 2y + 1, seen once.
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var y = x + 1;
        var calls = new List<double[]>();
        y.RegisterHook(g => { calls.Add(g.ToArray()); return null; });
        (y * y + y).Sum().Backward();
        calls.Count.ShouldBe(1);
        calls[0].ShouldBe([5.0, 7.0]);
        x.Grad!.ToArray().ShouldBe([5.0, 7.0]);
    }

    [Fact]
    public void Several_hooks_run_in_registration_order_each_on_the_previous_result()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        var order = new List<string>();
        x.RegisterHook(g => { order.Add($"first {g.Item()}"); return g + 1; });
        x.RegisterHook(g => { order.Add($"second {g.Item()}"); return g * 10; });
        x.RegisterHook(g => { order.Add($"third {g.Item()}"); return null; });
        (x * 2).Sum().Backward();
        order.ShouldBe(["first 2", "second 3", "third 30"]);
        x.Grad!.Item().ShouldBe(30.0);
    }

    [Fact]
    public void A_removed_hook_no_longer_runs_and_removing_twice_is_harmless()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        var calls = 0;
        var handle = x.RegisterHook(g => { calls++; return g * 5; });
        using (x.RegisterHook(g => g + 1))
        {
            (x * 1).Sum().Backward();
        }
        x.Grad!.Item().ShouldBe(6.0);
        handle.Remove();
        handle.Remove();
        x.ZeroGrad();
        (x * 1).Sum().Backward();
        x.Grad!.Item().ShouldBe(1.0);
        calls.ShouldBe(1);
    }

    [Fact]
    public void The_same_delegate_registered_twice_runs_twice_and_each_handle_removes_one()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        Func<Tensor, Tensor?> triple = g => g * 3;
        var first = x.RegisterHook(triple);
        x.RegisterHook(triple);
        (x * 1).Sum().Backward();
        x.Grad!.Item().ShouldBe(9.0);
        first.Dispose();
        x.ZeroGrad();
        (x * 1).Sum().Backward();
        x.Grad!.Item().ShouldBe(3.0);
    }

    [Fact]
    public void Hooks_run_with_AutoGrad_Grad_on_requested_leaves_and_results()
    {
        // y = x², L = Σ 3y  ⇒  ∂L/∂y = 3, ∂L/∂x = 6x; the hook on y halves, the hook on x adds 1.
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var y = x * x;
        y.RegisterHook(g => g / 2);
        x.RegisterHook(g => g + 1);
        var loss = (y * 3).Sum();
        var grads = AutoGrad.Grad(loss, [x, y], retainGraph: true);
        grads[1].ToArray().ShouldBe([1.5, 1.5]);
        grads[0].ToArray().ShouldBe([4.0, 7.0]); // 1.5·2x + 1
        x.Grad.ShouldBeNull();
    }

    [Fact]
    public void A_hook_on_an_unrequested_leaf_does_not_run_in_AutoGrad_Grad()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        var w = Tensor.FromArray([2.0]).RequireGrad();
        var calls = 0;
        w.RegisterHook(g => { calls++; return null; });
        AutoGrad.Grad((x * w).Sum(), [x])[0].Item().ShouldBe(2.0);
        calls.ShouldBe(0);
    }

    [Fact]
    public void A_hook_under_createGraph_is_recorded_so_the_second_derivative_includes_it()
    {
        // f = x³; the hook squares the incoming gradient: g' = (3x²)² = 9x⁴, so d g'/dx = 36x³.
        var x = Tensor.FromArray([2.0]).RequireGrad();
        var handle = x.RegisterHook(g => g * g);
        var first = AutoGrad.Grad(x.Pow(3).Sum(), [x], createGraph: true)[0];
        handle.Remove(); // else it would square the second derivative too
        first.Item().ShouldBe(144.0, 1e-12);
        first.RequiresGrad.ShouldBeTrue();
        var second = AutoGrad.Grad(first.Sum(), [x])[0];
        second.Item().ShouldBe(288.0, 1e-12);
    }

    [Fact]
    public void A_hook_that_throws_leaves_every_gradient_unchanged()
    {
        var a = Tensor.FromArray([1.0]).RequireGrad();
        var b = Tensor.FromArray([2.0]).RequireGrad();
        (a * b).Sum().Backward();
        b.RegisterHook(_ => throw new InvalidOperationException("boom"));
        Should.Throw<InvalidOperationException>(() => (a * b).Sum().Backward()).Message.ShouldBe("boom");
        a.Grad!.Item().ShouldBe(2.0);
        b.Grad!.Item().ShouldBe(1.0);
    }

    [Fact]
    public void A_hook_returning_a_wrong_shape_throws_naming_both_shapes()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        x.RegisterHook(_ => Tensor.Zeros([3]));
        var e = Should.Throw<InvalidOperationException>(() => (x * 2).Sum().Backward());
        e.Message.ShouldStartWith("RegisterHook:");
        e.Message.ShouldContain("[3]");
        e.Message.ShouldContain("[2]");
    }

    [Fact]
    public void Hooks_and_RetainGrad_on_a_tensor_that_does_not_require_grad_throw()
    {
        var c = Tensor.FromArray([1.0]);
        Should.Throw<InvalidOperationException>(() => c.RegisterHook(g => g)).Message.ShouldStartWith("RegisterHook:");
        Should.Throw<InvalidOperationException>(c.RetainGrad).Message.ShouldStartWith("RetainGrad:");
        Should.Throw<ArgumentNullException>(() => Tensor.FromArray([1.0]).RequireGrad().RegisterHook(null!));
    }

    [Fact]
    public void A_hook_on_the_output_itself_changes_the_seed()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var loss = (x * 3).Sum();
        loss.RegisterHook(g => g * -1);
        loss.Backward();
        x.Grad!.ToArray().ShouldBe([-3.0, -3.0]);
    }

    [Fact]
    public void Hooks_on_shared_leaves_are_safe_across_threads()
    {
        var w = Tensor.FromArray([1.0]).RequireGrad();
        var calls = 0;
        w.RegisterHook(g => { Interlocked.Increment(ref calls); return null; });
        Parallel.For(0, 50, _ => (w * 2).Sum().Backward());
        calls.ShouldBe(50);
        w.Grad!.Item().ShouldBe(100.0);
    }
}

public class RetainGradTests
{
    [Fact]
    public void A_non_leaf_reads_null_without_RetainGrad_and_its_gradient_with_it()
    {
        // y = 2x, z = y², L = Σ z  ⇒  ∂L/∂y = 2y, ∂L/∂z = 1.
        var x = Tensor.FromArray([1.0, 3.0]).RequireGrad();
        var y = x * 2;
        var z = y * y;
        y.RetainGrad();
        y.RetainsGrad.ShouldBeTrue();
        z.RetainsGrad.ShouldBeFalse();
        x.RetainsGrad.ShouldBeTrue();
        z.Sum().Backward();
        y.Grad!.ToArray().ShouldBe([4.0, 12.0]);
        z.Grad.ShouldBeNull();
        x.Grad!.ToArray().ShouldBe([8.0, 24.0]);
    }

    [Fact]
    public void A_retained_gradient_is_the_one_after_the_tensor_hooks_and_accumulates()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        var y = x * 2;
        y.RetainGrad();
        y.RegisterHook(g => g * 10);
        var loss = (y * 3).Sum();
        loss.Backward(retainGraph: true);
        y.Grad!.Item().ShouldBe(30.0);
        x.Grad!.Item().ShouldBe(60.0);
        loss.Backward();
        y.Grad!.Item().ShouldBe(60.0);
    }

    [Fact]
    public void RetainGrad_on_a_leaf_changes_nothing_and_AutoGrad_Grad_does_not_write_retained_gradients()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        x.RetainGrad();
        var y = x * 4;
        y.RetainGrad();
        AutoGrad.Grad((y * 1).Sum(), [x], retainGraph: true)[0].Item().ShouldBe(4.0);
        y.Grad.ShouldBeNull();
        x.Grad.ShouldBeNull();
        (y * 1).Sum().Backward();
        x.Grad!.Item().ShouldBe(4.0);
        y.Grad!.Item().ShouldBe(1.0);
    }

    [Fact]
    public void A_backward_that_throws_writes_no_retained_gradient()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        var y = x * 2;
        y.RetainGrad();
        x.RegisterHook(_ => throw new InvalidOperationException("boom"));
        Should.Throw<InvalidOperationException>(() => (y * 1).Sum().Backward());
        y.Grad.ShouldBeNull();
    }

    [Fact]
    public void A_retained_gradient_with_createGraph_is_differentiable()
    {
        // y = x², L = Σ y²  ⇒  ∂L/∂y = 2y = 2x², whose derivative in x is 4x.
        var x = Tensor.FromArray([3.0]).RequireGrad();
        var y = x * x;
        y.RetainGrad();
        (y * y).Sum().Backward(createGraph: true);
        y.Grad!.Item().ShouldBe(18.0);
        y.Grad.RequiresGrad.ShouldBeTrue();
        AutoGrad.Grad(y.Grad.Sum(), [x])[0].Item().ShouldBe(12.0);
    }
}
