using System.Diagnostics;

namespace AutoGradNet.Tests;

/// <summary>
/// Printing reads only the elements it shows (through the strides), never recurses over the axes, and prints Int64
/// and Bool tensors like PyTorch (<c>tensor([1, 2])</c>, <c>tensor([ True, False])</c>) plus the dtype suffix this
/// library appends for every dtype other than Float64. Expected strings are written by hand from PyTorch's rules.
/// </summary>
public class TensorFormatDTypeAndViewTests
{
    private static string SummaryRow(string value) => $"[{value}, {value}, {value},  ..., {value}, {value}, {value}]";

    [Fact]
    public void HugeBroadcastView_PrintsItsSummaryQuickly_WithoutMaterialisingTheElements()
    {
        // 20000 x 20000 = 4e8 elements: ToArray() would have needed 3.2 GB.
        var t = Tensor.Zeros([1, 1], DType.Float32).Expand(20000, 20000);
        var row = SummaryRow("0.");
        _ = t.ToString(); // warm up (JIT)

        var before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        var s = t.ToString();
        watch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        s.ShouldBe(
            "tensor([" + row + ",\n" +
            "        " + row + ",\n" +
            "        " + row + ",\n" +
            "        ...,\n" +
            "        " + row + ",\n" +
            "        " + row + ",\n" +
            "        " + row + "], shape=[20000, 20000], dtype=Float32)");
        allocated.ShouldBeLessThan(1L << 20);
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void LargeContiguousTensor_PrintingAllocatesOnlyForTheSummary()
    {
        var t = Tensor.Ones([3000, 3000]); // 72 MB of doubles
        _ = t.ToString();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var s = t.ToString();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        s.ShouldStartWith("tensor([" + SummaryRow("1.") + ",\n");
        allocated.ShouldBeLessThan(1L << 20);
    }

    [Fact]
    public void RankAboveMaxRank_ThrowsArgumentExceptionNamingRankAndLimit()
    {
        var ex = Should.Throw<ArgumentException>(() => Tensor.Zeros(Enumerable.Repeat(1, Tensor.MaxRank + 1).ToArray()));

        ex.Message.ShouldContain("rank 65");
        ex.Message.ShouldContain("maximum of 64");
    }

    [Fact]
    public void RankAboveMaxRank_ThroughReshape_Throws()
    {
        Should.Throw<ArgumentException>(() => Tensor.Ones([1]).Reshape(Enumerable.Repeat(1, 65).ToArray()))
            .Message.ShouldContain("rank 65");
    }

    [Fact]
    public void MaxRankTensor_PrintsEveryBracket()
    {
        var t = Tensor.Full(Enumerable.Repeat(1, Tensor.MaxRank).ToArray(), 7);
        var shape = "[" + string.Join(", ", Enumerable.Repeat("1", 64)) + "]";

        // The 137-character line leaves no room for the suffix: it moves to its own line (PyTorch's _add_suffixes).
        t.ToString().ShouldBe("tensor(" + new string('[', 64) + "7." + new string(']', 64) + ",\n       shape=" + shape + ")");
    }

    [Fact]
    public void MaxRankTensor_WithTwoEntriesOnTheOuterAxis_SeparatesThemWithOneNewlinePerInnerAxis()
    {
        var dims = Enumerable.Repeat(1, Tensor.MaxRank).ToArray();
        dims[0] = 2;
        var s = Tensor.FromArray([1.0, 2], dims).ToString();

        var inner = new string('[', 63) + "{0}." + new string(']', 63);
        s.ShouldStartWith("tensor([" + string.Format(inner, 1) + "," + new string('\n', 63) + new string(' ', 8) + string.Format(inner, 2) + "],");
    }

    // ---- Int64 ----

    [Fact]
    public void Int64Vector_PrintsIntegersWithoutDotsAndTheDType()
    {
        Tensor.FromArray(new long[] { 1, 2, 3 }).ToString().ShouldBe("tensor([1, 2, 3], shape=[3], dtype=Int64)");
    }

    [Fact]
    public void Int64Vector_PadsToTheWidestEntry()
    {
        // PyTorch: torch.tensor([1, -10, 100]) prints tensor([  1, -10, 100]).
        Tensor.FromArray(new long[] { 1, -10, 100 }).ToString().ShouldBe("tensor([  1, -10, 100], shape=[3], dtype=Int64)");
    }

    [Fact]
    public void Int64_BeyondDoublePrecision_PrintsExactly()
    {
        Tensor.FromArray(new long[] { 9007199254740993, long.MinValue }).ToString()
            .ShouldBe("tensor([    9007199254740993, -9223372036854775808], shape=[2], dtype=Int64)");
    }

    [Fact]
    public void Int64Scalar_PrintsTheBareInteger()
    {
        Tensor.Scalar(-3, DType.Int64).ToString().ShouldBe("tensor(-3, shape=[], dtype=Int64)");
    }

    [Fact]
    public void Int64Matrix_AlignsRows()
    {
        Tensor.FromArray(new long[] { 1, 20, -3, 4 }, 2, 2).ToString()
            .ShouldBe("tensor([[ 1, 20],\n        [-3,  4]], shape=[2, 2], dtype=Int64)");
    }

    [Fact]
    public void Int64_MoreThanOneThousandElements_SummarizesLikePyTorch()
    {
        // PyTorch: torch.arange(1001) prints tensor([   0,    1,    2,  ...,  998,  999, 1000]).
        var t = Tensor.FromArray(Enumerable.Range(0, 1001).Select(i => (long)i).ToArray());

        t.ToString().ShouldBe("tensor([   0,    1,    2,  ...,  998,  999, 1000], shape=[1001], dtype=Int64)");
    }

    // ---- Bool ----

    [Fact]
    public void BoolVector_PadsTrueToTheWidthOfFalse()
    {
        // PyTorch: torch.tensor([True, False]) prints tensor([ True, False]).
        Tensor.FromArray(new[] { true, false }).ToString().ShouldBe("tensor([ True, False], shape=[2], dtype=Bool)");
    }

    [Fact]
    public void BoolVector_AllTrue_NeedsNoPadding()
    {
        Tensor.FromArray(new[] { true, true }).ToString().ShouldBe("tensor([True, True], shape=[2], dtype=Bool)");
    }

    [Fact]
    public void BoolResultOfComparison_PrintsAsBool()
    {
        var x = Tensor.FromArray([1.0, 5, 3]);

        (x > 2).ToString().ShouldBe("tensor([False,  True,  True], shape=[3], dtype=Bool)");
    }

    [Fact]
    public void BoolScalar_PrintsTheBareValue()
    {
        Tensor.FromArray(new[] { false }).Reshape().ToString().ShouldBe("tensor(False, shape=[], dtype=Bool)");
    }

    // ---- views ----

    [Fact]
    public void Transpose_PrintsItsLogicalElements()
    {
        var t = Tensor.Arange(6).Reshape(2, 3).T;
        t.IsContiguous.ShouldBeFalse();

        t.ToString().ShouldBe("tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]], shape=[3, 2])");
    }

    [Fact]
    public void SteppedSlice_PrintsItsLogicalElements()
    {
        var t = Tensor.Arange(10).Slice(0, 1, 10, 3);

        t.ToString().ShouldBe("tensor([1., 4., 7.], shape=[3])");
    }

    [Fact]
    public void Int64TransposeOfSummarizedMatrix_ShowsTheRightCornersAndFormatsFromThem()
    {
        // x[r, c] = 30r + c (40 x 30); x.T[i, j] = 30j + i: rows 0-2 and 27-29, columns 0-2 and 37-39, width 4.
        var t = Tensor.FromArray(Enumerable.Range(0, 1200).Select(i => (long)i).ToArray(), 40, 30).T;

        t.ToString().ShouldBe(
            "tensor([[   0,   30,   60,  ..., 1110, 1140, 1170],\n" +
            "        [   1,   31,   61,  ..., 1111, 1141, 1171],\n" +
            "        [   2,   32,   62,  ..., 1112, 1142, 1172],\n" +
            "        ...,\n" +
            "        [  27,   57,   87,  ..., 1137, 1167, 1197],\n" +
            "        [  28,   58,   88,  ..., 1138, 1168, 1198],\n" +
            "        [  29,   59,   89,  ..., 1139, 1169, 1199]], shape=[30, 40],\n" +
            "       dtype=Int64)"); // 53 + 17 columns, and the dtype suffix would pass 80: it wraps
    }

    [Fact]
    public void BroadcastView_PrintsTheRepeatedValues()
    {
        Tensor.FromArray([1.0, 2]).Expand(2, 2).ToString().ShouldBe("tensor([[1., 2.],\n        [1., 2.]], shape=[2, 2])");
    }
}
