using AutoGradNet.Ops;

namespace AutoGradNet.Tests.Performance;

/// <summary>
/// Div's and c / a's unrecorded backward on small contiguous tensors of one shape is one pass (Ops/FusedBackward.cs);
/// these check it gives the bits of the recorded path (the rule's tensor ops) at every length from 0 to 40, in both float
/// dtypes, with NaN, infinities, zeros of both signs and huge and tiny values, and that other cases still work.
/// </summary>
public class FusedBackwardTests
{
    private static readonly double[] Specials = [1.5, -2.25, 0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e-300, -1e300, 3.0, 7e-5];

    private static double[] Values(int n, int seed)
    {
        var random = new Random(seed);
        var v = new double[n];
        for (var i = 0; i < n; i++) v[i] = i % 3 == 0 ? Specials[(i / 3 + seed) % Specials.Length] : random.NextDouble() * 8 - 4;
        return v;
    }

    private static Tensor Leaf(double[] v, DType dtype) => Tensor.FromArray(v, v.Length).To(dtype).Detach().RequireGrad();

    private static long[] Bits(Tensor t) => [.. t.ToArray().Select(BitConverter.DoubleToInt64Bits)];

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Div_backward_gives_the_recorded_paths_bits_at_every_length_from_0_to_40(DType dtype)
    {
        for (var n = 0; n <= 40; n++)
        {
            var (av, bv, gv) = (Values(n, 1), Values(n, 2), Values(n, 3));
            var seed = Tensor.FromArray(gv, n).To(dtype);
            var (a1, b1) = (Leaf(av, dtype), Leaf(bv, dtype));
            (a1 / b1).Backward(seed);
            var (a2, b2) = (Leaf(av, dtype), Leaf(bv, dtype));
            var grads = AutoGrad.Grad(a2 / b2, [a2, b2], seed, createGraph: true); // recorded: the rule's tensor ops
            Bits(a1.Grad!).ShouldBe(Bits(grads[0]!), $"length {n}");
            Bits(b1.Grad!).ShouldBe(Bits(grads[1]!), $"length {n}");
        }
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Scalar_over_tensor_backward_gives_the_recorded_paths_bits_at_every_length_from_0_to_40(DType dtype)
    {
        foreach (var c in new[] { 1.0, -3.5, 0.0 })
        {
            for (var n = 0; n <= 40; n++)
            {
                var (av, gv) = (Values(n, 4), Values(n, 5));
                var seed = Tensor.FromArray(gv, n).To(dtype);
                var a1 = Leaf(av, dtype);
                (c / a1).Backward(seed);
                var a2 = Leaf(av, dtype);
                var grad = AutoGrad.Grad(c / a2, [a2], seed, createGraph: true)[0]!;
                Bits(a1.Grad!).ShouldBe(Bits(grad), $"c = {c}, length {n}");
            }
        }
    }

    [Fact]
    public void Only_the_needed_gradient_is_computed_and_a_constant_operand_gets_none()
    {
        var a = Tensor.FromArray([1.0, 2, 3]).RequireGrad();
        var b = Tensor.FromArray([2.0, 4, 8]);
        (a / b).Sum().Backward();
        a.Grad!.ToArray().ShouldBe([0.5, 0.25, 0.125]);
        b.Grad.ShouldBeNull();

        var c = Tensor.FromArray([1.0, 2, 3]);
        var d = Tensor.FromArray([2.0, 4, 8]).RequireGrad();
        (c / d).Sum().Backward();
        d.Grad!.ToArray().ShouldBe([-0.25, -0.125, -3.0 / 64]);
    }

    [Fact]
    public void Broadcast_strided_and_large_operands_take_the_general_path_with_correct_gradients()
    {
        var a = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } }).RequireGrad();
        var b = Tensor.FromArray([2.0, 4]).RequireGrad();
        (a / b).Sum().Backward();
        a.Grad!.ToArray().ShouldBe([0.5, 0.25, 0.5, 0.25]);
        b.Grad!.ToArray().ShouldBe([-(1 + 3) / 4.0, -(2 + 4) / 16.0]);

        var t = Tensor.FromArray(new double[,] { { 1, 2 }, { 4, 8 } }).T.Detach().RequireGrad();
        t.IsContiguous.ShouldBeFalse();
        (1.0 / t).Sum().Backward();
        t.Grad!.ToArray().ShouldBe([-1, -1 / 16.0, -1 / 4.0, -1 / 64.0]);

        var big = Tensor.Full([2000], 2.0, DType.Float64).RequireGrad();
        (big / big.Detach()).Sum().Backward();
        big.Grad!.ToArray().ShouldAllBe(v => v == 0.5);
    }

    [Fact]
    public void The_one_pass_form_applies_up_to_1024_contiguous_elements_of_one_float_dtype_and_computes_only_what_is_needed()
    {
        static Tensor Of(int n, DType dtype, double value) => Tensor.Full([n], value, dtype);
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var (g, a, b) = (Of(1024, dtype, 3), Of(1024, dtype, 1), Of(1024, dtype, 2));
            FusedBackward.TryDiv(g, a, b, needA: true, needB: false, out var ga, out var gb).ShouldBeTrue($"{dtype}, 1024 elements");
            ga!.ToArray().ShouldAllBe(v => v == 1.5);
            gb.ShouldBeNull("b's gradient was not asked for");
            FusedBackward.TryDiv(g, a, b, needA: false, needB: true, out ga, out gb).ShouldBeTrue();
            ga.ShouldBeNull("a's gradient was not asked for");
            gb!.ToArray().ShouldAllBe(v => v == -0.75); // −3·1 / (2·2)
            FusedBackward.TryScalarDiv(g, b, 5).ShouldNotBeNull().ToArray().ShouldAllBe(v => v == -3.75); // 3·(−5) / (2·2)

            var (g1025, a1025, b1025) = (Of(1025, dtype, 3), Of(1025, dtype, 1), Of(1025, dtype, 2));
            FusedBackward.TryDiv(g1025, a1025, b1025, true, true, out ga, out gb).ShouldBeFalse("1025 elements take the tensor-op form");
            (ga, gb).ShouldBe((null, null));
            FusedBackward.TryScalarDiv(g1025, b1025, 5).ShouldBeNull();
        }
        // A gradient of another dtype than the operands (a hook may return one), another shape, or a strided operand.
        var g64 = Tensor.Full([8], 3.0);
        var a32 = Tensor.Full([8], 1.0, DType.Float32);
        FusedBackward.TryDiv(g64, a32, a32, true, true, out _, out _).ShouldBeFalse("Float64 gradient, Float32 operands");
        FusedBackward.TryScalarDiv(g64, a32, 5).ShouldBeNull();
        FusedBackward.TryScalarDiv(g64, Tensor.Full([4], 1.0), 5).ShouldBeNull("another shape");
        FusedBackward.TryScalarDiv(Tensor.Full([2, 2], 1.0), Tensor.Full([2, 2], 1.0).T, 5).ShouldBeNull("a transposed operand");
    }

    [Fact]
    public void Division_backward_at_1024_elements_allocates_only_its_results()
    {
        // One pass writes the results: a / b's two gradients or c / x's one, 8 KB each. The tensor-op form would also
        // allocate its intermediates (b·b, −g, −g·a; x·x, g·(−c)): 40 KB and 24 KB.
        const int n = 1024, bytes = n * sizeof(double);
        var g = Tensor.Ones([n]);
        var a = Tensor.Uniform([n], 1, 2, 1).RequireGrad();
        var b = Tensor.Uniform([n], 1, 2, 2).RequireGrad();
        var divide = (a / b).GradFn!;
        var scalarDivide = (3.0 / b).GradFn!;
        using var unrecorded = Tensor.NoGrad(); // as the engine runs a backward without createGraph
        divide.RunBackward(g); // JIT and first-use allocations out of the way
        scalarDivide.RunBackward(g);

        var before = GC.GetAllocatedBytesForCurrentThread();
        divide.RunBackward(g);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBeLessThan(3 * bytes, "a / b");
        before = GC.GetAllocatedBytesForCurrentThread();
        scalarDivide.RunBackward(g);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBeLessThan(2 * bytes, "c / x");
    }

    [Fact]
    public void Second_derivatives_of_division_still_record_the_rule()
    {
        var a = Tensor.FromArray([1.0, 2, 3]).RequireGrad();
        var b = Tensor.FromArray([2.0, 4, 8]).RequireGrad();
        var gb = AutoGrad.Grad((a / b).Sum(), [b], createGraph: true)[0]!;
        gb.RequiresGrad.ShouldBeTrue();
        var ggb = AutoGrad.Grad(gb.Sum(), [b])[0]!; // d/db of −a/b² = 2a/b³
        ggb.ToArray().ShouldBe([2.0 / 8, 4.0 / 64, 6.0 / 512]);
    }
}
