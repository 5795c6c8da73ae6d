using AutoGradNet.Tests.Reference;
using static AutoGradNet.Tests.Ops.SelectionTestSupport;
using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>MaskedFill, OneHot, Tril and Triu: values and gradients vs PyTorch and finite differences, dtypes, errors.</summary>
public class MaskFillTriangleTests
{
    public static TheoryData<string> MaskedFillCases() => [.. TorchReference.Cases("masked_fill").Select(c => c.Name)];

    public static TheoryData<string> OneHotCases() => [.. TorchReference.Cases("one_hot").Select(c => c.Name)];

    public static TheoryData<string> TriangleCases() =>
        [.. TorchReference.Cases("tril").Concat(TorchReference.Cases("triu")).Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(MaskedFillCases))]
    public void MaskedFill_matches_torch_values_and_gradients(string name)
    {
        var c = TorchReference.Case(name);
        ShouldMatchTorch(c, x => x[0].MaskedFill(x[1], c.DoubleAttr("value")));
    }

    [Theory]
    [MemberData(nameof(OneHotCases))]
    public void OneHot_matches_torch(string name)
    {
        var c = TorchReference.Case(name);
        ShouldMatchTorch(c, x => Tensor.OneHot(x[0], c.IntAttr("num_classes")));
    }

    [Theory]
    [MemberData(nameof(TriangleCases))]
    public void Tril_and_Triu_match_torch_values_and_gradients(string name)
    {
        var c = TorchReference.Case(name);
        var diagonal = c.IntAttr("diagonal");
        ShouldMatchTorch(c, x => c.Op == "tril" ? x[0].Tril(diagonal) : x[0].Triu(diagonal));
    }

    [Fact]
    public void MaskedFill_gives_zero_gradient_at_filled_positions_and_passes_finite_differences()
    {
        var mask = Tensor.FromArray([true, false, false, true], 2, 2);
        var x = Random(1, [2, 2]).RequireGrad();
        x.MaskedFill(mask, 5).Sum().Backward();
        x.Grad!.ToArray().ShouldBe([0.0, 1, 1, 0]);
        var rowMask = Tensor.FromArray([false, true, true], 3, 1);
        ShouldPassGradCheck(t => t[0].MaskedFill(rowMask, -2), Random(2, [3, 4]));
        var strided = Random(3, [4, 3]).T.Detach();
        strided.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(t => t[0].MaskedFill(rowMask, double.NegativeInfinity).Exp(), strided);
    }

    [Fact]
    public void MaskedFill_keeps_the_input_dtype_for_every_dtype()
    {
        var mask = Tensor.FromArray([true, false, true]);
        foreach (var dtype in AllDTypes)
        {
            var r = Make(dtype, [0, 2, 0], 3).MaskedFill(mask, 1);
            r.DType.ShouldBe(dtype);
            r.ToArray().ShouldBe([1.0, dtype == DType.Bool ? 1 : 2, 1]);
        }
        Tensor.FromArray([1.0f, 2, 3]).MaskedFill(mask, 0.5).ToArray().ShouldBe([0.5, 2, 0.5]);
    }

    [Fact]
    public void MaskedFill_rejects_a_non_Bool_mask_and_one_that_does_not_broadcast_to_the_input()
    {
        var x = Tensor.Zeros([2, 3]);
        Should.Throw<ArgumentException>(() => x.MaskedFill(Tensor.Zeros([2, 3]), 1))
            .Message.ShouldContain("MaskedFill: the mask must be Bool, got Float64 (shape [2, 3])");
        Should.Throw<ArgumentException>(() => x.MaskedFill(Tensor.FromArray([true, false]), 1))
            .Message.ShouldContain("MaskedFill: the mask of shape [2] does not broadcast to the input's shape [2, 3]");
        Should.Throw<ArgumentException>(() => x.MaskedFill(Tensor.Zeros([4, 2, 3], DType.Bool), 1))
            .Message.ShouldContain("[4, 2, 3]");
    }

    [Fact]
    public void OneHot_infers_the_class_count_and_rejects_bad_indices()
    {
        var r = Tensor.OneHot(Tensor.FromArray([2L, 0]));
        r.DType.ShouldBe(DType.Int64);
        r.Shape.ToArray().ShouldBe([2, 3]);
        r.ToArray<long>().ShouldBe([0L, 0, 1, 1, 0, 0]);
        Tensor.OneHot(Tensor.FromArray([1L], 1, 1), 2).Shape.ToArray().ShouldBe([1, 1, 2]);
        Tensor.OneHot(Tensor.Zeros([0], DType.Int64), 4).Shape.ToArray().ShouldBe([0, 4]);

        var negative = Should.Throw<ArgumentOutOfRangeException>(() => Tensor.OneHot(Tensor.FromArray([1L, -1]), 3));
        negative.Message.ShouldContain("OneHot: index -1 at position [1]");
        Should.Throw<ArgumentOutOfRangeException>(() => Tensor.OneHot(Tensor.FromArray([3L]), 3))
            .Message.ShouldContain("out of range for 3 classes");
        Should.Throw<ArgumentException>(() => Tensor.OneHot(Tensor.FromArray([1.0])))
            .Message.ShouldContain("OneHot: the indices must be Int64, got Float64");
        Should.Throw<ArgumentException>(() => Tensor.OneHot(Tensor.Zeros([0], DType.Int64)))
            .Message.ShouldContain("cannot infer the number of classes");
        Should.Throw<ArgumentOutOfRangeException>(() => Tensor.OneHot(Tensor.FromArray([0L]), -2)).Message.ShouldContain("numClasses");
    }

    [Fact]
    public void Tril_and_Triu_keep_the_triangles_worked_out_by_hand()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6, 7, 8, 9], 3, 3);
        x.Tril().ToArray().ShouldBe([1.0, 0, 0, 4, 5, 0, 7, 8, 9]);
        x.Triu().ToArray().ShouldBe([1.0, 2, 3, 0, 5, 6, 0, 0, 9]);
        x.Tril(-1).ToArray().ShouldBe([0.0, 0, 0, 4, 0, 0, 7, 8, 0]);
        x.Triu(2).ToArray().ShouldBe([0.0, 0, 3, 0, 0, 0, 0, 0, 0]);
        x.Triu(-5).ToArray().ShouldBe(x.ToArray());
        x.Tril(-5).ToArray().ShouldBe(new double[9]);
        Tensor.FromArray([1L, 2, 3, 4], 2, 2).Tril().ToArray<long>().ShouldBe([1L, 0, 3, 4]);
        Tensor.FromArray([true, true, true, true], 2, 2).Triu().ToArray<bool>().ShouldBe([true, true, false, true]);
    }

    [Fact]
    public void Tril_and_Triu_backward_match_finite_differences_batched_and_non_contiguous()
    {
        ShouldPassGradCheck(t => t[0].Tril(1), Random(4, [2, 3, 4]));
        var strided = Random(5, [4, 3, 2]).Permute(2, 1, 0).Detach();
        strided.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(t => t[0].Triu(-1), strided);
        ShouldPassGradCheck(t => t[0].Tril(), strided.Detach());
    }

    [Fact]
    public void Tril_and_Triu_need_two_dimensions()
    {
        Should.Throw<ArgumentException>(() => Tensor.Zeros([3]).Tril()).Message.ShouldContain("Tril: the input needs at least 2 dimensions");
        Should.Throw<ArgumentException>(() => Tensor.Scalar(1).Triu()).Message.ShouldContain("Triu:");
    }
}
