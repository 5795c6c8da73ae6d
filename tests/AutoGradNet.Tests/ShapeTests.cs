namespace AutoGradNet.Tests;

/// <summary>The <see cref="Shape"/> value type: equality, hashing, printing, numpy broadcasting, axes and strides.</summary>
public class ShapeTests
{
    [Fact]
    public void Equality_IsByValue()
    {
        var a = new Shape(2, 3);
        var b = new Shape(2, 3);

        (a == b).ShouldBeTrue();
        (a != b).ShouldBeFalse();
        a.Equals(b).ShouldBeTrue();
        a.Equals((object)b).ShouldBeTrue();
        a.ShouldNotBeSameAs(b);
    }

    [Fact]
    public void Equality_DiffersForOtherOrderOrRankOrNull()
    {
        var a = new Shape(2, 3);

        (a == new Shape(3, 2)).ShouldBeFalse();
        (a == new Shape(2, 3, 1)).ShouldBeFalse();
        (a == new Shape(2)).ShouldBeFalse();
        (a == null).ShouldBeFalse();
        (null == a).ShouldBeFalse();
        a.Equals(null).ShouldBeFalse();
        a.Equals("[2, 3]").ShouldBeFalse();
        ((Shape?)null == (Shape?)null).ShouldBeTrue();
    }

    [Fact]
    public void Scalar_EqualsAShapeWithNoDimensions()
    {
        (Shape.Scalar == new Shape()).ShouldBeTrue();
        Shape.Scalar.Rank.ShouldBe(0);
        Shape.Scalar.Size.ShouldBe(1);
    }

    [Fact]
    public void HashCode_IsEqualForEqualShapes_SoShapesWorkAsDictionaryKeys()
    {
        new Shape(4, 5, 6).GetHashCode().ShouldBe(new Shape(4, 5, 6).GetHashCode());
        new Shape().GetHashCode().ShouldBe(Shape.Scalar.GetHashCode());

        var counts = new Dictionary<Shape, int> { [new Shape(2, 3)] = 1 };
        counts[new Shape(2, 3)] = 2;
        counts.Count.ShouldBe(1);
        counts[new Shape(2, 3)].ShouldBe(2);
        counts.ContainsKey(new Shape(3, 2)).ShouldBeFalse();
    }

    [Fact]
    public void ToString_PrintsBracketedCommaSeparatedDimensions()
    {
        new Shape(2, 3).ToString().ShouldBe("[2, 3]");
        new Shape(5).ToString().ShouldBe("[5]");
        new Shape(1, 0, 7).ToString().ShouldBe("[1, 0, 7]");
        Shape.Scalar.ToString().ShouldBe("[]");
    }

    [Fact]
    public void RankAndSize_AreTheDimensionCountAndProduct()
    {
        var s = new Shape(2, 3, 4);

        s.Rank.ShouldBe(3);
        s.Count.ShouldBe(3);
        s.Size.ShouldBe(24);
        new Shape(3, 0).Size.ShouldBe(0);
    }

    [Fact]
    public void Indexer_ReadsDimensionsWithNegativeAxesFromTheEnd()
    {
        var s = new Shape(2, 3, 4);

        s[0].ShouldBe(2);
        s[2].ShouldBe(4);
        s[-1].ShouldBe(4);
        s[-3].ShouldBe(2);
    }

    [Fact]
    public void CollectionExpressionAndImplicitArrayConversion_BuildShapes()
    {
        Shape fromCollection = [2, 3];
        Shape fromArray = new[] { 2, 3 };

        fromCollection.ShouldBe(new Shape(2, 3));
        fromArray.ShouldBe(new Shape(2, 3));
        ((Shape)[]).ShouldBe(Shape.Scalar);
    }

    [Fact]
    public void ToArray_IsACopyAndEnumerationYieldsTheDimensions()
    {
        var s = new Shape(2, 3);

        var dims = s.ToArray();
        dims[0] = 9;

        s[0].ShouldBe(2);
        s.ToList().ShouldBe([2, 3]);
        s.Dims.ToArray().ShouldBe([2, 3]);
    }

    [Fact]
    public void Constructor_CopiesTheInputArray()
    {
        var dims = new[] { 2, 3 };
        var s = new Shape(dims);

        dims[0] = 9;

        s.ShouldBe(new Shape(2, 3));
    }

    public static TheoryData<int[], int[], int[]> BroadcastExamples => new()
    {
        // The examples of numpy's broadcasting documentation.
        { [8, 1, 6, 1], [7, 1, 5], [8, 7, 6, 5] },
        { [5, 4], [1], [5, 4] },
        { [5, 4], [4], [5, 4] },
        { [15, 3, 5], [15, 1, 5], [15, 3, 5] },
        { [15, 3, 5], [3, 5], [15, 3, 5] },
        { [15, 3, 5], [3, 1], [15, 3, 5] },
        { [256, 256, 3], [3], [256, 256, 3] },
        // a scalar broadcasts to anything; a 1 stretches to 0
        { [], [2, 3], [2, 3] },
        { [], [], [] },
        { [1], [0], [0] },
        { [2, 1], [1, 3], [2, 3] },
    };

    [Theory]
    [MemberData(nameof(BroadcastExamples))]
    public void Broadcast_FollowsNumpyRulesInBothArgumentOrders(int[] a, int[] b, int[] expected)
    {
        Shape.Broadcast(a, b, "test").ShouldBe(new Shape(expected));
        Shape.Broadcast(b, a, "test").ShouldBe(new Shape(expected));
    }

    public static TheoryData<int[], int[]> IncompatibleShapes => new()
    {
        { [3], [4] },
        { [2, 1], [8, 4, 3] },
        { [2, 3], [3, 2] },
        { [0], [2] },
    };

    [Theory]
    [MemberData(nameof(IncompatibleShapes))]
    public void Broadcast_IncompatibleShapes_ThrowsArgumentExceptionNamingOpAndBothShapes(int[] a, int[] b)
    {
        var ex = Should.Throw<ArgumentException>(() => Shape.Broadcast(a, b, "myop"));

        ex.Message.ShouldContain("myop");
        ex.Message.ShouldContain(new Shape(a).ToString());
        ex.Message.ShouldContain(new Shape(b).ToString());
    }

    [Fact]
    public void CanBroadcastTo_IsOneDirectional()
    {
        new Shape(3).CanBroadcastTo(new Shape(2, 3)).ShouldBeTrue();
        new Shape(2, 1).CanBroadcastTo(new Shape(2, 5)).ShouldBeTrue();
        Shape.Scalar.CanBroadcastTo(new Shape(4, 4)).ShouldBeTrue();
        new Shape(2, 3).CanBroadcastTo(new Shape(3)).ShouldBeFalse();
        new Shape(1, 3).CanBroadcastTo(new Shape(3)).ShouldBeFalse();
        new Shape(2).CanBroadcastTo(new Shape(3)).ShouldBeFalse();
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 2)]
    [InlineData(-1, 2)]
    [InlineData(-3, 0)]
    public void NormalizeAxis_MapsAxesInRangeToNonNegative(int axis, int expected)
    {
        new Shape(4, 5, 6).NormalizeAxis(axis, "op").ShouldBe(expected);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-4)]
    [InlineData(100)]
    public void NormalizeAxis_OutOfRange_ThrowsArgumentOutOfRangeNamingOpAxisAndShape(int axis)
    {
        var ex = Should.Throw<ArgumentOutOfRangeException>(() => new Shape(4, 5, 6).NormalizeAxis(axis, "frobnicate"));

        ex.Message.ShouldContain("frobnicate");
        ex.Message.ShouldContain($"axis {axis}");
        ex.Message.ShouldContain("[4, 5, 6]");
    }

    [Fact]
    public void NormalizeAxis_OnScalarShape_RejectsEveryAxis()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Shape.Scalar.NormalizeAxis(0, "op"));
        Should.Throw<ArgumentOutOfRangeException>(() => Shape.Scalar.NormalizeAxis(-1, "op"));
    }

    [Fact]
    public void Strides_AreRowMajorInElements()
    {
        new Shape(2, 3, 4).Strides().ShouldBe([12, 4, 1]);
        new Shape(5).Strides().ShouldBe([1]);
        new Shape(3, 1, 2).Strides().ShouldBe([2, 2, 1]);
        Shape.Scalar.Strides().ShouldBeEmpty();
    }

    [Fact]
    public void Constructor_NegativeDimension_ThrowsArgumentException()
    {
        var ex = Should.Throw<ArgumentException>(() => new Shape(2, -1));

        ex.Message.ShouldContain("[2, -1]");
    }

    [Fact]
    public void Constructor_TooManyElements_ThrowsArgumentException()
    {
        Should.Throw<ArgumentException>(() => new Shape(100000, 100000));
    }

    [Fact]
    public void Indexer_OutOfRangeAxis_ThrowsArgumentOutOfRange()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new Shape(2, 3)[2]);
        Should.Throw<ArgumentOutOfRangeException>(() => new Shape(2, 3)[-3]);
    }
}
