namespace AutoGradNet.Tests;

/// <summary>
/// ToString follows PyTorch's printing rules (torch/_tensor_str.py): a common format chosen from the finite
/// non-zero values, columns padded to a common width, lines wrapped at 80 characters, tensors of more than 1000
/// elements summarized as the first and last three entries per axis, plus this library's <c>shape=</c> suffix.
/// Every expected string is written by hand from those rules.
/// </summary>
public class TensorFormatTests
{
    [Fact]
    public void Matrix_OfIntegers_PrintsLikePyTorchWithTrailingDotsAndAlignedRows()
    {
        var t = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });

        t.ToString().ShouldBe("tensor([[1., 2.],\n        [3., 4.]], shape=[2, 2])");
    }

    [Fact]
    public void Vector_OfIntegers_PadsToTheWidestEntry()
    {
        Tensor.FromArray([-1.0, 0, 10]).ToString().ShouldBe("tensor([-1.,  0., 10.], shape=[3])");
    }

    [Fact]
    public void Vector_OfNonIntegers_UsesFourDecimalsPaddedToACommonWidth()
    {
        // "0.5000" and "2.0000" are 6 wide, "-1.2500" is 7: the others get one leading space.
        Tensor.FromArray([0.5, -1.25, 2]).ToString().ShouldBe("tensor([ 0.5000, -1.2500,  2.0000], shape=[3])");
    }

    [Fact]
    public void Fixed_RoundsToFourDecimals()
    {
        Tensor.FromArray([1.0 / 3, 2.0 / 3]).ToString().ShouldBe("tensor([0.3333, 0.6667], shape=[2])");
    }

    [Fact]
    public void Scientific_WhenTheSmallestNonZeroMagnitudeIsBelow1e4()
    {
        Tensor.FromArray([1e-5, 1]).ToString().ShouldBe("tensor([1.0000e-05, 1.0000e+00], shape=[2])");
    }

    [Fact]
    public void Scientific_WhenNonIntegerMagnitudesSpanMoreThanAFactorOf1000()
    {
        Tensor.FromArray([0.5, 2000.5]).ToString().ShouldBe("tensor([5.0000e-01, 2.0005e+03], shape=[2])");
    }

    [Fact]
    public void Scientific_WhenIntegerMagnitudesSpanMoreThanAFactorOf1000()
    {
        // PyTorch: torch.tensor([1., 2000.]) prints tensor([1.0000e+00, 2.0000e+03]).
        Tensor.FromArray([1.0, 2000]).ToString().ShouldBe("tensor([1.0000e+00, 2.0000e+03], shape=[2])");
    }

    [Fact]
    public void Integers_SpanningExactlyAFactorOf1000_StayInIntegerMode()
    {
        Tensor.FromArray([1.0, 1000]).ToString().ShouldBe("tensor([   1., 1000.], shape=[2])");
    }

    [Fact]
    public void Scientific_WhenAMagnitudeExceeds1e8()
    {
        Tensor.FromArray([1e9]).ToString().ShouldBe("tensor([1.0000e+09], shape=[1])");
        Tensor.FromArray([2e8, 3e8]).ToString().ShouldBe("tensor([2.0000e+08, 3.0000e+08], shape=[2])");
    }

    [Fact]
    public void Zeros_DoNotAffectTheFormatChoice()
    {
        // Only non-zero values decide: 0.5 alone is fixed notation, and 0 is printed in the same format.
        Tensor.FromArray([0.0, 0.5]).ToString().ShouldBe("tensor([0.0000, 0.5000], shape=[2])");
        Tensor.Zeros([2]).ToString().ShouldBe("tensor([0., 0.], shape=[2])");
    }

    [Fact]
    public void NonFiniteValues_PrintAsNanInfAndDoNotWidenTheColumns()
    {
        // PyTorch: torch.tensor([1., float('nan'), float('-inf')]) prints tensor([1., nan, -inf]).
        Tensor.FromArray([1.0, double.NaN, double.NegativeInfinity]).ToString()
            .ShouldBe("tensor([1., nan, -inf], shape=[3])");
        Tensor.FromArray([0.5, double.PositiveInfinity]).ToString()
            .ShouldBe("tensor([0.5000,    inf], shape=[2])");
    }

    [Fact]
    public void Float32_AppendsTheDType()
    {
        Tensor.FromArray(new float[] { 1, 2 }).ToString().ShouldBe("tensor([1., 2.], shape=[2], dtype=Float32)");
    }

    [Fact]
    public void Float32_NonIntegers_PrintTheirFourDecimalRounding()
    {
        Tensor.FromArray(new float[] { 0.1f, 0.25f }).ToString().ShouldBe("tensor([0.1000, 0.2500], shape=[2], dtype=Float32)");
    }

    [Fact]
    public void LeafThatRequiresGrad_AppendsRequiresGradTrue()
    {
        Tensor.FromArray([1.0, 2]).RequireGrad().ToString().ShouldBe("tensor([1., 2.], shape=[2], requires_grad=True)");
    }

    [Fact]
    public void ResultOfRecordedOp_AppendsGradFnInsteadOfRequiresGrad()
    {
        var x = Tensor.FromArray([1.0, 2]).RequireGrad();
        var y = Tensor.FromArray([3.0, 4]);

        (x * y).ToString().ShouldBe("tensor([3., 8.], shape=[2], grad_fn=<MulBackward>)");
    }

    [Fact]
    public void Float32ResultOfRecordedOp_PrintsDTypeBeforeGradFn()
    {
        var x = Tensor.FromArray(new float[] { 1, 2 }).RequireGrad();

        (x + x).ToString().ShouldBe("tensor([2., 4.], shape=[2], dtype=Float32, grad_fn=<AddBackward>)");
    }

    [Fact]
    public void ZeroDimensionalScalar_PrintsTheBareNumber()
    {
        Tensor.Scalar(3).ToString().ShouldBe("tensor(3., shape=[])");
        Tensor.Scalar(0.25).ToString().ShouldBe("tensor(0.2500, shape=[])");
        Tensor.Scalar(-2.5).ToString().ShouldBe("tensor(-2.5000, shape=[])");
    }

    [Fact]
    public void ThreeDimensional_SeparatesBlocksWithABlankLineAndIndentsEachLevel()
    {
        Tensor.Arange(8).Reshape(2, 2, 2).ToString().ShouldBe(
            "tensor([[[0., 1.],\n" +
            "         [2., 3.]],\n" +
            "\n" +
            "        [[4., 5.],\n" +
            "         [6., 7.]]], shape=[2, 2, 2])");
    }

    [Fact]
    public void EmptyTensor_PrintsEmptyBracketsWhateverItsRank()
    {
        Tensor.Zeros([0]).ToString().ShouldBe("tensor([], shape=[0])");
        Tensor.Zeros([3, 0]).ToString().ShouldBe("tensor([], shape=[3, 0])");
    }

    [Fact]
    public void LongVector_WrapsAtEightyColumnsWithContinuationIndentedUnderTheFirstValue()
    {
        // width 3 ("19.") + ", " = 5 per element; (80 - 7) / 5 = 14 per line.
        Tensor.Arange(20).ToString().ShouldBe(
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n" +
            "        14., 15., 16., 17., 18., 19.], shape=[20])");
    }

    [Fact]
    public void MatrixRows_WrapWithTheRowIndentOfPyTorch()
    {
        // Rows are indented one more than a vector: (80 - 8) / (2 + 2) = 18 per line, like torch.ones(2, 20).
        var expectedRow = string.Join(", ", Enumerable.Repeat("1.", 18)) + ",\n         1., 1.]";
        Tensor.Ones([2, 20]).ToString().ShouldBe(
            "tensor([[" + expectedRow + ",\n" +
            "        [" + expectedRow + "], shape=[2, 20])");
    }

    [Fact]
    public void Suffix_ThatWouldOverflowTheLastLine_MovesToItsOwnLine()
    {
        // The 14 values fill 77 columns; PyTorch's _add_suffixes then puts the suffix on a new line indented by 7.
        Tensor.Arange(10, 24).ToString().ShouldBe(
            "tensor([10., 11., 12., 13., 14., 15., 16., 17., 18., 19., 20., 21., 22., 23.],\n" +
            "       shape=[14])");
    }

    [Fact]
    public void ExactlyOneThousandElements_AreAllPrinted()
    {
        var s = Tensor.Ones([1000]).ToString();

        s.ShouldNotContain("...");
        s.Split("1.").Length.ShouldBe(1001);
    }

    [Fact]
    public void MoreThanOneThousandElements_1D_ShowsFirstAndLastThreeAroundAnEllipsis()
    {
        // Visible values 0, 1, 2, 998, 999, 1000: magnitudes span exactly 1000, so integer mode, width 5.
        Tensor.Arange(1001).ToString().ShouldBe(
            "tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.], shape=[1001])");
    }

    [Fact]
    public void MoreThanOneThousandElements_FormatDependsOnlyOnTheVisibleEntries_AndWrapsLikePyTorch()
    {
        // Visible 0, 1, 2, 1997, 1998, 1999 span more than 1000x: scientific, width 10, (80 - 7) / 12 = 6 per line,
        // and the ellipsis counts as an entry. This is exactly torch.arange(2000.)'s output.
        Tensor.Arange(2000).ToString().ShouldBe(
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n" +
            "        1.9990e+03], shape=[2000])");
    }

    [Fact]
    public void MoreThanOneThousandElements_2D_SummarizesRowsAndColumns()
    {
        var row = "[1., 1., 1.,  ..., 1., 1., 1.]";
        Tensor.Ones([40, 30]).ToString().ShouldBe(
            "tensor([" + row + ",\n" +
            "        " + row + ",\n" +
            "        " + row + ",\n" +
            "        ...,\n" +
            "        " + row + ",\n" +
            "        " + row + ",\n" +
            "        " + row + "], shape=[40, 30])");
    }

    [Fact]
    public void MoreThanOneThousandElements_2D_ShowsTheFirstAndLastThreeRowsAndColumns()
    {
        // Row r holds 1000 + 30r ... 1029 + 30r.
        Tensor.Arange(1000, 2200).Reshape(40, 30).ToString().ShouldBe(
            "tensor([[1000., 1001., 1002.,  ..., 1027., 1028., 1029.],\n" +
            "        [1030., 1031., 1032.,  ..., 1057., 1058., 1059.],\n" +
            "        [1060., 1061., 1062.,  ..., 1087., 1088., 1089.],\n" +
            "        ...,\n" +
            "        [2110., 2111., 2112.,  ..., 2137., 2138., 2139.],\n" +
            "        [2140., 2141., 2142.,  ..., 2167., 2168., 2169.],\n" +
            "        [2170., 2171., 2172.,  ..., 2197., 2198., 2199.]], shape=[40, 30])");
    }

    [Fact]
    public void MoreThanOneThousandElements_WideButShortMatrix_SummarizesOnlyTheColumns()
    {
        var row = "[0., 0., 0.,  ..., 0., 0., 0.]";
        Tensor.Zeros([2, 600]).ToString().ShouldBe(
            "tensor([" + row + ",\n" +
            "        " + row + "], shape=[2, 600])");
    }
}
