using AutoGradNet.Autograd;

namespace AutoGradNet.Tests.Performance;

/// <summary>
/// How many large buffers a backward pass allocates, and how many it leaves in <see cref="BufferPool"/>, for small graphs
/// whose gradient traffic is worked out by hand in each test. These numbers are what the engine's reuse rules promise: a
/// consumed gradient is recycled, a sum at a fan-in is written into the gradient already held, a leaf's first gradient is
/// stored without a copy when it is a whole private buffer and copied when it is a view, and nothing user code saw is
/// recycled. Values alone cannot tell these apart (BufferReuseTests checks that no reuse corrupts a value).
/// <para>
/// Buffers are <see cref="L"/> doubles (512 KB), so the bytes a pass allocates, divided by the buffer size and rounded
/// down, count the large buffers: everything else a pass allocates (nodes, shapes, dictionaries) is a few KB. The pool is
/// drained of these lengths after the forward pass, so every buffer a backward needs is either recycled within the pass
/// or allocated. The class runs alone (<see cref="BufferPoolCollection"/>): no other test rents these lengths meanwhile.
/// </para>
/// </summary>
[Collection(BufferPoolCollection.Name)]
public class EngineBufferAccountingTests
{
    private const int L = 1 << 16;

    private static Tensor Leaf(int seed, params int[] shape) =>
        Tensor.Uniform(shape.Length == 0 ? [L] : shape, -1, 1, seed).RequireGrad();

    /// <summary>Large buffers (units of L doubles) allocated by <paramref name="backward"/>, and the pool's count of L and 2L.</summary>
    private static (long Allocated, int PooledL, int Pooled2L) Measure(Action backward)
    {
        Drain(L);
        Drain(2 * L);
        var before = GC.GetAllocatedBytesForCurrentThread();
        backward();
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        var counts = (bytes / (L * (long)sizeof(double)), BufferPool.CountOf<double>(L), BufferPool.CountOf<double>(2 * L));
        Drain(L);
        Drain(2 * L);
        return counts;
    }

    private static void Drain(int length)
    {
        while (BufferPool.TryRent<double>(length) is not null)
        {
        }
    }

    private static double[] Exp(Tensor x) => [.. x.ToArray().Select(Math.Exp)];

    [Fact]
    public void A_leaf_gradient_made_by_the_pass_is_stored_without_a_copy()
    {
        // Sum's backward is a broadcast view of the seed; Exp's is g·y, the one buffer, which becomes x.Grad as it is.
        var x = Leaf(1);
        var loss = x.Exp().Sum();
        Measure(() => loss.Backward()).ShouldBe((1, 0, 0));
        x.Grad!.ToArray().ShouldBe(Exp(x), 1e-14);
    }

    [Fact]
    public void A_gradient_consumed_inside_the_pass_goes_back_to_the_pool()
    {
        // g1 = g·z for the outer Exp (allocated), g2 = g1·y for the inner one (allocated: g1 is still being read), then g1 is
        // consumed and recycled; g2 becomes x.Grad.
        var x = Leaf(2);
        var loss = x.Exp().Exp().Sum();
        Measure(() => loss.Backward()).ShouldBe((2, 1, 0));
    }

    [Fact]
    public void A_transposed_view_of_a_gradient_is_copied_into_a_dense_leaf_gradient_and_its_buffer_recycled()
    {
        // Exp's gradient g1 (allocated) reaches x through Transpose's backward as a strided view of g1: x.Grad must be a
        // dense copy (a second buffer; the pool is empty at that point), after which g1 is free.
        var x = Leaf(3, 256, 256);
        var loss = x.T.Exp().Sum();
        Measure(() => loss.Backward()).ShouldBe((2, 1, 0));
        x.Grad!.IsContiguous.ShouldBeTrue();
        x.Grad.ToArray().ShouldBe(Exp(x), 1e-14);
    }

    [Fact]
    public void A_slice_of_a_larger_gradient_is_copied_into_its_own_leaf_gradient_at_either_end()
    {
        // z = concat(x, c) or concat(c, x) has 2L elements: Exp's gradient is one 2L buffer (2 units), x gets a slice of it
        // (at offset 0 or L) that must be copied into an L buffer (1 unit); then the 2L buffer is free.
        foreach (var xFirst in new[] { true, false })
        {
            var x = Leaf(4);
            var c = Tensor.Uniform([L], -1, 1, 5);
            var loss = Tensor.Concat(xFirst ? [x, c] : [c, x], 0).Exp().Sum();
            Measure(() => loss.Backward()).ShouldBe((3, 0, 1), xFirst ? "x first" : "x second");
            x.Grad!.Storage.Data.Length.ShouldBe(L);
            x.Grad.ToArray().ShouldBe(Exp(x), 1e-14);
        }
    }

    [Fact]
    public void Matrix_operands_used_transposed_get_their_gradient_in_their_own_layout_without_a_copy()
    {
        // y = a·wᵀ (w as in a Linear layer) and y = wᵀ·b: MatMul gives the column-major operand wᵀ its gradient as the
        // transpose of a row-major product, so Transpose's backward hands w a row-major buffer: one allocation and no
        // copy. A row-major gradient for wᵀ would reach w strided and cost a second buffer.
        foreach (var wFirst in new[] { false, true })
        {
            var w = Leaf(12, 256, 256);
            var other = Tensor.Uniform([256, 256], -1, 1, 13);
            var loss = (wFirst ? w.T.MatMul(other) : other.MatMul(w.T)).Sum();
            Measure(() => loss.Backward()).ShouldBe((1, 0, 0), wFirst ? "wᵀ·b" : "a·wᵀ");
            var plain = (wFirst ? w.MatMul(other) : other.MatMul(w)).Sum(); // and a row-major w gets a row-major gradient
            w.Grad = null;
            Measure(() => plain.Backward()).ShouldBe((1, 0, 0), wFirst ? "w·b" : "a·w");
            w.Grad = null;
            loss = (wFirst ? w.T.MatMul(other) : other.MatMul(w.T)).Sum();
            loss.Backward();
            w.Grad!.IsContiguous.ShouldBeTrue();
            var sums = other.Sum(wFirst ? 1 : 0).ToArray(); // d(Σ a·wᵀ)/dw[i, j] = Σₖ a[k, j]; d(Σ wᵀ·b)/dw[i, j] = Σₖ b[i, k]
            var grad = w.Grad.ToArray();
            for (var i = 0; i < 256; i += 51)
            {
                for (var j = 0; j < 256; j += 37) grad[i * 256 + j].ShouldBe(wFirst ? sums[i] : sums[j], 1e-12);
            }
        }
    }

    [Fact]
    public void Elementwise_ops_on_a_strided_input_allocate_only_their_result()
    {
        // The transposed input is gathered straight into the result (and computed there): one buffer per op, no copy.
        var x = Tensor.Uniform([256, 256], -1, 1, 14).T;
        x.IsContiguous.ShouldBeFalse();
        Measure(() => x.Exp()).Allocated.ShouldBe(1, "exp");
        Measure(() => _ = x * 3.0).Allocated.ShouldBe(1, "x · 3");
        Measure(() => x.Clone()).Allocated.ShouldBe(1, "clone");
    }

    [Fact]
    public void A_fan_in_at_a_leaf_is_summed_into_the_gradient_already_held()
    {
        // Add passes the seed's view to both branches: Exp's gradient a1 and the scaling's a2 are allocated, a2 is added
        // into a1 (no third buffer) and recycled, and a1 becomes x.Grad.
        var x = Leaf(6);
        var loss = (x.Exp() + x * 3.0).Sum();
        Measure(() => loss.Backward()).ShouldBe((2, 1, 0));
        x.Grad!.ToArray().ShouldBe(Exp(x).Select(v => v + 3.0).ToArray(), 1e-14);
    }

    [Fact]
    public void A_fan_in_at_a_node_is_summed_into_the_pending_gradient()
    {
        // h feeds two scalings: a1 = g·2 and a2 = g·3 are allocated, a2 is added into a1 and recycled; Exp's backward
        // a1·h rents a2's buffer back, a1 is consumed and recycled, and the rented buffer becomes x.Grad.
        var x = Leaf(7);
        var h = x.Exp();
        var loss = (h * 2.0 + h * 3.0).Sum();
        Measure(() => loss.Backward()).ShouldBe((2, 1, 0));
        x.Grad!.ToArray().ShouldBe(Exp(x).Select(v => 5.0 * v).ToArray(), 1e-14);
    }

    [Fact]
    public void A_second_backward_adds_into_the_existing_gradient_and_recycles_the_new_one()
    {
        // x.Grad already holds a gradient: the pass's one (allocated) is added to it (a new tensor, allocated: .Grad is
        // replaced, never written in place, as the user may hold it) and then recycled.
        var x = Leaf(8);
        x.Exp().Sum().Backward();
        var first = x.Grad!;
        var loss = x.Exp().Sum();
        Measure(() => loss.Backward()).ShouldBe((2, 1, 0));
        first.ToArray().ShouldBe(Exp(x), 1e-14);
        x.Grad!.ToArray().ShouldBe(Exp(x).Select(v => v + v).ToArray(), 1e-14);
    }

    [Fact]
    public void Gradients_a_tensor_hook_saw_or_returned_are_never_recycled()
    {
        // As the chain test (2 buffers, 1 recycled) but the intermediate gradient passes through a hook: neither what the
        // hook was given nor what it returned may go back to the pool.
        var seen = new List<Tensor>();
        foreach (var replace in new[] { false, true })
        {
            var x = Leaf(9);
            var y = x.Exp();
            y.RegisterHook(g =>
            {
                seen.Add(g);
                return replace ? g * 1.0 : g;
            });
            var loss = y.Exp().Sum();
            Measure(() => loss.Backward()).ShouldBe(replace ? (3, 0, 0) : (2, 0, 0), replace ? "hook returns a new tensor" : "hook returns its input");
        }
    }

    [Fact]
    public void A_gradient_a_leaf_hook_saw_or_returned_is_neither_stored_uncopied_nor_recycled()
    {
        // Exp's gradient (allocated) goes to x's hook; it returns a new tensor (allocated), which x.Grad stores as a copy
        // (allocated: user code saw it), and neither buffer is recycled.
        var x = Leaf(10);
        Tensor? returned = null;
        x.RegisterHook(g => returned = g * 1.0);
        var loss = x.Exp().Sum();
        Measure(() => loss.Backward()).ShouldBe((3, 0, 0));
        x.Grad.ShouldNotBeSameAs(returned);
        x.Grad!.ToArray().ShouldBe(Exp(x), 1e-14);
    }

    [Fact]
    public void Gradients_a_custom_function_was_given_or_returned_are_never_recycled()
    {
        // Exp's gradient g1 (allocated) is given to the custom backward, which returns g2 (allocated); g2 reaches Exp, whose
        // g2·y is x.Grad (allocated). A built-in node in place of the custom one would recycle g1 and g2 (see the chain test).
        var x = Leaf(11);
        var f = new KeepsGradient();
        var loss = f.Apply(x.Exp()).Exp().Sum();
        Measure(() => loss.Backward()).ShouldBe((3, 0, 0));
        f.Incoming!.ToArray().ShouldBe(f.Returned!.ToArray().Select(v => v / 2).ToArray());
    }
}
