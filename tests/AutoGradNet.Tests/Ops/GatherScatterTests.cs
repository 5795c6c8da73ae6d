using AutoGradNet.Tests.Reference;
using static AutoGradNet.Tests.Ops.SelectionTestSupport;
using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>Gather, ScatterAdd and TakeAlongDim: values and gradients vs PyTorch and finite differences, kernels per dtype, errors.</summary>
public class GatherScatterTests
{
    private static Tensor Index(long[] values, params int[] shape) => Tensor.FromArray(values, shape);

    public static TheoryData<string> GatherCases() => [.. TorchReference.Cases("gather").Select(c => c.Name)];

    public static TheoryData<string> ScatterAddCases() => [.. TorchReference.Cases("scatter_add").Select(c => c.Name)];

    public static TheoryData<string> TakeAlongDimCases() => [.. TorchReference.Cases("take_along_dim").Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(GatherCases))]
    public void Gather_matches_torch_values_and_gradients(string name)
    {
        var c = TorchReference.Case(name);
        ShouldMatchTorch(c, x => x[0].Gather(c.IntAttr("dim"), x[1]));
    }

    [Theory]
    [MemberData(nameof(ScatterAddCases))]
    public void ScatterAdd_matches_torch_values_and_gradients(string name)
    {
        var c = TorchReference.Case(name);
        ShouldMatchTorch(c, x => x[0].ScatterAdd(c.IntAttr("dim"), x[1], x[2]));
    }

    [Theory]
    [MemberData(nameof(TakeAlongDimCases))]
    public void TakeAlongDim_matches_torch_values_and_gradients(string name)
    {
        var c = TorchReference.Case(name);
        ShouldMatchTorch(c, x => x[0].TakeAlongDim(x[1], c.NullableIntAttr("dim")));
    }

    [Fact]
    public void Gather_picks_by_hand_worked_values_along_each_axis()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3);
        x.Gather(1, Index([2, 0, 1, 1], 2, 2)).ToArray().ShouldBe([3.0, 1, 5, 5]);
        x.Gather(0, Index([1, 0, 1], 1, 3)).ToArray().ShouldBe([4.0, 2, 6]);
        x.Gather(-1, Index([0, 0, 0, 2, 2, 2], 2, 3)).Shape.ToArray().ShouldBe([2, 3]);
    }

    [Fact]
    public void Gather_backward_matches_finite_differences_with_repeated_indices_and_a_non_contiguous_input()
    {
        var index = Index([0, 2, 2, 1, 1, 1, 2, 0], 4, 2);
        ShouldPassGradCheck(x => x[0].Gather(1, index), Random(1, [4, 3]));
        var transposed = Random(2, [3, 4]).T.Detach();
        transposed.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(x => x[0].Gather(1, index), transposed);
        ShouldPassGradCheck(x => x[0].Gather(0, Index([3, 0, 1], 1, 3)), transposed.Detach());
    }

    [Fact]
    public void Gather_gradient_accumulates_where_an_element_is_picked_twice()
    {
        var x = Random(3, [3]).RequireGrad();
        x.Gather(0, Index([2, 2, 0, 2])).Sum().Backward();
        x.Grad!.ToArray().ShouldBe([1.0, 0, 3]);
    }

    [Fact]
    public void ScatterAdd_adds_by_hand_worked_values_with_duplicates()
    {
        var x = Tensor.Zeros([2, 3]);
        var source = Tensor.FromArray([1.0, 2, 3, 4], 2, 2);
        x.ScatterAdd(1, Index([2, 2, 0, 1], 2, 2), source).ToArray().ShouldBe([0.0, 0, 3, 3, 4, 0]);
        x.ScatterAdd(0, Index([1, 1], 1, 2), source).ToArray().ShouldBe([0.0, 0, 0, 1, 2, 0]);
    }

    [Fact]
    public void ScatterAdd_backward_matches_finite_differences_for_input_and_source()
    {
        var index = Index([0, 2, 2, 1, 0, 0], 2, 3);
        ShouldPassGradCheck(x => x[0].ScatterAdd(0, index, x[1]), Random(4, [3, 3]), Random(5, [2, 3]));
        var input = Random(6, [3, 3]).T.Detach();
        var source = Random(7, [3, 2]).T.Detach();
        input.IsContiguous.ShouldBeFalse();
        source.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(x => x[0].ScatterAdd(0, index, x[1]), input, source);
    }

    [Fact]
    public void ScatterAdd_reads_only_the_index_extent_of_a_larger_source_and_gives_the_rest_zero_gradient()
    {
        var source = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3).RequireGrad();
        var r = Tensor.Zeros([2, 2]).ScatterAdd(1, Index([1, 1], 1, 2), source);
        r.ToArray().ShouldBe([0.0, 3, 0, 0]);
        (r * Tensor.FromArray([1.0, 10, 100, 1000], 2, 2)).Sum().Backward();
        source.Grad!.ToArray().ShouldBe([10.0, 10, 0, 0, 0, 0]);
        ShouldPassGradCheck(x => Tensor.Zeros([2, 2]).ScatterAdd(1, Index([1, 0], 1, 2), x[0]), Random(8, [2, 3]));
    }

    [Fact]
    public void Gather_and_ScatterAdd_have_second_derivatives()
    {
        var index = Index([0, 2, 2, 1, 1, 1], 3, 2);
        ShouldPassSecondOrderGradCheck(x => x[0].Gather(1, index), Random(9, [3, 3]));
        ShouldPassSecondOrderGradCheck(x => x[0].ScatterAdd(1, index, x[1]), Random(10, [3, 3]), Random(11, [3, 2]));
    }

    [Fact]
    public void TakeAlongDim_broadcasts_indices_and_input_and_matches_finite_differences()
    {
        // indices [1, 3] against input [2, 4] on axis 1: rows broadcast.
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6, 7, 8], 2, 4);
        x.TakeAlongDim(Index([3, 0, 0], 1, 3), 1).ToArray().ShouldBe([4.0, 1, 1, 8, 5, 5]);
        // input [2, 1] against indices [2, 3] on axis 0: the input broadcasts along axis 1.
        var column = Tensor.FromArray([10.0, 20], 2, 1);
        column.TakeAlongDim(Index([1, 0, 1, 0, 0, 0], 2, 3), 0).ToArray().ShouldBe([20.0, 10, 20, 10, 10, 10]);
        ShouldPassGradCheck(t => t[0].TakeAlongDim(Index([1, 0, 1, 0, 0, 0], 2, 3), 0), Random(12, [2, 1]));
        var strided = Random(13, [4, 2]).T.Detach();
        strided.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(t => t[0].TakeAlongDim(Index([3, 3, 1], 1, 3), 1), strided);
        ShouldPassGradCheck(t => t[0].TakeAlongDim(Index([7, 0, 7, 2]), null), strided.Detach());
    }

    [Fact]
    public void TakeAlongDim_pairs_with_argmax_style_indices_kept_as_an_axis()
    {
        var x = Tensor.FromArray([3.0, 9, 1, 7, 2, 8], 2, 3);
        x.TakeAlongDim(Index([1, 2], 2, 1), 1).ToArray().ShouldBe([9.0, 8]);
    }

    [Fact]
    public void Gather_kernel_is_right_for_every_length_0_to_40_and_every_dtype()
    {
        foreach (var dtype in AllDTypes)
        {
            for (var n = 0; n <= 40; n++)
            {
                // x is [2, n] read transposed from a [n, 2] buffer; index [2, n+3] picks (7j + 3r) mod n.
                var values = Enumerable.Range(0, 2 * n).Select(v => (double)(v % 5)).ToArray();
                var x = Make(dtype, values, n, 2).T;
                var m = n == 0 ? 0 : n + 3;
                var picks = new long[2 * m];
                for (var r = 0; r < 2; r++)
                    for (var j = 0; j < m; j++) picks[r * m + j] = (7 * j + 3 * r) % n;
                var result = x.Gather(1, Index(picks, 2, m));
                result.DType.ShouldBe(dtype);
                var expected = new double[2 * m];
                for (var r = 0; r < 2; r++)
                    for (var j = 0; j < m; j++) expected[r * m + j] = Expected(values[picks[r * m + j] * 2 + r], dtype);
                result.ToArray().ShouldBe(expected, $"{dtype}, n = {n}");
            }
        }
    }

    [Fact]
    public void ScatterAdd_kernel_is_right_for_every_length_0_to_40_and_every_numeric_dtype()
    {
        foreach (var dtype in NumericDTypes)
        {
            for (var n = 0; n <= 40; n++)
            {
                var size = Math.Max(n / 3, 1);
                var baseValues = Enumerable.Range(0, 2 * size).Select(v => (double)v).ToArray();
                var sourceValues = Enumerable.Range(0, 2 * n).Select(v => (double)(v % 7 + 1)).ToArray();
                var picks = Enumerable.Range(0, 2 * n).Select(v => (long)(v * 5 % size)).ToArray();
                var source = Make(dtype, sourceValues, n, 2).T; // non-contiguous [2, n]
                var result = Make(dtype, baseValues, 2, size).ScatterAdd(1, Index(picks, 2, n), source);
                var expected = (double[])baseValues.Clone();
                for (var r = 0; r < 2; r++)
                    for (var j = 0; j < n; j++) expected[r * size + picks[r * n + j]] += sourceValues[j * 2 + r];
                result.DType.ShouldBe(dtype);
                result.ToArray().ShouldBe(expected, $"{dtype}, n = {n}");
            }
        }
    }

    [Fact]
    public void Gather_and_ScatterAdd_in_float32_match_float64_values()
    {
        var x = Random(14, [3, 4]);
        var index = Index([3, 0, 1, 1, 2, 2], 3, 2);
        ShouldBeClose(x.To(DType.Float32).Gather(1, index).ToArray(), x.Gather(1, index).ToArray(), 1e-6, 1e-6);
        var s = Random(15, [3, 2]);
        ShouldBeClose(
            x.To(DType.Float32).ScatterAdd(1, index, s.To(DType.Float32)).ToArray(),
            x.ScatterAdd(1, index, s).ToArray(), 1e-6, 1e-6);
    }

    [Fact]
    public void Gather_with_an_index_out_of_range_names_the_index_its_position_the_axis_and_the_shape()
    {
        var x = Tensor.Zeros([2, 3]);
        var ex = Should.Throw<ArgumentOutOfRangeException>(() => x.Gather(1, Index([0, 1, 3, 0], 2, 2)));
        ex.Message.ShouldContain("Gather: index 3");
        ex.Message.ShouldContain("axis 1 of size 3");
        ex.Message.ShouldContain("[2, 3]");
        ex.Message.ShouldContain("position [1, 0]");
        Should.Throw<ArgumentOutOfRangeException>(() => x.Gather(0, Index([-1], 1, 1))).Message.ShouldContain("index -1");
        Should.Throw<ArgumentOutOfRangeException>(() => x.ScatterAdd(0, Index([2], 1, 1), Tensor.Ones([1, 1])))
            .Message.ShouldContain("ScatterAdd: index 2 is out of range for axis 0 of size 2");
        Should.Throw<ArgumentOutOfRangeException>(() => x.TakeAlongDim(Index([6]), null))
            .Message.ShouldContain("TakeAlongDim: index 6");
    }

    [Fact]
    public void Gather_ScatterAdd_and_TakeAlongDim_reject_an_index_that_is_not_Int64_naming_its_dtype()
    {
        var x = Tensor.Zeros([2, 3]);
        var floatIndex = Tensor.Zeros([2, 3]);
        Should.Throw<ArgumentException>(() => x.Gather(1, floatIndex)).Message.ShouldContain("Gather: the index must be Int64, got Float64");
        Should.Throw<ArgumentException>(() => x.ScatterAdd(1, floatIndex, x)).Message.ShouldContain("ScatterAdd: the index must be Int64, got Float64");
        Should.Throw<ArgumentException>(() => x.TakeAlongDim(Tensor.Zeros([2, 3], DType.Bool), 1))
            .Message.ShouldContain("TakeAlongDim: the indices must be Int64, got Bool");
        Should.Throw<ArgumentNullException>(() => x.Gather(1, null!)).Message.ShouldContain("Gather: the index is null");
    }

    [Fact]
    public void Shape_and_dtype_mismatches_name_both_shapes()
    {
        var x = Tensor.Zeros([2, 3]);
        var ex = Should.Throw<ArgumentException>(() => x.Gather(1, Index([0, 0, 0])));
        ex.Message.ShouldContain("Gather: the index (shape [3], rank 1) must have the same rank as the input (shape [2, 3], rank 2)");
        Should.Throw<ArgumentException>(() => x.Gather(1, Index([0, 0, 0], 3, 1)))
            .Message.ShouldContain("index shape [3, 1] is larger than input shape [2, 3] on axis 0");
        Should.Throw<ArgumentException>(() => x.ScatterAdd(1, Index([0, 0], 1, 2), Tensor.Ones([1, 1])))
            .Message.ShouldContain("ScatterAdd: index shape [1, 2] is larger than source shape [1, 1] on axis 1");
        Should.Throw<ArgumentException>(() => x.ScatterAdd(1, Index([0], 1, 1), Tensor.Ones([1, 1], DType.Float32)))
            .Message.ShouldContain("ScatterAdd: the source's dtype Float32");
        Should.Throw<ArgumentException>(() => Tensor.Zeros([2], DType.Bool).ScatterAdd(0, Index([0]), Tensor.Zeros([1], DType.Bool)))
            .Message.ShouldContain("ScatterAdd: Bool tensors cannot be added");
        Should.Throw<ArgumentException>(() => x.TakeAlongDim(Index([0, 0, 0, 0], 4, 1), 1))
            .Message.ShouldContain("TakeAlongDim: the indices of shape [4, 1] and the input of shape [2, 3] do not broadcast");
        Should.Throw<ArgumentOutOfRangeException>(() => x.Gather(2, Index([0], 1, 1))).Message.ShouldContain("Gather: axis 2 is out of range");
    }

    [Fact]
    public void Gather_of_Int64_and_Bool_tensors_keeps_the_dtype_and_records_nothing()
    {
        var labels = Tensor.FromArray([5L, 6, 7]);
        var picked = labels.Gather(0, Index([2, 0]));
        picked.DType.ShouldBe(DType.Int64);
        picked.ToArray<long>().ShouldBe([7L, 5]);
        picked.GradFn.ShouldBeNull();
        Tensor.FromArray([true, false]).Gather(0, Index([1, 1, 0])).ToArray<bool>().ShouldBe([false, false, true]);
    }

    private static double Expected(double v, DType dtype) => dtype == DType.Bool ? (v != 0 ? 1 : 0) : v;
}
