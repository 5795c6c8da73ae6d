namespace AutoGradNet.Tests;

/// <summary>Reading values out of tensors, single-element writes, and the basic properties.</summary>
public class TensorValuesTests
{
    private static Tensor Matrix() => Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });

    [Fact]
    public void ToArray_ReturnsRowMajorValuesInANewArray()
    {
        var t = Matrix();

        var values = t.ToArray();
        values[0] = 99;

        values.ShouldBe([99.0, 2, 3, 4, 5, 6]);
        t.ToArray().ShouldBe([1.0, 2, 3, 4, 5, 6]);
    }

    [Fact]
    public void ToArrayFloat_OfFloat64Tensor_NarrowsEachValue()
    {
        var t = Tensor.FromArray([0.5, 0.1, -2]);

        t.ToArray<float>().ShouldBe([0.5f, 0.1f, -2f]);
    }

    [Fact]
    public void ToArray_OfFloat32Tensor_WidensEachValue()
    {
        var t = Tensor.FromArray(new float[] { 0.5f, 0.1f });

        t.ToArray().ShouldBe([0.5, (double)0.1f]);
        t.ToArray<float>().ShouldBe([0.5f, 0.1f]);
    }

    [Fact]
    public void Indexer_Get_ReadsTheElementAtRowAndColumn()
    {
        var t = Matrix();

        t.ItemAt(0, 0).ShouldBe(1);
        t.ItemAt(0, 2).ShouldBe(3);
        t.ItemAt(1, 1).ShouldBe(5);
    }

    [Fact]
    public void Indexer_Get_NegativeIndicesCountFromTheEnd()
    {
        var t = Matrix();

        t.ItemAt(-1, -1).ShouldBe(6);
        t.ItemAt(-2, -3).ShouldBe(1);
        t.ItemAt(0, -1).ShouldBe(3);
        t.ItemAt(-1, 0).ShouldBe(4);
    }

    [Fact]
    public void Indexer_Get_On3DTensor_UsesRowMajorOffsets()
    {
        var t = Tensor.Arange(24).Reshape(2, 3, 4); // t[i, j, k] = 12i + 4j + k

        t.ItemAt(1, 2, 3).ShouldBe(23);
        t.ItemAt(1, 0, 2).ShouldBe(14);
        t.ItemAt(0, -1, -2).ShouldBe(10);
    }

    [Fact]
    public void Indexer_OnZeroDimensionalTensor_TakesNoIndices()
    {
        Tensor.Scalar(4).ItemAt(Array.Empty<int>()).ShouldBe(4);
    }

    [Fact]
    public void Indexer_Set_WritesOnlyThatElement()
    {
        var t = Matrix();

        t.SetItemAt(40, 1, 0);
        t.SetItemAt(-6, -1, -1);

        t.ToArray().ShouldBe([1.0, 2, 3, 40, 5, -6]);
    }

    [Fact]
    public void Indexer_Set_OnFloat32_StoresTheValueAsFloat()
    {
        var t = Tensor.Zeros([2], DType.Float32);

        t.SetItemAt(0.1, 1);

        t.ToArray<float>().ShouldBe([0f, 0.1f]);
    }

    [Fact]
    public void Indexer_Set_OnRequiresGradTensorWithGradModeOn_ThrowsInvalidOperation()
    {
        var w = Tensor.Ones([2]).RequireGrad();

        var ex = Should.Throw<InvalidOperationException>(() => w.SetItemAt(5, 0));

        ex.Message.ShouldContain("[2]");
        ex.Message.ShouldContain("NoGrad");
        w.ToArray().ShouldBe([1.0, 1]);
    }

    [Fact]
    public void Indexer_Set_OnRequiresGradTensorInsideNoGrad_Works()
    {
        var w = Tensor.Ones([2]).RequireGrad();

        using (Tensor.NoGrad())
        {
            w.SetItemAt(5, 0);
        }

        w.ToArray().ShouldBe([5.0, 1]);
        w.RequiresGrad.ShouldBeTrue();
    }

    [Fact]
    public void Item_ReturnsTheValueOfAnySingleElementTensor()
    {
        Tensor.Scalar(2.5).Item().ShouldBe(2.5);
        Tensor.FromArray([-7.0]).Item().ShouldBe(-7);
        Tensor.Full([1, 1, 1], 3).Item().ShouldBe(3);
        Tensor.FromArray(new float[] { 0.5f }, 1, 1).Item().ShouldBe(0.5);
    }

    [Fact]
    public void Item_OfAReduction_IsTheReducedValue()
    {
        Matrix().Sum().Item().ShouldBe(21);
    }

    [Fact]
    public void Properties_RankSizeDType_DescribeTheTensor()
    {
        var t = Tensor.Zeros([2, 3, 4], DType.Float32);

        t.Rank.ShouldBe(3);
        t.Size.ShouldBe(24);
        t.DType.ShouldBe(DType.Float32);
        t.Shape.ShouldBe(new Shape(2, 3, 4));
    }

    [Fact]
    public void NewTensor_IsALeafThatDoesNotRequireGradAndHasNoGrad()
    {
        var t = Matrix();

        t.IsLeaf.ShouldBeTrue();
        t.RequiresGrad.ShouldBeFalse();
        t.GradFn.ShouldBeNull();
        t.Grad.ShouldBeNull();
    }

    [Fact]
    public void Grad_OfTensorThatDoesNotRequireGrad_IsNullAndReadingItDoesNotThrow()
    {
        var x = Tensor.Ones([2]);
        var y = x * 2;

        Should.NotThrow(() => x.Grad).ShouldBeNull();
        Should.NotThrow(() => y.Grad).ShouldBeNull();
    }

    [Fact]
    public void ResultOfOpOnRequiresGradInput_IsNotALeafAndRequiresGrad()
    {
        var x = Tensor.Ones([2]).RequireGrad();

        var y = x * 3;

        x.IsLeaf.ShouldBeTrue();
        y.IsLeaf.ShouldBeFalse();
        y.RequiresGrad.ShouldBeTrue();
        y.GradFn.ShouldNotBeNull();
        y.GradFn.Name.ShouldBe("MulBackward");
    }

    [Fact]
    public void ResultOfOpOnPlainInputs_IsALeafThatDoesNotRequireGrad()
    {
        var y = Tensor.Ones([2]) * 3;

        y.IsLeaf.ShouldBeTrue();
        y.RequiresGrad.ShouldBeFalse();
    }

    [Fact]
    public void ResultOfOpInsideNoGrad_IsALeafThatDoesNotRequireGrad()
    {
        var x = Tensor.Ones([2]).RequireGrad();
        Tensor y;
        using (Tensor.NoGrad())
        {
            y = x * 3;
        }

        y.IsLeaf.ShouldBeTrue();
        y.RequiresGrad.ShouldBeFalse();
    }

    [Fact]
    public void RequiresGrad_CanBeSwitchedOnAndOffOnALeaf()
    {
        var t = Tensor.Ones([2]);

        t.RequiresGrad = true;
        t.RequiresGrad.ShouldBeTrue();
        t.RequireGrad(false).ShouldBeSameAs(t);
        t.RequiresGrad.ShouldBeFalse();
    }

    [Fact]
    public void Grad_CanBeAssignedATensorOfTheSameShapeAndDTypeAndCleared()
    {
        var t = Tensor.Ones([2, 2]).RequireGrad();
        var g = Tensor.Full([2, 2], 0.5);

        t.Grad = g;
        t.Grad.ShouldBeSameAs(g);
        t.Grad = null;
        t.Grad.ShouldBeNull();
    }

    [Fact]
    public void Detach_IsALeafThatSharesStorageAndDoesNotRequireGrad()
    {
        var x = Tensor.Ones([2]).RequireGrad();
        var y = x * 2;

        var d = y.Detach();
        d.SetItemAt(10, 0);

        d.IsLeaf.ShouldBeTrue();
        d.RequiresGrad.ShouldBeFalse();
        y.ToArray().ShouldBe([10.0, 2]);
    }

    [Fact]
    public void AllClose_applies_torch_tolerance_rule_elementwise()
    {
        var a = Tensor.FromArray([1.0, 100.0, 0.0]);
        // |a − b| ≤ atol + rtol·|b|: 1e-6 ≤ 1e-8 + 1e-5·1; 1e-4 ≤ 1e-8 + 1e-5·100; 5e-9 ≤ 1e-8.
        a.AllClose(Tensor.FromArray([1.0 + 1e-6, 100.0 + 1e-4, 5e-9])).ShouldBeTrue();
        a.AllClose(Tensor.FromArray([1.0 + 2e-5, 100.0, 0.0])).ShouldBeFalse(); // 2e-5 > 1.001e-5
        a.AllClose(Tensor.FromArray([1.0, 100.0, 2e-8])).ShouldBeFalse();       // 2e-8 > 1e-8
        a.AllClose(Tensor.FromArray([1.0 + 2e-5, 100.0, 0.0]), relativeTolerance: 1e-4).ShouldBeTrue();
    }

    [Fact]
    public void AllClose_broadcasts_treats_equal_infinities_as_close_and_NaN_as_never_close()
    {
        Tensor.FromArray(new double[,] { { 1, 1 }, { 1, 1 } }).AllClose(Tensor.Scalar(1)).ShouldBeTrue();
        Tensor.FromArray([double.PositiveInfinity]).AllClose(Tensor.FromArray([double.PositiveInfinity])).ShouldBeTrue();
        Tensor.FromArray([double.PositiveInfinity]).AllClose(Tensor.FromArray([double.NegativeInfinity])).ShouldBeFalse();
        Tensor.FromArray([double.NaN]).AllClose(Tensor.FromArray([double.NaN])).ShouldBeFalse();
        Should.Throw<ArgumentException>(() => Tensor.Zeros([2]).AllClose(Tensor.Zeros([3]))).Message.ShouldContain("[3]");
    }
}
