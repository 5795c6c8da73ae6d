using AutoGradNet.Tests.Reference;
using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>ArgMax/ArgMin, Max/MinWithIndices, Sort, ArgSort and TopK: values, indices and gradients.</summary>
public class SortingTests
{
    /// <summary>Elementwise closeness where NaN matches NaN and infinities match themselves.</summary>
    private static void ShouldMatch(double[] actual, double[] expected, string what)
    {
        actual.Length.ShouldBe(expected.Length, what);
        for (var i = 0; i < actual.Length; i++)
        {
            if (double.IsNaN(expected[i]) || double.IsInfinity(expected[i]))
            {
                actual[i].ShouldBe(expected[i], $"{what}, element {i}");
                continue;
            }
            Math.Abs(actual[i] - expected[i]).ShouldBeLessThanOrEqualTo(1e-12 * (1 + Math.Abs(expected[i])), $"{what}, element {i}: {actual[i]:R} vs {expected[i]:R}");
        }
    }

    private static double[] Indices(Tensor t) => [.. t.ToArray<long>().Select(v => (double)v)];

    /// <summary>Runs a two-output op on the case's input, comparing values, indices and (unless tied) the gradient.</summary>
    private static void CheckAgainstTorch(TorchCase c, Func<Tensor, (Tensor Values, Tensor Indices)> op, bool valuesOnly = false)
    {
        var x = c.Inputs[0].ToTensor().RequireGrad();
        var (values, indices) = op(x);
        values.Shape.ToArray().ShouldBe(c.Outputs[0].Shape, c.Name);
        indices.Shape.ToArray().ShouldBe(c.Outputs[1].Shape, c.Name);
        indices.DType.ShouldBe(DType.Int64);
        ShouldMatch(values.ToArray(), c.Outputs[0].Data, c.Name + " values");
        values.Backward(Tensor.FromArray(c.GradOutput!.Data, c.GradOutput.Shape));
        if (valuesOnly)
        {
            // Tied indices are implementation-defined: check only that each index holds its value, and the grad total.
            var xv = c.Inputs[0].Data;
            var axis = x.Shape.NormalizeAxis(c.IntAttr("dim"), "test");
            var taken = x.Detach().Transpose(axis, -1).Contiguous().ToArray();
            var n = x.Shape[axis];
            var idx = indices.Transpose(axis, -1).Contiguous().ToArray<long>();
            var k = idx.Length / (xv.Length / n);
            for (var p = 0; p < idx.Length; p++) taken[p / k * n + (int)idx[p]].ShouldBe(values.Transpose(axis, -1).Contiguous().ToArray()[p]);
            x.Grad!.Sum().Item().ShouldBe(c.GradOutput.Data.Sum(), 1e-12);
            return;
        }
        ShouldMatch(Indices(indices), c.Outputs[1].Data, c.Name + " indices");
        ShouldMatch(x.Grad!.ToArray(), c.Grads[0]!.Data, c.Name + " grad");
    }

    /// <summary>The torch cases of <paramref name="op"/> (for max, only those with a dim: the rest test <c>Max()</c>).</summary>
    public static TheoryData<string> CaseNames(string op) =>
        [.. TorchReference.Cases(op).Where(c => op != "max" || c.NullableIntAttr("dim") is not null).Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames), "max")]
    public void MaxWithIndices_matches_torch_max_dim_values_indices_and_gradient(string name)
    {
        var c = TorchReference.Case(name);
        CheckAgainstTorch(c, x => x.MaxWithIndices(c.IntAttr("dim"), c.BoolAttr("keepdim")));
    }

    [Theory]
    [MemberData(nameof(CaseNames), "sort")]
    public void Sort_matches_torch_values_indices_and_gradient(string name)
    {
        var c = TorchReference.Case(name);
        CheckAgainstTorch(c, x => x.Sort(c.IntAttr("dim"), c.BoolAttr("descending")));
    }

    [Theory]
    [MemberData(nameof(CaseNames), "topk")]
    public void TopK_matches_torch_values_and_gradient_and_indices_without_ties(string name)
    {
        var c = TorchReference.Case(name);
        CheckAgainstTorch(c, x => x.TopK(c.IntAttr("k"), c.IntAttr("dim"), c.BoolAttr("largest"), c.BoolAttr("sorted")),
            valuesOnly: name.Contains("ties", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CaseNames), "argmax")]
    [MemberData(nameof(CaseNames), "argmin")]
    public void ArgMax_and_ArgMin_match_torch(string name)
    {
        var c = TorchReference.Case(name);
        var x = c.Inputs[0].ToTensor();
        var dim = c.NullableIntAttr("dim");
        var max = c.Op == "argmax";
        var r = dim is { } d
            ? (max ? x.ArgMax(d, c.BoolAttr("keepdim")) : x.ArgMin(d, c.BoolAttr("keepdim")))
            : (max ? x.ArgMax() : x.ArgMin());
        r.DType.ShouldBe(DType.Int64);
        r.Shape.ToArray().ShouldBe(c.Outputs[0].Shape);
        r.ToArray<long>().ShouldBe(c.Outputs[0].ToInt64());
    }

    [Fact]
    public void ArgMax_of_all_returns_the_first_NaN_and_ArgMin_too()
    {
        var x = Tensor.FromArray([1.0, double.NaN, 3.0, double.NaN]);
        x.ArgMax().Item().ShouldBe(1);
        x.ArgMin().Item().ShouldBe(1);
        Tensor.FromArray([2.0, 5, 5, 1, 1]).ArgMax().Item().ShouldBe(1);
        Tensor.FromArray([2.0, 5, 5, 1, 1]).ArgMin().Item().ShouldBe(3);
    }

    [Fact]
    public void MinWithIndices_gives_the_first_minimum_and_all_its_gradient()
    {
        var x = Tensor.FromArray([3.0, 1, 2, 1, 5, 0, 5, double.NaN, 4, double.NaN], 2, 5).RequireGrad();
        var (values, indices) = x.MinWithIndices(1);
        values.ToArray()[0].ShouldBe(1);
        double.IsNaN(values.ToArray()[1]).ShouldBeTrue();
        indices.ToArray<long>().ShouldBe([1L, 2L]);
        values.Backward(Tensor.FromArray([10.0, 20.0]));
        x.Grad!.ToArray().ShouldBe([0.0, 10, 0, 0, 0, 0, 0, 20, 0, 0]);
    }

    [Fact]
    public void MaxWithIndices_gives_the_tie_gradient_to_one_index_while_Max_shares_it()
    {
        var x = Tensor.FromArray([1.0, 4, 4, 2]).RequireGrad();
        x.MaxWithIndices(0).Values.Backward();
        x.Grad!.ToArray().ShouldBe([0.0, 1, 0, 0]);
        x.ZeroGrad();
        x.Max(0).Backward();
        x.Grad!.ToArray().ShouldBe([0.0, 0.5, 0.5, 0]);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(-1, false)]
    public void MaxWithIndices_and_MinWithIndices_match_finite_differences(int axis, bool keepDim)
    {
        ShouldPassGradCheck(x => x[0].MaxWithIndices(axis, keepDim).Values, Distinct(1, [3, 4]));
        ShouldPassGradCheck(x => x[0].MinWithIndices(axis, keepDim).Values, Distinct(2, [3, 4]));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(-1, false)]
    [InlineData(2, true)]
    public void Sort_matches_finite_differences(int axis, bool descending) =>
        ShouldPassGradCheck(x => x[0].Sort(axis, descending).Values * Tensor.Arange(4), Distinct(3, [2, 3, 4]));

    [Theory]
    [InlineData(1, -1, true)]
    [InlineData(3, -1, false)]
    [InlineData(2, 0, true)]
    [InlineData(0, 1, false)]
    public void TopK_matches_finite_differences(int k, int axis, bool largest) =>
        ShouldPassGradCheck(x => x[0].TopK(k, axis, largest).Values, Distinct(4, [4, 3]));

    [Fact]
    public void Selection_ops_pass_grad_check_on_non_contiguous_inputs()
    {
        var x = Distinct(5, [4, 3]).T.Detach();
        x.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(t => t[0].Sort(1, descending: true).Values * Tensor.Arange(4), x);
        ShouldPassGradCheck(t => t[0].TopK(2, 0).Values, x);
        ShouldPassGradCheck(t => t[0].MaxWithIndices(1).Values, x);
        ShouldPassGradCheck(t => t[0].MinWithIndices(0, keepDim: true).Values, x);

        var stepped = Distinct(6, [3, 8]).Slice(1, 0, 8, 2).Detach();
        stepped.IsContiguous.ShouldBeFalse();
        var (values, indices) = stepped.Sort();
        var rows = stepped.ToArray().Chunk(4).ToArray();
        for (var r = 0; r < 3; r++)
        {
            values.ToArray().Skip(r * 4).Take(4).ShouldBe(rows[r].Order());
            indices.ToArray<long>().Skip(r * 4).Take(4).Select(i => rows[r][i]).ShouldBe(rows[r].Order());
        }
        stepped.ArgMax(1).ToArray<long>().ShouldBe([.. rows.Select(row => (long)Array.IndexOf(row, row.Max()))]);
    }

    [Fact]
    public void Sort_double_backward_matches_finite_differences()
    {
        // The gradient of Σ w·sort(x)² is 2·x·w[rank of x]: piecewise linear in x, through TakeAlong's backward.
        ShouldPassGradCheck(t =>
        {
            var x = t[0];
            var y = (x.Sort(1).Values.Pow(2) * Tensor.Arange(4)).Sum();
            return AutoGrad.Grad(y, [x], createGraph: true)[0];
        }, Distinct(7, [2, 4]));
        ShouldPassGradCheck(t =>
        {
            var x = t[0];
            var y = (x.TopK(2, 0).Values.Pow(3) * Tensor.FromArray([1.0, 2, 3], 1, 3)).Sum();
            return AutoGrad.Grad(y, [x], createGraph: true)[0];
        }, Distinct(8, [4, 3]));
    }

    [Fact]
    public void Sort_is_stable_and_puts_NaN_last_ascending_and_first_descending()
    {
        double nan = double.NaN;
        var x = Tensor.FromArray([2.0, nan, 1, 2, nan, 1, double.NegativeInfinity]);
        var (up, upIndex) = x.Sort();
        upIndex.ToArray<long>().ShouldBe([6L, 2, 5, 0, 3, 1, 4]);
        up.ToArray().ShouldBe([double.NegativeInfinity, 1, 1, 2, 2, nan, nan]);
        var (_, downIndex) = x.Sort(descending: true);
        downIndex.ToArray<long>().ShouldBe([1L, 4, 0, 3, 2, 5, 6]);
        x.ArgSort(descending: true).ToArray<long>().ShouldBe([1L, 4, 0, 3, 2, 5, 6]);
        x.TopK(3).Indices.ToArray<long>().ShouldBe([1L, 4, 0]);
        x.TopK(3, largest: false).Indices.ToArray<long>().ShouldBe([6L, 2, 5]);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Int64)]
    public void Sort_TopK_and_ArgMax_work_for_Float32_and_Int64(DType dtype)
    {
        var x = Tensor.FromArray([5L, -3, 7, 7, 0, 2], 2, 3).To(dtype);
        var (values, indices) = x.Sort(1);
        values.DType.ShouldBe(dtype);
        values.ToArray().ShouldBe([-3.0, 5, 7, 0, 2, 7]);
        indices.ToArray<long>().ShouldBe([1L, 0, 2, 1, 2, 0]);
        x.TopK(1, 0).Values.ToArray().ShouldBe([7.0, 0, 7]);
        x.ArgMax(0).ToArray<long>().ShouldBe([1L, 1, 0]);
        x.ArgMin().Item().ShouldBe(1);
        x.MaxWithIndices(1).Values.ToArray().ShouldBe([7.0, 7]);
        x.MinWithIndices(1).Indices.ToArray<long>().ShouldBe([1L, 1]);
    }

    public static TheoryData<DType> SortDTypes => [DType.Float64, DType.Float32, DType.Int64];

    [Theory]
    [MemberData(nameof(SortDTypes))]
    public void Sorting_kernels_are_right_at_every_length_from_0_to_40_along_a_contiguous_and_a_strided_axis(DType dtype)
    {
        var rng = new Random(21);
        for (var n = 0; n <= 40; n++)
        {
            // Few distinct values, so ties are common; LINQ's OrderBy is a stable sort to compare with.
            var data = Enumerable.Range(0, 2 * n * 3).Select(_ => (double)rng.Next(-3, 4)).ToArray();
            var x = Tensor.FromArray(data, 2, n, 3).To(DType.Int64).To(dtype);
            foreach (var (t, axis) in new[] { (x, 1), (x.Transpose(1, 2), 2) })
            {
                var lanes = t.Transpose(axis, -1).Contiguous().ToArray().Chunk(Math.Max(n, 1)).Where(_ => n > 0).ToArray();
                var (values, indices) = t.Sort(axis, descending: true);
                var k = Math.Min(n, 3);
                var top = t.TopK(k, axis, largest: false);
                var sortedIdx = indices.Transpose(axis, -1).Contiguous().ToArray<long>();
                var sortedVal = values.Transpose(axis, -1).Contiguous().ToArray();
                var topIdx = top.Indices.Transpose(axis, -1).Contiguous().ToArray<long>();
                for (var r = 0; r < lanes.Length; r++)
                {
                    var lane = lanes[r];
                    var down = Enumerable.Range(0, n).OrderByDescending(i => lane[i]).Select(i => (long)i).ToArray();
                    var up = Enumerable.Range(0, n).OrderBy(i => lane[i]).Select(i => (long)i).Take(k).ToArray();
                    sortedIdx.Skip(r * n).Take(n).ShouldBe(down, $"Sort n={n} lane {r}");
                    sortedVal.Skip(r * n).Take(n).ShouldBe(down.Select(i => lane[i]), $"Sort values n={n} lane {r}");
                    topIdx.Skip(r * k).Take(k).ShouldBe(up, $"TopK n={n} lane {r}");
                }
                if (n == 0) continue;
                var argMax = t.ArgMax(axis).ToArray<long>(); // the reduced axis removed: lanes in row-major order
                var argMin = t.ArgMin(axis, keepDim: true).Transpose(axis, -1).Contiguous().ToArray<long>();
                for (var r = 0; r < lanes.Length; r++)
                {
                    argMax[r].ShouldBe(Array.IndexOf(lanes[r], lanes[r].Max()), $"ArgMax n={n} lane {r}");
                    argMin[r].ShouldBe(Array.IndexOf(lanes[r], lanes[r].Min()), $"ArgMin n={n} lane {r}");
                }
            }
        }
    }

    [Fact]
    public void Float32_sort_gradient_matches_float64()
    {
        var x64 = Distinct(9, [3, 5]).RequireGrad();
        var x32 = x64.Detach().To(DType.Float32).RequireGrad();
        var w = Tensor.Arange(5);
        (x64.Sort(1).Values * w).Sum().Backward();
        (x32.Sort(1).Values * w.To(DType.Float32)).Sum().Backward();
        ShouldBeClose(x32.Grad!.ToArray(), x64.Grad!.ToArray(), 1e-6, 1e-6);
        ShouldBeClose(x32.Sort(1).Values.ToArray(), x64.Sort(1).Values.ToArray(), 1e-6, 1e-6);
    }

    [Fact]
    public void Zero_d_and_empty_inputs_behave_like_torch()
    {
        var s = Tensor.Scalar(3.5).RequireGrad();
        var (v, i) = s.Sort();
        v.Shape.Rank.ShouldBe(0);
        i.Item().ShouldBe(0);
        s.ArgMax(0).Item().ShouldBe(0);
        var (mv, mi) = s.MaxWithIndices(-1);
        mv.Item().ShouldBe(3.5);
        mi.Item().ShouldBe(0);
        mv.Backward();
        s.Grad!.Item().ShouldBe(1);

        var empty = Tensor.Zeros([2, 0]);
        empty.Sort().Values.Shape.ToArray().ShouldBe([2, 0]);
        empty.TopK(0).Values.Shape.ToArray().ShouldBe([2, 0]);
        empty.ArgMax(0).Shape.ToArray().ShouldBe([0]);
    }

    [Fact]
    public void Errors_name_the_op_axis_shape_and_k()
    {
        var x = Tensor.Ones([3, 5]);
        var e1 = Should.Throw<ArgumentOutOfRangeException>(() => x.TopK(6));
        e1.Message.ShouldContain("TopK");
        e1.Message.ShouldContain("k = 6");
        e1.Message.ShouldContain("[3, 5]");
        e1.Message.ShouldContain("axis -1");
        Should.Throw<ArgumentOutOfRangeException>(() => x.TopK(-1, 0)).Message.ShouldContain("k = -1");

        foreach (var (op, act) in new (string, Action)[]
        {
            ("Sort", () => x.Sort(2)), ("ArgSort", () => x.ArgSort(-3)), ("TopK", () => x.TopK(1, 2)),
            ("ArgMax", () => x.ArgMax(2)), ("ArgMin", () => x.ArgMin(-3)), ("MaxWithIndices", () => x.MaxWithIndices(2)),
            ("MinWithIndices", () => x.MinWithIndices(5)), ("CumSum", () => x.CumSum(2)), ("CumProd", () => x.CumProd(-3)),
        })
        {
            var e = Should.Throw<ArgumentOutOfRangeException>(act);
            e.Message.ShouldContain(op + ":");
            e.Message.ShouldContain("[3, 5]");
        }
        Should.Throw<ArgumentOutOfRangeException>(() => Tensor.Scalar(1).Sort(1)).Message.ShouldContain("axis 1");

        var empty = Tensor.Zeros([2, 0]);
        var e2 = Should.Throw<ArgumentException>(() => empty.ArgMax(1));
        e2.Message.ShouldContain("ArgMax");
        e2.Message.ShouldContain("axis 1");
        e2.Message.ShouldContain("[2, 0]");
        Should.Throw<ArgumentException>(() => empty.MinWithIndices(-1)).Message.ShouldContain("MinWithIndices");
        Should.Throw<ArgumentException>(() => empty.ArgMin()).Message.ShouldContain("ArgMin: the tensor of shape [2, 0] is empty");

        var mask = Tensor.FromArray([true, false]);
        Should.Throw<ArgumentException>(() => mask.Sort()).Message.ShouldContain("Sort: not defined for Bool");
        Should.Throw<ArgumentException>(() => mask.ArgMax()).Message.ShouldContain("ArgMax: not defined for Bool");
    }

    [Fact]
    public void Sort_values_are_recorded_under_the_public_op_name()
    {
        var x = Distinct(10, [2, 3]).RequireGrad();
        var node = x.TopK(2, 1).Values.GradFn!;
        node.OpName.ShouldBe("TopK");
        node.Attributes["k"].ShouldBe(2);
        x.Sort(0, descending: true).Values.GradFn!.Attributes["descending"].ShouldBe(true);
    }
}
