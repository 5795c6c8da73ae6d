using AutoGradNet.Kernels;
using AutoGradNet.Tests.Reference;
using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests;

/// <summary>IndexSelect, IndexAdd, MaskedSelect and Embedding: forward and gradients vs PyTorch, finite differences, second derivatives, kernels.</summary>
public class IndexSelectTests
{
    internal static Tensor Input(TorchTensor t) => t.DType switch
    {
        "int64" => Tensor.FromArray(t.ToInt64(), t.Shape),
        "bool" => Tensor.FromArray([.. t.Data.Select(v => v != 0)], t.Shape),
        _ => t.ToTensor(),
    };

    internal static void ShouldMatch(Tensor actual, TorchTensor expected)
    {
        actual.Shape.ShouldBe(new Shape(expected.Shape));
        ShouldBeClose(actual.ToArray(), expected.Data);
    }

    private static Tensor Weighted(Tensor y) => y * Random(2000 + y.Size, y.Shape, 0.5, 1.5);

    private static Tensor Index(params long[] values) => Tensor.FromArray(values, values.Length);

    [Theory]
    [InlineData("index_select_dim0")]
    [InlineData("index_select_dim_neg1")]
    public void IndexSelect_matches_torch_values_and_gradient(string name)
    {
        var c = TorchReference.Case(name);
        var x = Input(c.Inputs[0]).RequireGrad();
        var y = x.IndexSelect(c.IntAttr("dim"), Input(c.Inputs[1]));
        ShouldMatch(y, c.Outputs[0]);
        y.Backward(Input(c.GradOutput!));
        ShouldMatch(x.Grad!, c.Grads[0]!);
    }

    [Theory]
    [InlineData("index_add_dim0")]
    [InlineData("index_add_dim1_alpha")]
    [InlineData("index_add_dim_neg1_3d")]
    public void IndexAdd_matches_torch_values_and_gradients(string name)
    {
        var c = TorchReference.Case(name);
        var self = Input(c.Inputs[0]).RequireGrad();
        var source = Input(c.Inputs[2]).RequireGrad();
        var y = self.IndexAdd(c.IntAttr("dim"), Input(c.Inputs[1]), source, c.DoubleAttr("alpha"));
        ShouldMatch(y, c.Outputs[0]);
        y.Backward(Input(c.GradOutput!));
        ShouldMatch(self.Grad!, c.Grads[0]!);
        ShouldMatch(source.Grad!, c.Grads[2]!);
    }

    [Theory]
    [InlineData("embedding_basic")]
    [InlineData("embedding_padding_idx")]
    public void Embedding_matches_torch_values_and_gradient(string name)
    {
        var c = TorchReference.Case(name);
        var weight = Input(c.Inputs[0]).RequireGrad();
        var y = Functional.Embedding(weight, Input(c.Inputs[1]), c.NullableIntAttr("padding_idx"));
        ShouldMatch(y, c.Outputs[0]);
        y.Backward(Input(c.GradOutput!));
        ShouldMatch(weight.Grad!, c.Grads[0]!);
    }

    [Fact]
    public void MaskedSelect_matches_torch_full_mask_case()
    {
        var c = TorchReference.Case("masked_select_full");
        var x = Input(c.Inputs[0]).RequireGrad();
        var y = x.MaskedSelect(Input(c.Inputs[1]));
        ShouldMatch(y, c.Outputs[0]);
        y.Backward(Input(c.GradOutput!));
        ShouldMatch(x.Grad!, c.Grads[0]!);
    }

    [Fact]
    public void IndexSelect_with_repeats_and_0d_index_by_hand()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3);
        x.IndexSelect(1, Index(2, 0, 2)).ToArray().ShouldBe([3.0, 1, 3, 6, 4, 6]);
        var y = x.IndexSelect(0, Tensor.Scalar(1, DType.Int64));
        y.Shape.ShouldBe(new Shape(1, 3));
        y.ToArray().ShouldBe([4.0, 5, 6]);
        x.IndexSelect(0, Tensor.FromArray(Array.Empty<long>(), 0)).Shape.ShouldBe(new Shape(0, 3));
    }

    [Fact]
    public void IndexSelect_works_on_int64_bool_and_float32()
    {
        var l = Tensor.FromArray([10L, 20, 30], 3).IndexSelect(0, Index(2, 2, 0));
        l.DType.ShouldBe(DType.Int64);
        l.ToArray<long>().ShouldBe([30L, 30, 10]);
        Tensor.FromArray([true, false, true], 3).IndexSelect(0, Index(1, 0)).ToArray<bool>().ShouldBe([false, true]);
        var f = Tensor.FromArray([1.5f, 2.5f, 3.5f], 3).IndexSelect(0, Index(2));
        f.DType.ShouldBe(DType.Float32);
        f.ToArray().ShouldBe([3.5]);
    }

    [Fact]
    public void IndexAdd_accumulates_repeated_indices_in_int64_and_float32()
    {
        Tensor.FromArray([1L, 1, 1], 3).IndexAdd(0, Index(0, 0, 2), Tensor.FromArray([5L, 6, 7], 3)).ToArray<long>().ShouldBe([12L, 1, 8]);
        var f = Tensor.Zeros([2], DType.Float32).IndexAdd(0, Index(1, 1), Tensor.FromArray([0.25f, 0.5f], 2), 2);
        f.DType.ShouldBe(DType.Float32);
        f.ToArray().ShouldBe([0.0, 1.5]);
    }

    [Fact]
    public void IndexSelect_backward_matches_finite_differences_with_repeats_and_non_contiguous_input()
    {
        var t = Random(1, [4, 3]).T.Detach();
        t.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(x => Weighted(x[0].IndexSelect(1, Index(3, 0, 3, 1))), t);
        ShouldPassGradCheck(x => Weighted(x[0].IndexSelect(0, Index(2, 2))), Random(2, [3, 2, 2]));
    }

    [Fact]
    public void IndexAdd_backward_matches_finite_differences_for_both_inputs()
    {
        var self = Random(3, [5, 3]).Slice(0, 0, 5, 1).T.Detach();
        self.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(x => Weighted(x[0].IndexAdd(1, Index(4, 0, 4), x[1], 0.5)), self, Random(4, [3, 3]));
    }

    [Fact]
    public void MaskedSelect_backward_matches_finite_differences_with_broadcast_mask_and_non_contiguous_input()
    {
        var mask = Tensor.FromArray([true, false, true], 3);
        var t = Random(5, [3, 4]).T.Detach();
        t.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(x => Weighted(x[0].MaskedSelect(mask)), t);
        // The input broadcasts up to the mask: each element is selected twice and gets both gradients.
        var rowMask = Tensor.FromArray([true, false, true, true, true, false], 2, 3);
        ShouldPassGradCheck(x => Weighted(x[0].MaskedSelect(rowMask)), Random(6, [3]));
    }

    [Fact]
    public void Second_derivatives_through_index_select_index_add_and_masked_select()
    {
        var mask = Tensor.FromArray([true, false, true, true, false, true], 2, 3);
        ShouldPassGradCheck(x => AutoGrad.Grad(x[0].IndexSelect(1, Index(2, 0, 2)).Pow(3).Sum(), [x[0]], createGraph: true)[0], Random(7, [2, 3]));
        ShouldPassGradCheck(x => AutoGrad.Grad(x[0].MaskedSelect(mask).Pow(3).Sum(), [x[0]], createGraph: true)[0], Random(8, [2, 3]));
        ShouldPassGradCheck(
            x => AutoGrad.Grad(x[0].IndexAdd(0, Index(1, 1), x[1] * x[1]).Pow(2).Sum(), [x[1]], createGraph: true)[0],
            Random(9, [3, 2]), Random(10, [2, 2]));
    }

    [Fact]
    public void Embedding_backward_matches_finite_differences()
    {
        var idx = Tensor.FromArray([1L, 3, 1, 0], 2, 2);
        ShouldPassGradCheck(x => Weighted(Functional.Embedding(x[0], idx)), Random(11, [4, 3]));
        // With a padding index the gradient is not the derivative (PyTorch's convention): row 1 gets none, the rest match.
        var weight = Random(12, [4, 3]).RequireGrad();
        var upstream = Random(13, [2, 2, 3]);
        (Functional.Embedding(weight, idx, paddingIndex: 1) * upstream).Sum().Backward();
        var plain = weight.Detach().RequireGrad();
        (Functional.Embedding(plain, idx) * upstream).Sum().Backward();
        weight.Grad![1].ToArray().ShouldBe([0.0, 0, 0]);
        weight.Grad[0].ToArray().ShouldBe(plain.Grad![0].ToArray());
        weight.Grad[3].ToArray().ShouldBe(plain.Grad[3].ToArray());
    }

    [Fact]
    public void Float32_index_select_and_masked_select_match_float64()
    {
        var x = Random(13, [3, 4]);
        var mask = x > 0;
        ShouldBeClose(x.To(DType.Float32).IndexSelect(1, Index(3, 1)).ToArray(), x.IndexSelect(1, Index(3, 1)).ToArray(), 1e-6, 1e-6);
        ShouldBeClose(x.To(DType.Float32).MaskedSelect(mask).ToArray(), x.MaskedSelect(mask).ToArray(), 1e-6, 1e-6);
    }

    [Fact]
    public void Errors_name_the_op_index_axis_and_shape()
    {
        var x = Random(14, [2, 3]);
        Should.Throw<ArgumentOutOfRangeException>(() => x.IndexSelect(1, Index(3))).Message.ShouldContain("IndexSelect: index 3 (element 0) is out of range for axis 1 of length 3 (shape [2, 3])");
        Should.Throw<ArgumentOutOfRangeException>(() => x.IndexSelect(0, Index(-1))).Message.ShouldContain("IndexSelect: index -1");
        Should.Throw<ArgumentException>(() => x.IndexSelect(0, Tensor.FromArray([0.0], 1))).Message.ShouldContain("IndexSelect: the index must be Int64, got Float64");
        Should.Throw<ArgumentException>(() => x.IndexSelect(0, Tensor.FromArray([0L, 1], 1, 2))).Message.ShouldContain("IndexSelect: the index must be 1-D");
        Should.Throw<ArgumentException>(() => x.IndexSelect(2, Index(0))).Message.ShouldContain("IndexSelect");
        Should.Throw<ArgumentException>(() => x.IndexAdd(0, Index(0), Random(1, [2, 3]))).Message.ShouldContain("IndexAdd: source has shape [2, 3], expected [1, 3]");
        Should.Throw<ArgumentException>(() => x.IndexAdd(0, Index(0), Random(1, [1, 3]).To(DType.Float32))).Message.ShouldContain("IndexAdd: dtype mismatch");
        Should.Throw<ArgumentException>(() => Tensor.FromArray([true], 1).IndexAdd(0, Index(0), Tensor.FromArray([true], 1))).Message.ShouldContain("IndexAdd: Bool");
        Should.Throw<ArgumentException>(() => x.MaskedSelect(x)).Message.ShouldContain("MaskedSelect: the mask must be Bool, got Float64");
        Should.Throw<ArgumentException>(() => x.MaskedSelect(Tensor.FromArray([true, false], 2))).Message.ShouldContain("MaskedSelect");
        Should.Throw<ArgumentException>(() => Functional.Embedding(x, x)).Message.ShouldContain("Embedding: the indices must be Int64");
        Should.Throw<ArgumentException>(() => Functional.Embedding(Random(1, [3]), Index(0))).Message.ShouldContain("Embedding: the weight must be 2-D");
        Should.Throw<ArgumentOutOfRangeException>(() => Functional.Embedding(x, Index(2))).Message.ShouldContain("out of range for axis 0 of length 2");
        Should.Throw<ArgumentOutOfRangeException>(() => Functional.Embedding(x, Index(0), paddingIndex: 5)).Message.ShouldContain("Embedding: paddingIndex 5");
    }

    // Kernel sweeps: every length from 0 to 40 in every dtype the kernel accepts; expected values by formula.

    public static TheoryData<int> Lengths() => [.. Enumerable.Range(0, 41)];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Take_put_and_accumulate_kernels_for_every_length_and_dtype(int n)
    {
        var reversed = Enumerable.Range(0, n).Select(i => (long)(n - 1 - i)).ToArray();
        var index = Tensor.FromArray(reversed, n);
        var d = Tensor.FromArray(Enumerable.Range(0, n).Select(i => i + 0.5).ToArray(), n);
        foreach (var dtype in new[] { DType.Float64, DType.Float32, DType.Int64, DType.Bool })
        {
            var x = d.ConvertedTo(dtype);
            var expected = reversed.Select(i => x.ItemAt((int)i)).ToArray();
            x.IndexSelect(0, index).ToArray().ShouldBe(expected, $"{dtype} n={n}");
            var evens = Tensor.FromArray(Enumerable.Range(0, n).Select(i => i % 2 == 0).ToArray(), n);
            x.MaskedSelect(evens).ToArray().ShouldBe(Enumerable.Range(0, n).Where(i => i % 2 == 0).Select(i => x.ItemAt(i)).ToArray(), $"{dtype} n={n}");
            if (dtype == DType.Bool) continue;
            var sum = Tensor.Ones([n], dtype).IndexAdd(0, index, x, 2);
            sum.ToArray().ShouldBe(Enumerable.Range(0, n).Select(i => 1 + 2 * x.ItemAt(n - 1 - i)).ToArray(), $"{dtype} n={n}");
        }
    }

    [Fact]
    public void Layout_offsets_follow_strides_in_row_major_order()
    {
        IndexLayout.Offsets([2, 3], [1, 2]).ShouldBe([0, 2, 4, 1, 3, 5]);
        IndexLayout.Offsets([], []).ShouldBe([0]);
        IndexLayout.Offsets([0, 3], [3, 1]).ShouldBeEmpty();
    }
}
