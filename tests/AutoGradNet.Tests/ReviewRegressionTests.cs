using AutoGradNet.NN;

namespace AutoGradNet.Tests;

/// <summary>
/// Regression tests for defects found in a review of views, indexing, dtypes and modules. Expected values are
/// worked by hand (numpy's semantics for overlapping copies: the source is read whole before the writes).
/// </summary>
public class ReviewRegressionTests
{
    // ---- a strided write whose source shares the target's storage read elements it had already overwritten ----

    [Fact]
    public void CopyFrom_IntoTransposeOfItself_WritesTheOriginalValues()
    {
        var x = Tensor.FromArray([0.0, 1, 2, 3], 2, 2);

        x.T.CopyFrom(x);

        x.ToArray().ShouldBe([0.0, 2, 1, 3]);
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    [InlineData(DType.Int64)]
    public void CopyFrom_IntoStridedViewOfOverlappingSource_WritesTheOriginalValues(DType dtype)
    {
        var x = Tensor.Arange(6).ConvertedTo(dtype);
        var target = x.Slice(0, 1, 6, 2);       // storage 1, 3, 5
        target.IsContiguous.ShouldBeFalse();

        target.CopyFrom(x.Slice(0, 0, 3));      // reads 0, 1, 2; storage 1 is written before 2 is read

        x.ToArray().ShouldBe([0.0, 0, 2, 1, 4, 2]);
    }

    [Fact]
    public void CopyFrom_BoolIntoTransposeOfItself_WritesTheOriginalValues()
    {
        var x = Tensor.FromArray([true, true, false, false], 2, 2);

        x.T.CopyFrom(x);

        x.ToArray<bool>().ShouldBe([true, false, true, false]);
    }

    [Fact]
    public void IndexerSetter_TransposeAssignedItsBase_WritesTheOriginalValues()
    {
        var x = Tensor.FromArray([0.0, 1, 2, 3], 2, 2);

        x.T[..] = x;

        x.ToArray().ShouldBe([0.0, 2, 1, 3]);
    }

    // ---- LoadStateDict skipped a source that shared storage and offset but not strides ----

    [Fact]
    public void LoadStateDict_TransposedViewOfTheSameSquareWeight_IsLoaded()
    {
        var linear = new Linear(2, 2, bias: false, random: new Random(3));
        var weight = linear.Weight!;
        var expected = weight.Detach().T.Clone().ToArray();
        var state = new Dictionary<string, Tensor> { ["weight"] = weight.Detach().T };

        linear.LoadStateDict(state);

        linear.Weight!.ToArray().ShouldBe(expected);
    }
}
