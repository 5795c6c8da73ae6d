using AutoGradNet.Tests.Reference;
using static AutoGradNet.Tests.IndexSelectTests;
using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests;

/// <summary>The indexer x[...]: every index form, values vs PyTorch, views sharing storage, gradients, assignment, errors.</summary>
public class IndexingTests
{
    private static Tensor Weighted(Tensor y) => y * Random(3000 + y.Size, y.Shape, 0.5, 1.5);

    private static Tensor Index(params long[] values) => Tensor.FromArray(values, values.Length);

    private static Tensor Arange(params int[] shape) => Tensor.FromArray(Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(i => (double)i).ToArray(), shape);

    [Fact]
    public void Indexing_one_element_gives_a_recorded_0d_tensor_so_the_gradient_reaches_the_source()
    {
        // The original bug: a[0, 2] was a double, so a[0, 2] * w silently dropped a's gradient.
        var a = Random(1, [2, 3]).RequireGrad();
        var w = Tensor.Scalar(4).RequireGrad();
        var y = a[0, 2] * w;
        y.Rank.ShouldBe(0);
        y.GradFn.ShouldNotBeNull();
        y.Backward();
        a.Grad!.ToArray().ShouldBe([0.0, 0, 4, 0, 0, 0]);
        w.Grad!.Item().ShouldBe(a.ItemAt(0, 2));
    }

    [Fact]
    public void Every_basic_form_gives_the_expected_view()
    {
        var x = Arange(3, 4); // x[i, j] = 4i + j
        x[1].ToArray().ShouldBe([4.0, 5, 6, 7]);
        x[.., 0].ToArray().ShouldBe([0.0, 4, 8]);
        x[1..3, ^1].ToArray().ShouldBe([7.0, 11]);
        x[^1, 1..].ToArray().ShouldBe([9.0, 10, 11]);
        x[TensorIndex.Slice(0, null, 2)].Shape.ShouldBe(new Shape(2, 4));
        x[TensorIndex.Slice(0, null, 2), TensorIndex.Slice(-3, null, 2)].ToArray().ShouldBe([1.0, 3, 9, 11]);
        x[TensorIndex.Ellipsis, 0].ToArray().ShouldBe([0.0, 4, 8]);
        x[TensorIndex.NewAxis].Shape.ShouldBe(new Shape(1, 3, 4));
        x[.., TensorIndex.None, 2].Shape.ShouldBe(new Shape(3, 1));
        x[2L, -1].Item().ShouldBe(11);
        x[..].Shape.ShouldBe(new Shape(3, 4));
        x[1..100, ^100..2].Shape.ShouldBe(new Shape(2, 2)); // clamped, as in Python
        x[5..2].Shape.ShouldBe(new Shape(0, 4));
        Tensor.Scalar(3)[TensorIndex.Ellipsis].Item().ShouldBe(3);
        Arange(2, 3, 4)[TensorIndex.Ellipsis, 1, TensorIndex.NewAxis].Shape.ShouldBe(new Shape(2, 3, 1));
    }

    [Fact]
    public void Ellipsis_in_the_middle_fills_the_unindexed_axes()
    {
        var x = Arange(2, 3, 4);
        x[1, TensorIndex.Ellipsis, 2].ToArray().ShouldBe([14.0, 18, 22]);
        x[TensorIndex.Ellipsis, 1, 2].ToArray().ShouldBe([6.0, 18]);
        x[1, 2, TensorIndex.Ellipsis, 3].Item().ShouldBe(23);
    }

    [Theory]
    [InlineData("slice_step2_dim1")]
    [InlineData("slice_3d_mixed")]
    [InlineData("slice_start_stop_step3")]
    [InlineData("slice_negative_bounds")]
    public void Slices_match_torch(string name)
    {
        var c = TorchReference.Case(name);
        var slices = c.Attrs["slices"].EnumerateArray()
            .Select(s => s.EnumerateArray().Select(v => v.ValueKind == System.Text.Json.JsonValueKind.Null ? (int?)null : v.GetInt32()).ToArray())
            .Select(s => TensorIndex.Slice(s[0], s[1], s[2])).ToArray();
        CheckAgainstTorch(c, x => x[slices]);
    }

    [Theory]
    [InlineData("select_dim0")]
    [InlineData("select_dim_neg1_index_neg1")]
    [InlineData("select_3d_dim1")]
    public void Selects_match_torch(string name)
    {
        var c = TorchReference.Case(name);
        var dim = c.IntAttr("dim");
        var index = c.IntAttr("index");
        CheckAgainstTorch(c, x =>
        {
            var axis = dim < 0 ? dim + x.Rank : dim;
            return x[[.. Enumerable.Repeat<TensorIndex>(.., axis), index]];
        });
    }

    [Theory]
    [InlineData("narrow_dim0")]
    [InlineData("narrow_3d_dim_neg1")]
    public void Narrows_match_torch(string name)
    {
        var c = TorchReference.Case(name);
        var start = c.IntAttr("start");
        var length = c.IntAttr("length");
        CheckAgainstTorch(c, x => c.IntAttr("dim") == 0 ? x[start..(start + length)] : x[TensorIndex.Ellipsis, start..(start + length)]);
    }

    [Theory]
    [InlineData("index_dim0")]
    [InlineData("index_dim0_2d_index")]
    [InlineData("index_dim0_negative")]
    [InlineData("index_3d_dim0")]
    [InlineData("masked_select_full")]
    [InlineData("masked_select_leading_dim")]
    [InlineData("masked_select_3d_leading_dims")]
    public void Tensor_indices_match_torch(string name)
    {
        var c = TorchReference.Case(name);
        var index = Input(c.Inputs[1]);
        CheckAgainstTorch(c, x => x[index]);
    }

    private static void CheckAgainstTorch(TorchCase c, Func<Tensor, Tensor> index)
    {
        var x = Input(c.Inputs[0]).RequireGrad();
        var y = index(x);
        ShouldMatch(y, c.Outputs[0]);
        if (c.GradOutput is null || c.Grads[0] is null) return;
        y.Backward(Input(c.GradOutput));
        ShouldMatch(x.Grad!, c.Grads[0]!);
    }

    [Fact]
    public void Int64_index_on_an_inner_axis_puts_the_index_shape_in_place()
    {
        var x = Arange(2, 3, 4);
        var y = x[.., Tensor.FromArray([2L, -3, 1, 1], 2, 2)];
        y.Shape.ShouldBe(new Shape(2, 2, 2, 4));
        y[1, 0, 1].ToArray().ShouldBe(x[1, 0].ToArray());
        y[0, 0, 0].ToArray().ShouldBe(x[0, 2].ToArray());
        x[1, .., Index(3, 0)].ToArray().ShouldBe([15.0, 12, 19, 16, 23, 20]);
        x[Tensor.Scalar(1, DType.Int64)].Shape.ShouldBe(new Shape(3, 4));
    }

    [Fact]
    public void Bool_mask_on_inner_axes_selects_sub_tensors()
    {
        var x = Arange(2, 3, 4);
        var rows = Tensor.FromArray([true, false, true], 3);
        x[.., rows].Shape.ShouldBe(new Shape(2, 2, 4));
        x[1, rows, 3].ToArray().ShouldBe([15.0, 23]);
        x[TensorIndex.Ellipsis, Tensor.FromArray([false, true, false, true], 4)].ToArray().ShouldBe([1.0, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23]);
        x[Tensor.Scalar(1, DType.Bool)].Shape.ShouldBe(new Shape(1, 2, 3, 4));
        x[Tensor.Scalar(0, DType.Bool)].Shape.ShouldBe(new Shape(0, 2, 3, 4));
    }

    [Fact]
    public void Basic_indexing_returns_views_that_share_storage()
    {
        var x = Arange(3, 4).RequireGrad();
        var column = x[.., 0];
        column.IsContiguous.ShouldBeFalse();
        using (Tensor.NoGrad()) column.CopyFrom(Tensor.FromArray([-1.0, -2, -3], 3));
        x.ItemAt(2, 0).ShouldBe(-3);
        x[1, 1..3].Storage.ShouldBeSameAs(x.Storage);
        x[TensorIndex.NewAxis, TensorIndex.Slice(null, null, 2)].Storage.ShouldBeSameAs(x.Storage);
        x[Index(0)].Storage.ShouldNotBeSameAs(x.Storage); // an index tensor copies
    }

    [Fact]
    public void Backward_through_every_basic_form_matches_finite_differences_with_non_contiguous_inputs()
    {
        var t = Random(2, [4, 3, 5]).Permute(2, 0, 1).Detach(); // [5, 4, 3], non-contiguous
        t.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(x => Weighted(x[0][1]), t);
        ShouldPassGradCheck(x => Weighted(x[0][.., 0]), t);
        ShouldPassGradCheck(x => Weighted(x[0][1..3, ^1]), t);
        ShouldPassGradCheck(x => Weighted(x[0][TensorIndex.Slice(0, null, 2), TensorIndex.Slice(1, -1, 3)]), t);
        ShouldPassGradCheck(x => Weighted(x[0][TensorIndex.Ellipsis, 0]), t);
        ShouldPassGradCheck(x => Weighted(x[0][TensorIndex.NewAxis, 2, TensorIndex.None]), t);
        ShouldPassGradCheck(x => x[0][1, 2, 0] * x[0][4, 3, 2], t);
    }

    [Fact]
    public void Backward_through_index_tensors_and_masks_matches_finite_differences_with_non_contiguous_inputs()
    {
        var t = Random(3, [4, 3, 5]).Permute(2, 0, 1).Detach(); // [5, 4, 3]
        t.IsContiguous.ShouldBeFalse();
        var idx = Tensor.FromArray([4L, -1, 0, 2], 2, 2);
        ShouldPassGradCheck(x => Weighted(x[0][idx]), t);
        ShouldPassGradCheck(x => Weighted(x[0][1.., Index(2, 0, 2, -1)]), t);
        ShouldPassGradCheck(x => Weighted(x[0][t > 0]), t);
        ShouldPassGradCheck(x => Weighted(x[0][t[.., .., 0] > 0]), t);
        ShouldPassGradCheck(x => Weighted(x[0][1, TensorIndex.Ellipsis, Tensor.FromArray([true, false, true], 3)]), t);
        // Second derivatives through the indexer.
        ShouldPassGradCheck(x => AutoGrad.Grad(x[0][idx].Pow(3).Sum(), [x[0]], createGraph: true)[0], t);
        ShouldPassGradCheck(x => AutoGrad.Grad(x[0][t[.., .., 0] > 0].Pow(3).Sum(), [x[0]], createGraph: true)[0], t);
    }

    [Fact]
    public void Indexing_int64_and_bool_tensors_gives_the_same_dtype()
    {
        var l = Tensor.FromArray([1L, 2, 3, 4], 2, 2);
        l[1, 0].DType.ShouldBe(DType.Int64);
        l[Index(1, 1)].ToArray<long>().ShouldBe([3L, 4, 3, 4]);
        var b = Tensor.FromArray([true, false, true, true], 4);
        b[b].ToArray<bool>().ShouldBe([true, true, true]);
        Random(4, [3]).To(DType.Float32)[^1].DType.ShouldBe(DType.Float32);
    }

    [Fact]
    public void Assigning_to_a_view_writes_the_base_and_bumps_the_version()
    {
        var x = Arange(3, 4);
        var version = x.Version;
        x[.., 0] = Tensor.FromArray([-1.0, -2, -3], 3);
        x[0, 1] = Tensor.Scalar(5);
        x[2] = Tensor.Scalar(7); // broadcast
        x.ToArray().ShouldBe([-1.0, 5, 2, 3, -2, 5, 6, 7, 7, 7, 7, 7]);
        x.Version.ShouldBe(version + 3);
        var l = Tensor.Zeros([2, 2], DType.Int64);
        l[1, TensorIndex.Ellipsis] = Tensor.Scalar(2.9); // converted to the target dtype
        l.ToArray<long>().ShouldBe([0L, 0, 2, 2]);
        var f = Tensor.Zeros([2], DType.Float32);
        f[0] = Tensor.Scalar(1.5); // a Float64 value may be written into Float32, as torch's copy_
        f.ToArray().ShouldBe([1.5, 0]);
    }

    [Fact]
    public void A_number_converts_implicitly_so_assignment_reads_like_python()
    {
        var x = Tensor.Zeros([2, 3], DType.Float32);
        x[0, 1] = 5.0;
        x[1] = 2;
        x[x > 4] = -1;
        x.ToArray().ShouldBe([0.0, -1, 0, 2, 2, 2]);
        x.DType.ShouldBe(DType.Float32);
        Tensor t = 3;
        t.Rank.ShouldBe(0);
        t.DType.ShouldBe(DType.Float64);
        (x * 2.0).DType.ShouldBe(DType.Float32); // the scalar operator overloads still win over the conversion
        (Tensor.FromArray([1L, 2], 2) + 1).DType.ShouldBe(DType.Int64);
    }

    [Fact]
    public void Assigning_through_an_index_tensor_or_a_mask_writes_the_selected_positions()
    {
        var x = Arange(3, 4);
        x[Index(2, -3)] = Tensor.FromArray([100.0, 101, 102, 103], 4);
        x.ToArray().ShouldBe([100.0, 101, 102, 103, 4, 5, 6, 7, 100, 101, 102, 103]);
        var y = Arange(3, 4);
        y[y > 5] = Tensor.Scalar(0); // masked_fill_
        y.ToArray().ShouldBe([0.0, 1, 2, 3, 4, 5, 0, 0, 0, 0, 0, 0]);
        var z = Arange(3, 4);
        z[.., Tensor.FromArray([true, false, false, true], 4)] = Tensor.FromArray([-1.0, -2], 2); // broadcast over rows
        z.ToArray().ShouldBe([-1.0, 1, 2, -2, -1, 5, 6, -2, -1, 9, 10, -2]);
        var t = Arange(4, 3).T.Detach(); // non-contiguous target
        t[1, Index(0, 3)] = Tensor.FromArray([-5.0, -6], 2);
        t.ToArray().ShouldBe([0.0, 3, 6, 9, -5, 4, 7, -6, 2, 5, 8, 11]);
        var version = t.Version;
        t[t < 0] = Tensor.Scalar(1);
        t.Version.ShouldBe(version + 1);
        t.MaskedSelect(t < 1).Size.ShouldBe(1);
    }

    [Fact]
    public void Assigning_to_a_tensor_that_requires_grad_needs_no_grad()
    {
        var x = Random(5, [2, 3]).RequireGrad();
        Should.Throw<InvalidOperationException>(() => x[0] = Tensor.Scalar(1)).Message.ShouldContain("Indexer: in-place operations are not recorded");
        Should.Throw<InvalidOperationException>(() => x[Index(0)] = Tensor.Scalar(1)).Message.ShouldContain("Indexer");
        var y = Random(6, [2]);
        Should.Throw<InvalidOperationException>(() => y[0] = x[0, 0]).Message.ShouldContain("Indexer: assignment is not recorded");
        using (Tensor.NoGrad())
        {
            x[0, ..] = Tensor.Scalar(1);
            x[x < 0] = Tensor.Scalar(0);
        }
        x[0].ToArray().ShouldBe([1.0, 1, 1]);
        x.IsLeaf.ShouldBeTrue();
    }

    [Fact]
    public void Every_indexing_error_names_the_problem()
    {
        var x = Arange(2, 3);
        Should.Throw<ArgumentException>(() => x[0, 1, 2]).Message.ShouldContain("Indexer: too many indices for a tensor of shape [2, 3]: 3 axes indexed");
        Should.Throw<ArgumentOutOfRangeException>(() => x[0, 3]).Message.ShouldContain("Indexer: index 3 is out of range for axis 1 of length 3 (shape [2, 3])");
        Should.Throw<ArgumentOutOfRangeException>(() => x[^3]).Message.ShouldContain("Indexer: index ^3 is out of range for axis 0 of length 2");
        Should.Throw<ArgumentOutOfRangeException>(() => x[TensorIndex.NewAxis, -3]).Message.ShouldContain("axis 0 of length 2");
        Should.Throw<ArgumentException>(() => x[TensorIndex.Ellipsis, 0, TensorIndex.Ellipsis]).Message.ShouldContain("Indexer: an indexing expression can contain only one Ellipsis, got 2");
        Should.Throw<ArgumentException>(() => x[Tensor.FromArray([true, false, true], 3)]).Message.ShouldContain("Indexer: the Bool mask of shape [3] does not match the axes it indexes: mask axis 0 has length 3, but axis 0 of the tensor (shape [2, 3]) has length 2");
        Should.Throw<ArgumentException>(() => x[.., Tensor.FromArray([true, false], 2)]).Message.ShouldContain("axis 1 of the tensor (shape [2, 3]) has length 3");
        Should.Throw<ArgumentException>(() => x[Tensor.FromArray([0.0], 1)]).Message.ShouldContain("Indexer: an index tensor must be Int64 (positions) or Bool (a mask), got Float64");
        Should.Throw<ArgumentException>(() => x[Index(0), Index(1)]).Message.ShouldContain("Indexer: only one Int64 index tensor or Bool mask per indexing expression is supported");
        Should.Throw<ArgumentOutOfRangeException>(() => x[.., Index(0, 3)]).Message.ShouldContain("Indexer: index 3 (element 1 of the index tensor) is out of range for axis 1 of length 3 (shape [2, 3])");
        Should.Throw<ArgumentOutOfRangeException>(() => x[Index(-3)]).Message.ShouldContain("index -3");
        Should.Throw<ArgumentOutOfRangeException>(() => TensorIndex.Slice(0, 2, 0)).Message.ShouldContain("TensorIndex.Slice: step must be positive, got 0");
        Should.Throw<ArgumentOutOfRangeException>(() => TensorIndex.Slice(0, 2, -1));
        Should.Throw<ArgumentNullException>(() => x[(Tensor)null!]);
        Should.Throw<ArgumentNullException>(() => x[0] = null!).Message.ShouldContain("Indexer: the assigned value is null");
        Should.Throw<ArgumentException>(() => x[0] = Tensor.FromArray([1.0, 2], 2)).Message.ShouldContain("Indexer: the assigned value of shape [2] cannot be broadcast to the indexed shape [3]");
        Should.Throw<ArgumentException>(() => x[Index(0, 1)] = Tensor.FromArray([1.0, 2], 2)).Message.ShouldContain("indexed shape [2, 3]");
        Should.Throw<InvalidOperationException>(() => Tensor.Scalar(1).Expand(3)[0..2] = Tensor.Scalar(0)).Message.ShouldContain("Indexer");
    }

    [Fact]
    public void TensorIndex_prints_each_form()
    {
        ((TensorIndex)3).ToString().ShouldBe("3");
        TensorIndex.FromIndex(^1).ToString().ShouldBe("^1");
        ((TensorIndex)(1..^2)).ToString().ShouldBe("1..^2");
        TensorIndex.Slice(null, 4, 2).ToString().ShouldBe("Slice(null, 4, 2)");
        TensorIndex.Ellipsis.Kind.ShouldBe(TensorIndexKind.Ellipsis);
        TensorIndex.None.Kind.ShouldBe(TensorIndexKind.NewAxis);
        ((TensorIndex)Index(1, 2)).ToString().ShouldBe("Int64 tensor of shape [2]");
    }
}
