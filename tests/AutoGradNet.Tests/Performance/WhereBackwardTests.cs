namespace AutoGradNet.Tests.Performance;

/// <summary>
/// Where's backward takes a one-pass masked copy when it is not recorded and nothing broadcasts; these check that it gives
/// the bits of the recorded path (Where(cond, g, 0) and Where(cond, 0, g)), NaN, infinities and −0 included.
/// </summary>
public class WhereBackwardTests
{
    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void The_unrecorded_backward_gives_the_recorded_backwards_bits(DType dtype)
    {
        var cond = Tensor.FromArray([true, false, true, false, true, false, true, false], 8);
        var seed = Tensor.FromArray([1.5, double.NaN, double.NegativeInfinity, -0.0, -0.0, 2.5, double.NaN, 7.0]).To(dtype);
        Tensor Leaf() => Tensor.FromArray([1.0, 2, 3, 4, 5, 6, 7, 8]).To(dtype).Detach().RequireGrad();

        var (a1, b1) = (Leaf(), Leaf());
        Tensor.Where(cond, a1, b1).Backward(seed);

        var (a2, b2) = (Leaf(), Leaf());
        var grads = AutoGrad.Grad(Tensor.Where(cond, a2, b2), [a2, b2], seed, createGraph: true); // recorded: the general path

        Bits(a1.Grad!).ShouldBe(Bits(grads[0]!));
        Bits(b1.Grad!).ShouldBe(Bits(grads[1]!));
        Bits(a1.Grad!).ShouldBe(Bits(Tensor.FromArray([1.5, 0, double.NegativeInfinity, 0, -0.0, 0, double.NaN, 0]).To(dtype)));
    }

    [Fact]
    public void A_broadcast_condition_takes_the_general_path_with_the_same_result()
    {
        var cond = Tensor.FromArray([true, false, true], 3);
        var a = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }).RequireGrad();
        Tensor.Where(cond, a, 0.0).Sum().Backward();
        a.Grad!.ToArray().ShouldBe([1.0, 0, 1, 1, 0, 1]);
    }

    [Fact]
    public void The_result_shape_is_the_broadcast_of_all_three_whether_or_not_the_branches_are_0_d()
    {
        var cond3 = Tensor.FromArray([true, false, true], 3);
        Tensor.Where(cond3, Tensor.Scalar(1.0), Tensor.FromArray([4.0, 5, 6])).ToArray().ShouldBe([1.0, 5, 1]); // fast: [] and [3]
        Tensor.Where(cond3, Tensor.Scalar(1.0), Tensor.Scalar(2.0)).ToArray().ShouldBe([1.0, 2, 1]);             // fast: both 0-d
        var r = Tensor.Where(Tensor.FromArray([true], []), Tensor.FromArray([4.0, 5, 6]), Tensor.Scalar(0.0)); // a 0-d condition
        r.Shape.ShouldBe(new Shape(3));
        r.ToArray().ShouldBe([4.0, 5, 6]);
        var m = Tensor.Where(cond3, Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }), Tensor.Scalar(0.0));
        m.Shape.ShouldBe(new Shape(2, 3));
        m.ToArray().ShouldBe([1.0, 0, 3, 4, 0, 6]);
        Should.Throw<ArgumentException>(() => Tensor.Where(cond3, Tensor.Scalar(1.0), Tensor.FromArray([1.0, 2]))).Message.ShouldStartWith("Where:");
    }

    private static long[] Bits(Tensor t) => [.. t.ToArray().Select(BitConverter.DoubleToInt64Bits)];
}
