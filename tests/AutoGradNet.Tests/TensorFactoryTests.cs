namespace AutoGradNet.Tests;

/// <summary>Tensor factories: shapes, dtypes, values and the copying guarantee. Expected values are written out by hand.</summary>
public class TensorFactoryTests
{
    [Fact]
    public void FromArray_FlatDoublesWithShape_HasThatShapeFloat64AndRowMajorValues()
    {
        var t = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3);

        t.Shape.ShouldBe(new Shape(2, 3));
        t.DType.ShouldBe(DType.Float64);
        t.ToArray().ShouldBe([1.0, 2, 3, 4, 5, 6]);
        t.ItemAt(0, 2).ShouldBe(3);
        t.ItemAt(1, 0).ShouldBe(4);
    }

    [Fact]
    public void FromArray_FlatDoublesWithoutShape_Is1DOfTheArrayLength()
    {
        var t = Tensor.FromArray(new double[] { 7, 8, 9 });

        t.Shape.ShouldBe(new Shape(3));
        t.Rank.ShouldBe(1);
        t.DType.ShouldBe(DType.Float64);
        t.ToArray().ShouldBe([7.0, 8, 9]);
    }

    [Fact]
    public void FromArray_RectangularDoubles_IsRowsByColumnsInRowMajorOrder()
    {
        var t = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });

        t.Shape.ShouldBe(new Shape(2, 3));
        t.DType.ShouldBe(DType.Float64);
        t.ToArray().ShouldBe([1.0, 2, 3, 4, 5, 6]);
        t.ItemAt(1, 2).ShouldBe(6);
    }

    [Fact]
    public void FromArray_Floats_AreFloat32WithTheGivenShape()
    {
        var flat = Tensor.FromArray(new float[] { 1.5f, -2f });
        var shaped = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var rect = Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });

        flat.DType.ShouldBe(DType.Float32);
        flat.Shape.ShouldBe(new Shape(2));
        flat.ToArray<float>().ShouldBe([1.5f, -2f]);
        shaped.DType.ShouldBe(DType.Float32);
        shaped.Shape.ShouldBe(new Shape(2, 2));
        shaped.ItemAt(1, 0).ShouldBe(3);
        rect.DType.ShouldBe(DType.Float32);
        rect.Shape.ShouldBe(new Shape(3, 2));
        rect.ToArray<float>().ShouldBe([1f, 2, 3, 4, 5, 6]);
    }

    [Fact]
    public void FromArray_EveryOverload_CopiesTheSourceSoLaterMutationDoesNotChangeTheTensor()
    {
        var d1 = new double[] { 1, 2 };
        var d1s = new double[] { 1, 2, 3, 4 };
        var d2 = new double[,] { { 1, 2 }, { 3, 4 } };
        var f1 = new float[] { 1, 2 };
        var f1s = new float[] { 1, 2, 3, 4 };
        var f2 = new float[,] { { 1, 2 }, { 3, 4 } };
        var t1 = Tensor.FromArray(d1);
        var t1s = Tensor.FromArray(d1s, 2, 2);
        var t2 = Tensor.FromArray(d2);
        var u1 = Tensor.FromArray(f1);
        var u1s = Tensor.FromArray(f1s, 2, 2);
        var u2 = Tensor.FromArray(f2);
        Tensor implicit1 = d1;
        Tensor implicit2 = d2;

        d1[0] = 100; d1s[0] = 100; d2[0, 0] = 100; f1[0] = 100; f1s[0] = 100; f2[0, 0] = 100;

        t1.ToArray().ShouldBe([1.0, 2]);
        t1s.ToArray().ShouldBe([1.0, 2, 3, 4]);
        t2.ToArray().ShouldBe([1.0, 2, 3, 4]);
        u1.ToArray().ShouldBe([1.0, 2]);
        u1s.ToArray().ShouldBe([1.0, 2, 3, 4]);
        u2.ToArray().ShouldBe([1.0, 2, 3, 4]);
        implicit1.ToArray().ShouldBe([1.0, 2]);
        implicit2.ToArray().ShouldBe([1.0, 2, 3, 4]);
    }

    [Fact]
    public void ImplicitConversions_FromDoubleArrays_Give1DAnd2DFloat64Tensors()
    {
        Tensor v = new double[] { 1, 2, 3 };
        Tensor m = new double[,] { { 1, 2 }, { 3, 4 } };

        v.Shape.ShouldBe(new Shape(3));
        m.Shape.ShouldBe(new Shape(2, 2));
        v.DType.ShouldBe(DType.Float64);
        m.ItemAt(1, 1).ShouldBe(4);
    }

    [Fact]
    public void FromArray_EmptyArrayWithZeroDimension_IsAnEmptyTensor()
    {
        var t = Tensor.FromArray(Array.Empty<double>(), 0, 3);

        t.Shape.ShouldBe(new Shape(0, 3));
        t.Size.ShouldBe(0);
        t.ToArray().ShouldBeEmpty();
    }

    [Fact]
    public void Scalar_IsZeroDimensionalWithOneElementAndEmptyShapeString()
    {
        var s = Tensor.Scalar(3.5);

        s.Rank.ShouldBe(0);
        s.Size.ShouldBe(1);
        s.Shape.ToString().ShouldBe("[]");
        s.Shape.ShouldBe(Shape.Scalar);
        s.DType.ShouldBe(DType.Float64);
        s.Item().ShouldBe(3.5);
        s.ToArray().ShouldBe([3.5]);
    }

    [Fact]
    public void Scalar_WithFloat32_HasFloat32DType()
    {
        var s = Tensor.Scalar(0.5, DType.Float32);

        s.DType.ShouldBe(DType.Float32);
        s.Item().ShouldBe(0.5);
    }

    [Fact]
    public void Zeros_Ones_Full_FillEveryElementWithTheirValue()
    {
        Tensor.Zeros(new Shape(2, 3)).ToArray().ShouldBe([0.0, 0, 0, 0, 0, 0]);
        Tensor.Ones(new Shape(3)).ToArray().ShouldBe([1.0, 1, 1]);
        Tensor.Full(new Shape(2, 2), -2.5).ToArray().ShouldBe([-2.5, -2.5, -2.5, -2.5]);
        Tensor.Full(new Shape(2, 2), -2.5).Shape.ShouldBe(new Shape(2, 2));
    }

    [Fact]
    public void Zeros_Ones_Full_HonourTheDTypeArgumentAndDefaultToFloat64()
    {
        Tensor.Zeros(new Shape(2)).DType.ShouldBe(DType.Float64);
        Tensor.Zeros(new Shape(2), DType.Float32).DType.ShouldBe(DType.Float32);
        Tensor.Ones(new Shape(2), DType.Float32).ToArray<float>().ShouldBe([1f, 1f]);
        Tensor.Full(new Shape(1), 0.25, DType.Float32).ToArray<float>().ShouldBe([0.25f]);
    }

    [Fact]
    public void ZerosLike_OnesLike_CopyShapeAndDTypeButNotValuesOrRequiresGrad()
    {
        var source = Tensor.FromArray(new float[] { 5, 6, 7, 8, 9, 10 }, 3, 2).RequireGrad();

        var zeros = Tensor.ZerosLike(source);
        var ones = Tensor.OnesLike(source);

        zeros.Shape.ShouldBe(new Shape(3, 2));
        zeros.DType.ShouldBe(DType.Float32);
        zeros.ToArray().ShouldBe([0.0, 0, 0, 0, 0, 0]);
        zeros.RequiresGrad.ShouldBeFalse();
        ones.Shape.ShouldBe(new Shape(3, 2));
        ones.DType.ShouldBe(DType.Float32);
        ones.ToArray().ShouldBe([1.0, 1, 1, 1, 1, 1]);
        ones.RequiresGrad.ShouldBeFalse();
    }

    [Fact]
    public void Zeros_WithAZeroLengthDimension_HasNoElements()
    {
        var t = Tensor.Zeros(new Shape(2, 0, 3));

        t.Size.ShouldBe(0);
        t.Rank.ShouldBe(3);
        t.ToArray().ShouldBeEmpty();
    }

    [Fact]
    public void CollectionExpressionShapes_WorkInFactories()
    {
        Tensor.Zeros([2, 3]).Shape.ShouldBe(new Shape(2, 3));
        Tensor.Ones([4]).Shape.ShouldBe(new Shape(4));
        Tensor.Full([], 2).Rank.ShouldBe(0);
        Tensor.Uniform([2, 2], seed: 1).Shape.ShouldBe(new Shape(2, 2));
    }

    [Fact]
    public void Arange_IntStop_CountsFromZeroBelowStop()
    {
        var t = Tensor.Arange(5);

        t.Shape.ShouldBe(new Shape(5));
        t.DType.ShouldBe(DType.Float64);
        t.ToArray().ShouldBe([0.0, 1, 2, 3, 4]);
    }

    [Fact]
    public void Arange_IntStopWithFloat32_IsFloat32()
    {
        var t = Tensor.Arange(0, 3, dtype: DType.Float32);

        t.DType.ShouldBe(DType.Float32);
        t.ToArray<float>().ShouldBe([0f, 1f, 2f]);
    }

    [Fact]
    public void Arange_DoubleStartStopStep_StepsUpToButExcludingStop()
    {
        Tensor.Arange(1, 2, 0.25).ToArray().ShouldBe([1.0, 1.25, 1.5, 1.75]);
        Tensor.Arange(2, 7, 2).ToArray().ShouldBe([2.0, 4, 6]);
        Tensor.Arange(-1.5, 1.5).ToArray().ShouldBe([-1.5, -0.5, 0.5]);
    }

    [Fact]
    public void Arange_NegativeStep_CountsDown()
    {
        // ceil((0 - 5) / -1.5) = ceil(3.33) = 4 values: 5, 3.5, 2, 0.5
        Tensor.Arange(5, 0, -1.5).ToArray().ShouldBe([5.0, 3.5, 2, 0.5]);
        Tensor.Arange(3, -1, -1).ToArray().ShouldBe([3.0, 2, 1, 0]);
    }

    [Fact]
    public void Arange_EmptyRanges_GiveAZeroLength1DTensor()
    {
        Tensor.Arange(0).Shape.ShouldBe(new Shape(0));
        Tensor.Arange(-3).Size.ShouldBe(0);
        Tensor.Arange(3, 3).Shape.ShouldBe(new Shape(0));
        Tensor.Arange(5, 0).Shape.ShouldBe(new Shape(0)); // start 5, stop 0: nothing below the stop
        Tensor.Arange(0, 5, -1).Shape.ShouldBe(new Shape(0));
    }

    [Fact]
    public void Uniform_SameSeed_GivesIdenticalValues()
    {
        Tensor.Uniform([3, 4], seed: 42).ToArray().ShouldBe(Tensor.Uniform([3, 4], seed: 42).ToArray());
    }

    [Fact]
    public void Uniform_DifferentSeeds_GiveDifferentValues()
    {
        Tensor.Uniform([3, 4], seed: 1).ToArray().ShouldNotBe(Tensor.Uniform([3, 4], seed: 2).ToArray());
    }

    [Fact]
    public void Uniform_RandomOverload_IsReproducibleAndMatchesTheSeedOverload()
    {
        var a = Tensor.Uniform([10], -1, 1, new Random(7));
        var b = Tensor.Uniform([10], -1, 1, new Random(7));
        var c = Tensor.Uniform([10], -1, 1, seed: 7);

        a.ToArray().ShouldBe(b.ToArray());
        a.ToArray().ShouldBe(c.ToArray());
    }

    [Fact]
    public void Uniform_RandomOverload_AdvancesTheGeneratorSoConsecutiveDrawsDiffer()
    {
        var rng = new Random(3);

        Tensor.Uniform([5], rng).ToArray().ShouldNotBe(Tensor.Uniform([5], rng).ToArray());
    }

    [Fact]
    public void Uniform_TenThousandDraws_LieInLowInclusiveHighExclusiveWithMeanNearTheMidpoint()
    {
        var values = Tensor.Uniform([10000], -3, 5, seed: 5).ToArray();

        values.Min().ShouldBeGreaterThanOrEqualTo(-3);
        values.Max().ShouldBeLessThan(5);
        // Uniform on [-3, 5): mean 1, std 8/sqrt(12) = 2.31, so the sample mean's standard error is 0.023.
        values.Average().ShouldBe(1, 0.1);
        // and the values actually spread over the interval
        values.Min().ShouldBeLessThan(-2.9);
        values.Max().ShouldBeGreaterThan(4.9);
    }

    [Fact]
    public void Uniform_Float32_HasFloat32DTypeAndShape()
    {
        var t = Tensor.Uniform([2, 5], 0, 1, seed: 9, DType.Float32);

        t.DType.ShouldBe(DType.Float32);
        t.Shape.ShouldBe(new Shape(2, 5));
    }

    [Fact]
    public void Normal_SameSeed_GivesIdenticalValues_DifferentSeedDifferentValues()
    {
        var a = Tensor.Normal([7], seed: 11).ToArray();

        a.ShouldBe(Tensor.Normal([7], seed: 11).ToArray());
        a.ShouldNotBe(Tensor.Normal([7], seed: 12).ToArray());
    }

    [Fact]
    public void Normal_RandomOverload_IsReproducible()
    {
        Tensor.Normal([9], 1, 2, new Random(4)).ToArray().ShouldBe(Tensor.Normal([9], 1, 2, new Random(4)).ToArray());
    }

    [Fact]
    public void Normal_TenThousandDraws_HaveSampleMeanAndStdNearTheParameters()
    {
        var values = Tensor.Normal([10000], 2, 3, seed: 123).ToArray();

        var mean = values.Average();
        var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        // standard errors: mean 3/100 = 0.03, std about 3/sqrt(20000) = 0.021
        mean.ShouldBe(2, 0.15);
        std.ShouldBe(3, 0.1);
        values.ShouldAllBe(v => double.IsFinite(v));
    }

    [Fact]
    public void Normal_OddElementCount_FillsEveryElement()
    {
        var values = Tensor.Normal([5], 100, 1, seed: 8).ToArray();

        values.Length.ShouldBe(5);
        values.ShouldAllBe(v => v > 90 && v < 110); // an unfilled slot would be 0
    }

    [Fact]
    public void To_Float32AndBack_RoundTripsExactlyRepresentableValues()
    {
        var t = Tensor.FromArray([0.5, -1.25, 3, 1024]);

        var f = t.To(DType.Float32);
        var back = f.To(DType.Float64);

        f.DType.ShouldBe(DType.Float32);
        f.Shape.ShouldBe(t.Shape);
        back.DType.ShouldBe(DType.Float64);
        back.ToArray().ShouldBe([0.5, -1.25, 3, 1024]);
    }

    [Fact]
    public void To_Float32_RoundsToTheNearestFloat()
    {
        var f = Tensor.FromArray([0.1]).To(DType.Float32);

        f.ToArray<float>().ShouldBe([0.1f]);
        f.ToArray()[0].ShouldBe((double)0.1f);
    }

    [Fact]
    public void To_SameDType_ReturnsTheSameInstance()
    {
        var t = Tensor.Ones([2]);

        t.To(DType.Float64).ShouldBeSameAs(t);
    }

    [Fact]
    public void To_OtherDType_IsACopyThatDoesNotShareStorage()
    {
        var t = Tensor.Ones([2]);
        var f = t.To(DType.Float32);

        f.SetItemAt(5, 0);

        t.ToArray().ShouldBe([1.0, 1]);
    }

    [Fact]
    public void Uniform_and_Normal_reject_reversed_or_non_finite_parameters()
    {
        Should.Throw<ArgumentException>(() => Tensor.Uniform([2], 1, 0, seed: 1)).Message.ShouldContain("low <= high");
        Should.Throw<ArgumentException>(() => Tensor.Uniform([2], 0, double.PositiveInfinity, seed: 1));
        Should.Throw<ArgumentException>(() => Tensor.Normal([2], 0, -1, seed: 1)).Message.ShouldContain("std >= 0");
        Should.Throw<ArgumentException>(() => Tensor.Normal([2], double.NaN, 1, seed: 1));
        Tensor.Uniform([3], 2, 2, seed: 1).ToArray().ShouldBe([2.0, 2.0, 2.0]); // low == high is a point mass
    }

    [Fact]
    public void To_is_recorded_so_the_gradient_flows_back_in_the_source_dtype()
    {
        var a = Tensor.FromArray([1f, 2f, 3f]).RequireGrad();
        var b = Tensor.FromArray([4.0, 5.0, 6.0]).RequireGrad();
        (a.To(DType.Float64) * b).Sum().Backward();
        a.Grad!.DType.ShouldBe(DType.Float32);
        a.Grad.ToArray().ShouldBe([4.0, 5.0, 6.0]); // ∂Σ(a·b)/∂a = b
        b.Grad!.ToArray().ShouldBe([1.0, 2.0, 3.0]);
        a.To(DType.Float32).ShouldBeSameAs(a);
    }
}
