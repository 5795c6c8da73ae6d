using AutoGradNet.Tests.Reference;
using static AutoGradNet.Tests.Ops.SelectionTestSupport;
using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>Flip and Roll: values and gradients vs PyTorch and finite differences, the remap kernel per dtype, errors.</summary>
public class FlipRollTests
{
    public static TheoryData<string> FlipCases() => [.. TorchReference.Cases("flip").Select(c => c.Name)];

    public static TheoryData<string> RollCases() => [.. TorchReference.Cases("roll").Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(FlipCases))]
    public void Flip_matches_torch_values_and_gradients(string name)
    {
        var c = TorchReference.Case(name);
        ShouldMatchTorch(c, x => x[0].Flip(c.IntArrayAttr("dims")!));
    }

    [Theory]
    [MemberData(nameof(RollCases))]
    public void Roll_matches_torch_values_and_gradients(string name)
    {
        var c = TorchReference.Case(name);
        var shifts = c.IntArrayAttr("shifts")!;
        var dims = c.IntArrayAttr("dims");
        ShouldMatchTorch(c, x => dims is null ? x[0].Roll(shifts[0]) : x[0].Roll(shifts, dims));
    }

    [Fact]
    public void Flip_and_Roll_move_elements_as_worked_out_by_hand()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3);
        x.Flip(1).ToArray().ShouldBe([3.0, 2, 1, 6, 5, 4]);
        x.Flip(0, -1).ToArray().ShouldBe([6.0, 5, 4, 3, 2, 1]);
        x.Flip().ToArray().ShouldBe(x.ToArray());
        x.Roll(1, 1).ToArray().ShouldBe([3.0, 1, 2, 6, 4, 5]);
        x.Roll(-1, 1).ToArray().ShouldBe([2.0, 3, 1, 5, 6, 4]);
        x.Roll(2).ToArray().ShouldBe([5.0, 6, 1, 2, 3, 4]);
        x.Roll(2).Shape.ToArray().ShouldBe([2, 3]);
        x.Roll([1, 1], [1, 1]).ToArray().ShouldBe(x.Roll(2, 1).ToArray());
        x.Roll(int.MinValue, 1).ToArray().ShouldBe(x.Roll(1, 1).ToArray()); // -2^31 ≡ 1 (mod 3)
        Tensor.Scalar(7).Roll(3).Item().ShouldBe(7);
        Tensor.Zeros([0, 3]).Roll(2, 0).Shape.ToArray().ShouldBe([0, 3]);
    }

    [Fact]
    public void Flip_and_Roll_backward_match_finite_differences_on_non_contiguous_inputs()
    {
        ShouldPassGradCheck(t => t[0].Flip(0, 2), Random(1, [2, 3, 4]));
        ShouldPassGradCheck(t => t[0].Roll([1, -2], [0, 2]), Random(2, [2, 3, 4]));
        var strided = Random(3, [4, 3]).T.Detach();
        strided.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(t => t[0].Flip(1), strided);
        ShouldPassGradCheck(t => t[0].Roll(5), strided.Detach());
        ShouldPassGradCheck(t => t[0].Roll(-1, 0) * t[0], strided.Detach());
    }

    [Fact]
    public void Flip_and_Roll_have_second_derivatives()
    {
        ShouldPassSecondOrderGradCheck(t => t[0].Flip(0) * t[0], Random(4, [3, 2]));
        ShouldPassSecondOrderGradCheck(t => t[0].Roll(1, 1) * t[0], Random(5, [2, 3]));
    }

    [Fact]
    public void Remap_kernel_is_right_for_every_length_0_to_40_and_every_dtype()
    {
        foreach (var dtype in AllDTypes)
        {
            for (var n = 0; n <= 40; n++)
            {
                var values = Enumerable.Range(0, 2 * n).Select(v => (double)(v % 3)).ToArray();
                var x = Make(dtype, values, n, 2).T; // [2, n], non-contiguous
                var flipped = x.Flip(1);
                var rolled = x.Roll(3, 1);
                flipped.DType.ShouldBe(dtype);
                var expectedFlip = new double[2 * n];
                var expectedRoll = new double[2 * n];
                for (var r = 0; r < 2; r++)
                {
                    for (var j = 0; j < n; j++)
                    {
                        expectedFlip[r * n + j] = Bit(values[(n - 1 - j) * 2 + r], dtype);
                        expectedRoll[r * n + j] = Bit(values[(((j - 3) % n + n) % n) * 2 + r], dtype);
                    }
                }
                flipped.ToArray().ShouldBe(expectedFlip, $"flip {dtype}, n = {n}");
                rolled.ToArray().ShouldBe(expectedRoll, $"roll {dtype}, n = {n}");
            }
        }
    }

    [Fact]
    public void Float32_flip_and_roll_match_float64()
    {
        var x = Random(6, [3, 4]);
        ShouldBeClose(x.To(DType.Float32).Flip(0).ToArray(), x.Flip(0).ToArray(), 1e-6, 1e-6);
        ShouldBeClose(x.To(DType.Float32).Roll(-3).ToArray(), x.Roll(-3).ToArray(), 1e-6, 1e-6);
    }

    [Fact]
    public void Flip_and_Roll_reject_bad_axes_naming_them()
    {
        var x = Tensor.Zeros([2, 3]);
        Should.Throw<ArgumentException>(() => x.Flip(0, -2)).Message.ShouldContain("Flip: axis -2 appears more than once");
        Should.Throw<ArgumentOutOfRangeException>(() => x.Flip(2)).Message.ShouldContain("Flip: axis 2 is out of range");
        Should.Throw<ArgumentOutOfRangeException>(() => x.Roll(1, 5)).Message.ShouldContain("Roll: axis 5 is out of range");
        Should.Throw<ArgumentException>(() => x.Roll([1, 2], [0])).Message.ShouldContain("Roll: shifts [1, 2] and axes [0] must have the same");
    }

    [Fact]
    public void Recorded_nodes_describe_the_forward_ops()
    {
        var x = Random(7, [2, 3]).RequireGrad();
        var index = Tensor.FromArray([2L, 0], 2, 1);
        var gather = x.Gather(1, index).GradFn!;
        gather.Name.ShouldBe("GatherBackward");
        gather.Attributes["axis"].ShouldBe(1);
        gather.Attributes["index"].ShouldBeSameAs(index);
        x.ScatterAdd(-1, index, x).GradFn!.Name.ShouldBe("ScatterAddBackward");
        var flip = x.Flip(-1).GradFn!;
        flip.Name.ShouldBe("FlipBackward");
        flip.Attributes["axes"].ShouldBe(new[] { 1 });
        var roll = x.Roll([4], [-1]).GradFn!;
        roll.Name.ShouldBe("RollBackward");
        roll.Attributes["shifts"].ShouldBe(new[] { 4 });
        roll.Attributes["axes"].ShouldBe(new[] { 1 });
        x.MaskedFill(Tensor.FromArray([true, false, true]), 0).GradFn!.Name.ShouldBe("WhereBackward");
    }

    private static double Bit(double v, DType dtype) => dtype == DType.Bool ? (v != 0 ? 1 : 0) : v;
}
