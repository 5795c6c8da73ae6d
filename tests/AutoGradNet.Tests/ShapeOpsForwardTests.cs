namespace AutoGradNet.Tests;

/// <summary>Forward values of the shape ops, matrix products and reductions, each checked against a hand computation.</summary>
public class ShapeOpsForwardTests
{
    private static Tensor M23() => Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });

    // ---- reshape ----

    [Fact]
    public void Reshape_KeepsRowMajorOrderUnderTheNewShape()
    {
        var r = M23().Reshape(3, 2);

        r.Shape.ShouldBe(new Shape(3, 2));
        r.ToArray().ShouldBe([1.0, 2, 3, 4, 5, 6]);
        r.ItemAt(2, 0).ShouldBe(5);
    }

    [Fact]
    public void Reshape_MinusOne_InfersTheMissingDimension()
    {
        M23().Reshape(-1).Shape.ShouldBe(new Shape(6));
        M23().Reshape(3, -1).Shape.ShouldBe(new Shape(3, 2));
        M23().Reshape(-1, 1, 2).Shape.ShouldBe(new Shape(3, 1, 2));
    }

    [Fact]
    public void Reshape_ToAShapeObjectAndFlatten_GiveTheSameElements()
    {
        M23().Reshape(new Shape(6, 1)).Shape.ShouldBe(new Shape(6, 1));
        M23().Flatten().Shape.ShouldBe(new Shape(6));
        Tensor.Scalar(5).Reshape(1, 1).ToArray().ShouldBe([5.0]);
        Tensor.FromArray([5.0]).Reshape().Rank.ShouldBe(0);
    }

    [Fact]
    public void Reshape_SharesStorageWithTheOriginal()
    {
        var t = M23();
        var r = t.Reshape(6);

        t.SetItemAt(60, 1, 2);

        r.ItemAt(5).ShouldBe(60);
    }

    // ---- unsqueeze / squeeze ----

    [Fact]
    public void UnsqueezeAndSqueeze_InsertAndRemoveLengthOneAxes()
    {
        var t = M23();

        t.Unsqueeze(0).Shape.ShouldBe(new Shape(1, 2, 3));
        t.Unsqueeze(2).Shape.ShouldBe(new Shape(2, 3, 1));
        t.Unsqueeze(-1).Shape.ShouldBe(new Shape(2, 3, 1));
        t.Unsqueeze(-3).Shape.ShouldBe(new Shape(1, 2, 3));
        t.Unsqueeze(1).Squeeze(1).Shape.ShouldBe(new Shape(2, 3));
        t.Unsqueeze(1).ToArray().ShouldBe([1.0, 2, 3, 4, 5, 6]);
        Tensor.Zeros([1]).Squeeze(0).Rank.ShouldBe(0);
    }

    // ---- permute / transpose ----

    [Fact]
    public void Transpose_2D_SwapsRowsAndColumns()
    {
        var t = M23().Transpose(0, 1);

        t.Shape.ShouldBe(new Shape(3, 2));
        t.ToArray().ShouldBe([1.0, 4, 2, 5, 3, 6]);
        M23().T.ToArray().ShouldBe([1.0, 4, 2, 5, 3, 6]);
        M23().Transpose(-1, -2).ToArray().ShouldBe([1.0, 4, 2, 5, 3, 6]);
    }

    [Fact]
    public void Transpose_SameAxisTwice_IsACopyWithTheSameValues()
    {
        M23().Transpose(1, 1).ToArray().ShouldBe([1.0, 2, 3, 4, 5, 6]);
    }

    [Fact]
    public void Permute_3D_MovesEachElementToItsPermutedIndex()
    {
        // x[i, j, k] = 12i + 4j + k; y = x.Permute(2, 0, 1) has y[k, i, j] = x[i, j, k].
        var y = Tensor.Arange(24).Reshape(2, 3, 4).Permute(2, 0, 1);

        y.Shape.ShouldBe(new Shape(4, 2, 3));
        y.ToArray().ShouldBe([
            0.0, 4, 8, 12, 16, 20,
            1, 5, 9, 13, 17, 21,
            2, 6, 10, 14, 18, 22,
            3, 7, 11, 15, 19, 23,
        ]);
        y.ItemAt(3, 1, 2).ShouldBe(23);
    }

    [Fact]
    public void Permute_NegativeAxesMeanTheSameAsPositive()
    {
        var x = Tensor.Arange(24).Reshape(2, 3, 4);

        x.Permute(-1, 0, -2).ToArray().ShouldBe(x.Permute(2, 0, 1).ToArray());
    }

    [Fact]
    public void T_Of3DReversesAllAxes_AndOf1DIsTheSameVector()
    {
        var x = Tensor.Arange(6).Reshape(1, 2, 3);

        x.T.Shape.ShouldBe(new Shape(3, 2, 1));
        x.T.ToArray().ShouldBe([0.0, 3, 1, 4, 2, 5]);
        Tensor.FromArray([1.0, 2]).T.ToArray().ShouldBe([1.0, 2]);
    }

    // ---- slice ----

    [Fact]
    public void Slice_ColumnRange_KeepsThoseColumnsOfEveryRow()
    {
        // [[0,1,2,3],[4,5,6,7],[8,9,10,11]][:, 1:3]
        var s = Tensor.Arange(12).Reshape(3, 4).Slice(1, 1, 3);

        s.Shape.ShouldBe(new Shape(3, 2));
        s.ToArray().ShouldBe([1.0, 2, 5, 6, 9, 10]);
    }

    [Fact]
    public void Slice_RowRange_KeepsThoseRows()
    {
        Tensor.Arange(12).Reshape(3, 4).Slice(0, 1, 2).ToArray().ShouldBe([4.0, 5, 6, 7]);
    }

    [Fact]
    public void Slice_NegativeBoundsCountFromTheEnd()
    {
        // [:, -2:] and [:, -3:-1]
        Tensor.Arange(12).Reshape(3, 4).Slice(-1, -2, 4).ToArray().ShouldBe([2.0, 3, 6, 7, 10, 11]);
        Tensor.Arange(5).Slice(0, -3, -1).ToArray().ShouldBe([2.0, 3]);
    }

    [Fact]
    public void Slice_OutOfRangeBoundsAreClampedLikePython()
    {
        Tensor.Arange(5).Slice(0, -100, 100).ToArray().ShouldBe([0.0, 1, 2, 3, 4]);
        Tensor.Arange(5).Slice(0, 3, 100).ToArray().ShouldBe([3.0, 4]);
    }

    [Fact]
    public void Slice_EmptyOrReversedRange_GivesZeroLengthAxis()
    {
        Tensor.Arange(12).Reshape(3, 4).Slice(1, 3, 1).Shape.ShouldBe(new Shape(3, 0));
        Tensor.Arange(5).Slice(0, 2, 2).Shape.ShouldBe(new Shape(0));
    }

    // ---- concat / stack ----

    [Fact]
    public void Concat_Axis0_AppendsRows()
    {
        var a = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        var b = Tensor.FromArray(new double[,] { { 5, 6 } });

        var c = Tensor.Concat([a, b]);

        c.Shape.ShouldBe(new Shape(3, 2));
        c.ToArray().ShouldBe([1.0, 2, 3, 4, 5, 6]);
    }

    [Fact]
    public void Concat_Axis1_AppendsColumnsToEachRow()
    {
        var a = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        var b = Tensor.FromArray(new double[,] { { 7 }, { 8 } });

        var c = Tensor.Concat([a, b], axis: 1);
        var d = Tensor.Concat([b, a, b], axis: -1);

        c.Shape.ShouldBe(new Shape(2, 3));
        c.ToArray().ShouldBe([1.0, 2, 7, 3, 4, 8]);
        d.ToArray().ShouldBe([7.0, 1, 2, 7, 8, 3, 4, 8]);
    }

    [Fact]
    public void Concat_SingleTensorOrEmptyPart_GivesTheSameValues()
    {
        Tensor.Concat([Tensor.FromArray([1.0, 2])]).ToArray().ShouldBe([1.0, 2]);
        Tensor.Concat([Tensor.FromArray([1.0, 2]), Tensor.Zeros([0]), Tensor.FromArray([3.0])]).ToArray().ShouldBe([1.0, 2, 3]);
    }

    [Fact]
    public void Stack_Axis0_MakesEachTensorARow()
    {
        var s = Tensor.Stack([Tensor.FromArray([1.0, 2]), Tensor.FromArray([3.0, 4])]);

        s.Shape.ShouldBe(new Shape(2, 2));
        s.ToArray().ShouldBe([1.0, 2, 3, 4]);
    }

    [Fact]
    public void Stack_LastAxis_MakesEachTensorAColumn()
    {
        var parts = new[] { Tensor.FromArray([1.0, 2]), Tensor.FromArray([3.0, 4]), Tensor.FromArray([5.0, 6]) };

        var s = Tensor.Stack(parts, axis: 1);
        var n = Tensor.Stack(parts, axis: -1);

        s.Shape.ShouldBe(new Shape(2, 3));
        s.ToArray().ShouldBe([1.0, 3, 5, 2, 4, 6]);
        n.ToArray().ShouldBe([1.0, 3, 5, 2, 4, 6]);
    }

    [Fact]
    public void Stack_ScalarsGivesAVector()
    {
        Tensor.Stack([Tensor.Scalar(1), Tensor.Scalar(2)]).ToArray().ShouldBe([1.0, 2]);
    }

    // ---- broadcasting ----

    [Fact]
    public void BroadcastTo_RepeatsAlongNewAndLengthOneAxes()
    {
        Tensor.FromArray([1.0, 2, 3]).BroadcastTo([2, 3]).ToArray().ShouldBe([1.0, 2, 3, 1, 2, 3]);
        Tensor.FromArray([1.0, 2], 2, 1).BroadcastTo([2, 3]).ToArray().ShouldBe([1.0, 1, 1, 2, 2, 2]);
        Tensor.Scalar(7).BroadcastTo([2, 2]).ToArray().ShouldBe([7.0, 7, 7, 7]);
    }

    [Fact]
    public void BinaryOps_BroadcastColumnAgainstRow()
    {
        var column = Tensor.FromArray([1.0, 2], 2, 1);
        var row = Tensor.FromArray([10.0, 20, 30]);

        (column + row).ToArray().ShouldBe([11.0, 21, 31, 12, 22, 32]);
        (column * row).ToArray().ShouldBe([10.0, 20, 30, 20, 40, 60]);
        (row - column).ToArray().ShouldBe([9.0, 19, 29, 8, 18, 28]);
        (row / column).ToArray().ShouldBe([10.0, 20, 30, 5, 10, 15]);
    }

    // ---- matmul ----

    [Fact]
    public void MatMul_2x2_IsRowsTimesColumns()
    {
        var a = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        var b = Tensor.FromArray(new double[,] { { 5, 6 }, { 7, 8 } });

        // [1*5+2*7, 1*6+2*8; 3*5+4*7, 3*6+4*8]
        a.MatMul(b).ToArray().ShouldBe([19.0, 22, 43, 50]);
    }

    [Fact]
    public void MatMul_NonSquare_HasOuterDimensions()
    {
        var a = M23();
        var b = Tensor.FromArray(new double[,] { { 1, 0 }, { 0, 1 }, { -1, 2 } });

        var c = a.MatMul(b);

        // row 1: [1-3, 2+6] ; row 2: [4-6, 5+12]
        c.Shape.ShouldBe(new Shape(2, 2));
        c.ToArray().ShouldBe([-2.0, 8, -2, 17]);
    }

    [Fact]
    public void MatMul_VectorVector_IsTheDotProductAsA0DTensor()
    {
        var r = Tensor.FromArray([1.0, 2, 3]).MatMul(Tensor.FromArray([4.0, 5, 6]));

        r.Rank.ShouldBe(0);
        r.Item().ShouldBe(32);
    }

    [Fact]
    public void MatMul_MatrixVectorAndVectorMatrix_DropTheVectorAxis()
    {
        var m = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        var v = Tensor.FromArray([1.0, -1]);

        var mv = m.MatMul(v);
        var vm = v.MatMul(m);

        mv.Shape.ShouldBe(new Shape(2));
        mv.ToArray().ShouldBe([-1.0, -1]);
        vm.Shape.ShouldBe(new Shape(2));
        vm.ToArray().ShouldBe([-2.0, -2]);
    }

    [Fact]
    public void MatMul_BatchedAgainstMatrix_MultipliesEveryBatchByTheSameMatrix()
    {
        // batch 0 is the identity, batch 1 is 2·I: the products are B and 2B.
        var a = Tensor.FromArray([1.0, 0, 0, 1, 2, 0, 0, 2], 2, 2, 2);
        var b = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });

        var c = a.MatMul(b);

        c.Shape.ShouldBe(new Shape(2, 2, 2));
        c.ToArray().ShouldBe([1.0, 2, 3, 4, 2, 4, 6, 8]);
    }

    [Fact]
    public void MatMul_BatchDimensionsBroadcast()
    {
        // a: [2, 1, 1, 2] with rows [1, 1] and [2, 2]; b: [3, 2, 1] with columns [1, 0], [0, 1], [1, 1].
        var a = Tensor.FromArray([1.0, 1, 2, 2], 2, 1, 1, 2);
        var b = Tensor.FromArray([1.0, 0, 0, 1, 1, 1], 3, 2, 1);

        var c = a.MatMul(b);

        c.Shape.ShouldBe(new Shape(2, 3, 1, 1));
        c.ToArray().ShouldBe([1.0, 1, 2, 2, 2, 4]);
    }

    [Fact]
    public void MatMul_BatchedVector_DropsTheVectorAxis()
    {
        var a = Tensor.FromArray([1.0, 0, 0, 1, 2, 0, 0, 2], 2, 2, 2);

        var r = a.MatMul(Tensor.FromArray([3.0, 4]));

        r.Shape.ShouldBe(new Shape(2, 2));
        r.ToArray().ShouldBe([3.0, 4, 6, 8]);
    }

    [Fact]
    public void MatMul_Float32_GivesFloat32()
    {
        var a = Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 } });

        var c = a.MatMul(a);

        c.DType.ShouldBe(DType.Float32);
        c.ToArray().ShouldBe([7.0, 10, 15, 22]);
    }

    // ---- sum / mean / max / min ----

    [Fact]
    public void Sum_All_IsTheTotalAsA0DTensor()
    {
        var s = M23().Sum();

        s.Rank.ShouldBe(0);
        s.Item().ShouldBe(21);
    }

    [Fact]
    public void Sum_OverEachAxis_CollapsesThatAxis()
    {
        M23().Sum(0).ToArray().ShouldBe([5.0, 7, 9]);
        M23().Sum(1).ToArray().ShouldBe([6.0, 15]);
        M23().Sum(-1).Shape.ShouldBe(new Shape(2));
    }

    [Fact]
    public void Sum_KeepDim_LeavesALengthOneAxis()
    {
        var s = M23().Sum(1, keepDim: true);

        s.Shape.ShouldBe(new Shape(2, 1));
        s.ToArray().ShouldBe([6.0, 15]);
        M23().Sum([0, 1], keepDim: true).Shape.ShouldBe(new Shape(1, 1));
    }

    [Fact]
    public void Sum_OverSeveralAxes_Of3D()
    {
        // x[i, j, k] = 12i + 4j + k; sum over i and k for each j: sum_i sum_k = 2*(4*4j) + 4*12 + 2*6 = 32j + 60
        var s = Tensor.Arange(24).Reshape(2, 3, 4).Sum([0, 2]);

        s.Shape.ShouldBe(new Shape(3));
        s.ToArray().ShouldBe([60.0, 92, 124]);
        Tensor.Arange(24).Reshape(2, 3, 4).Sum(Array.Empty<int>()).Item().ShouldBe(276);
    }

    [Fact]
    public void Sum_OfEmptyTensor_IsZero()
    {
        Tensor.Zeros([0]).Sum().Item().ShouldBe(0);
        Tensor.Zeros([2, 0]).Sum(1).ToArray().ShouldBe([0.0, 0]);
    }

    [Fact]
    public void Mean_All_AndOverEachAxis()
    {
        M23().Mean().Item().ShouldBe(3.5);
        M23().Mean(0).ToArray().ShouldBe([2.5, 3.5, 4.5]);
        M23().Mean(1).ToArray().ShouldBe([2.0, 5]);
        M23().Mean(1, keepDim: true).Shape.ShouldBe(new Shape(2, 1));
        Tensor.Arange(24).Reshape(2, 3, 4).Mean([0, 2]).ToArray().ShouldBe([7.5, 11.5, 15.5]);
    }

    [Fact]
    public void Max_All_AndOverEachAxis()
    {
        var t = Tensor.FromArray(new double[,] { { 1, 5, 3 }, { 4, -2, 6 } });

        t.Max().Item().ShouldBe(6);
        t.Max(0).ToArray().ShouldBe([4.0, 5, 6]);
        t.Max(1).ToArray().ShouldBe([5.0, 6]);
        t.Max(-1, keepDim: true).Shape.ShouldBe(new Shape(2, 1));
        t.Max([0, 1]).Item().ShouldBe(6);
    }

    [Fact]
    public void Max_OfAllNegativeValues_IsTheLeastNegative()
    {
        Tensor.FromArray([-3.0, -1, -2]).Max().Item().ShouldBe(-1);
    }

    [Fact]
    public void Min_All_AndOverAnAxis()
    {
        var t = Tensor.FromArray(new double[,] { { 1, 5, 3 }, { 4, -2, 6 } });

        t.Min().Item().ShouldBe(-2);
        t.Min(0).ToArray().ShouldBe([1.0, -2, 3]);
        t.Min(1).ToArray().ShouldBe([1.0, -2]);
    }

    [Fact]
    public void Squeeze_without_an_axis_removes_every_length_1_axis()
    {
        var x = Tensor.Arange(6).Reshape(1, 2, 1, 3);
        var s = x.Squeeze();
        s.Shape.ShouldBe(new Shape(2, 3));
        s.ToArray().ShouldBe(x.ToArray());
        Tensor.Ones([1, 1]).Squeeze().Rank.ShouldBe(0);
    }

    [Fact]
    public void Min_over_several_axes_is_the_smallest_element_of_each_slice()
    {
        // x[i, j, k] = 12i + 4j + k: the minimum over axes 0 and 2 for each j is at i = 0, k = 0, i.e. 4j.
        Tensor.Arange(24).Reshape(2, 3, 4).Min([0, 2]).ToArray().ShouldBe([0.0, 4, 8]);
    }

    [Fact]
    public void Like_factories_take_an_optional_dtype()
    {
        var x = Tensor.Ones([2, 3]);
        Tensor.ZerosLike(x, DType.Float32).DType.ShouldBe(DType.Float32);
        Tensor.OnesLike(x).DType.ShouldBe(DType.Float64);
        Tensor.OnesLike(x, DType.Float32).Shape.ShouldBe(new Shape(2, 3));
    }
}
