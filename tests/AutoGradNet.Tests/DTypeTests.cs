using AutoGradNet.Tests.Reference;

namespace AutoGradNet.Tests;

/// <summary>
/// The basic surface of the Int64 and Bool dtypes: factories, reading values back, conversions, PyTorch's promotion
/// between categories (Bool &lt; Int64 &lt; float; Float32 with Float64 deliberately throws), comparisons and logic,
/// and integer arithmetic. Expected values are worked out by hand or taken from torch.result_type.
/// </summary>
public class DTypeTests
{
    private static Tensor Longs(params long[] v) => Tensor.FromArray(v);

    private static Tensor Bools(params bool[] v) => Tensor.FromArray(v);

    private static DType FromTorch(string name) => name switch
    {
        "float64" => DType.Float64,
        "float32" => DType.Float32,
        "int64" => DType.Int64,
        "bool" => DType.Bool,
        _ => throw new ArgumentException(name),
    };

    // ---- factories and reading back ----

    [Fact]
    public void FromArray_OfLongIntAndBool_GivesInt64Int64AndBool()
    {
        var l = Tensor.FromArray(new long[] { 1, -2, long.MaxValue });
        var i = Tensor.FromArray(new[] { 7, -8 });
        var b = Tensor.FromArray(new[] { true, false, true, false }, 2, 2);

        l.DType.ShouldBe(DType.Int64);
        l.ToArray<long>().ShouldBe([1L, -2, long.MaxValue]);
        i.DType.ShouldBe(DType.Int64);
        i.ToArray<long>().ShouldBe([7L, -8]);
        b.DType.ShouldBe(DType.Bool);
        b.Shape.ShouldBe(new Shape(2, 2));
        b.ToArray<bool>().ShouldBe([true, false, true, false]);
    }

    [Fact]
    public void ToArray_ConvertsBetweenElementTypes()
    {
        Tensor.FromArray([-1.7, 0, 2.9]).ToArray<long>().ShouldBe([-1L, 0, 2]); // truncates toward zero
        Tensor.FromArray([-1.7, 0, 2.9]).ToArray<bool>().ShouldBe([true, false, true]);
        Longs(3, 0).ToArray().ShouldBe([3.0, 0.0]);
        Longs(3, 0).ToArray<bool>().ShouldBe([true, false]);
        Bools(true, false).ToArray().ShouldBe([1.0, 0.0]);
        Bools(true, false).ToArray<long>().ShouldBe([1L, 0]);
    }

    [Fact]
    public void ToArray_OfANonContiguousInt64View_ReadsItsLogicalElements()
    {
        var t = Tensor.FromArray(new long[] { 1, 2, 3, 4, 5, 6 }, 2, 3).T;
        t.IsContiguous.ShouldBeFalse();

        t.ToArray<long>().ShouldBe([1L, 4, 2, 5, 3, 6]);
    }

    // ---- To(dtype) in every direction ----

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void FloatToInt64_TruncatesTowardZero(DType from)
    {
        Tensor.FromArray([-2.9, -0.5, 0, 0.5, 2.9]).To(from).To(DType.Int64).ToArray<long>().ShouldBe([-2L, 0, 0, 0, 2]);
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void FloatToBool_IsNonZero_NaNIncluded(DType from)
    {
        Tensor.FromArray([-0.5, 0, 3, double.NaN]).To(from).To(DType.Bool).ToArray<bool>().ShouldBe([true, false, true, true]);
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void BoolToFloat_IsZeroOrOne(DType to)
    {
        var r = Bools(true, false).To(to);

        r.DType.ShouldBe(to);
        r.ToArray().ShouldBe([1.0, 0.0]);
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Int64ToFloat_KeepsTheValues(DType to)
    {
        var r = Longs(-3, 0, 1 << 20).To(to);

        r.DType.ShouldBe(to);
        r.ToArray().ShouldBe([-3.0, 0, 1 << 20]);
    }

    [Fact]
    public void Int64AndBool_ConvertToEachOther()
    {
        Longs(-2, 0, 5).To(DType.Bool).ToArray<bool>().ShouldBe([true, false, true]);
        Bools(true, false).To(DType.Int64).ToArray<long>().ShouldBe([1L, 0]);
    }

    [Fact]
    public void FloatToFloat_ConvertsBothWays()
    {
        Tensor.FromArray([0.1]).To(DType.Float32).ToArray<float>().ShouldBe([0.1f]);
        Tensor.FromArray(new[] { 0.1f }).To(DType.Float64).ToArray().ShouldBe([(double)0.1f]);
    }

    // ---- promotion ----

    [Fact]
    public void Promotion_MatchesTorchResultType_ForEveryReferenceCase_ExceptFloat32WithFloat64()
    {
        var cases = TorchReference.Cases("result_type");
        cases.Count.ShouldBeGreaterThanOrEqualTo(5);
        foreach (var c in cases)
        {
            var a = FromTorch(c.StringAttr("a"));
            var b = FromTorch(c.StringAttr("b"));
            var expected = FromTorch(c.Outputs[0].DType);
            if (a.IsFloatingPoint() && b.IsFloatingPoint() && a != b)
            {
                // Our deliberate exception: torch gives float64; we refuse the silent upcast.
                Should.Throw<ArgumentException>(() => DTypes.Promote(a, b, "Add")).Message
                    .ShouldBe($"Add: dtype mismatch, {a} vs {b}. Float32 and Float64 do not mix implicitly; convert one with .To(DType.{a}).");
                continue;
            }
            DTypes.Promote(a, b, "Add").ShouldBe(expected, c.Name);
            DTypes.Promote(b, a, "Add").ShouldBe(expected, c.Name);
            (Tensor.Ones([2], a) + Tensor.Ones([2], b)).DType.ShouldBe(expected, c.Name);
        }
    }

    [Fact]
    public void Float32PlusFloat64_ThrowsNamingTheOpAndBothDTypes()
    {
        var ex = Should.Throw<ArgumentException>(() => Tensor.Ones([2], DType.Float32) + Tensor.Ones([2]));

        ex.Message.ShouldStartWith("Add: dtype mismatch, Float32 vs Float64.", Case.Sensitive);
        ex.Message.ShouldContain(".To(DType.Float32)");
    }

    [Theory]
    [InlineData(DType.Float64, DType.Float64)]
    [InlineData(DType.Float32, DType.Float32)]
    [InlineData(DType.Int64, DType.Int64)]
    [InlineData(DType.Bool, DType.Int64)]
    public void Promotion_WithSameDTypeOrBoolWithInt64(DType a, DType expected)
    {
        DTypes.Promote(a, a, "Add").ShouldBe(a);
        DTypes.Promote(a, DType.Int64, "Add").ShouldBe(expected);
    }

    // ---- comparisons, Where, logic ----

    [Fact]
    public void Comparisons_ReturnBool_ForEveryDType()
    {
        (Longs(1, 2, 3) > 2).ToArray<bool>().ShouldBe([false, false, true]);
        (Longs(1, 2, 3) > 1.5).ToArray<bool>().ShouldBe([false, true, true]);
        (Tensor.FromArray(new[] { 1f, 2f }) <= 1).DType.ShouldBe(DType.Bool);
        Longs(1, 2).ElementwiseEquals(Longs(1, 3)).ToArray<bool>().ShouldBe([true, false]);
        Bools(true, false).ElementwiseNotEquals(Bools(true, true)).ToArray<bool>().ShouldBe([false, true]);
        (Tensor.FromArray([1.0, double.NaN]) >= Tensor.FromArray([1.0, 1.0])).ToArray<bool>().ShouldBe([true, false]);
    }

    [Fact]
    public void Where_WithABoolCondition_SelectsAndPromotesTheBranches()
    {
        var cond = Bools(true, false, true);

        var ints = Tensor.Where(cond, Longs(1, 2, 3), Longs(10, 20, 30));
        ints.DType.ShouldBe(DType.Int64);
        ints.ToArray<long>().ShouldBe([1L, 20, 3]);

        var mixed = Tensor.Where(cond, Longs(1, 2, 3), Tensor.FromArray([0.5, 0.5, 0.5]));
        mixed.DType.ShouldBe(DType.Float64);
        mixed.ToArray().ShouldBe([1.0, 0.5, 3.0]);

        Tensor.Where(cond, 1.0, 2.0).ToArray().ShouldBe([1.0, 2.0, 1.0]);
    }

    [Fact]
    public void Where_OnANonContiguousBoolCondition()
    {
        var cond = Tensor.FromArray(new[] { true, false, false, true }, 2, 2).T; // [[T, F], [F, T]] transposed: same
        cond.IsContiguous.ShouldBeFalse();
        var cond2 = Tensor.FromArray(new[] { true, true, false, false }, 2, 2).T; // [[T, F], [T, F]]

        Tensor.Where(cond2, 1.0, 0.0).ToArray().ShouldBe([1.0, 0.0, 1.0, 0.0]);
        Tensor.Where(cond, 1.0, 0.0).ToArray().ShouldBe([1.0, 0.0, 0.0, 1.0]);
    }

    [Fact]
    public void LogicalOperators_FollowTheirTruthTables()
    {
        var a = Bools(false, false, true, true);
        var b = Bools(false, true, false, true);

        (a & b).ToArray<bool>().ShouldBe([false, false, false, true]);
        (a | b).ToArray<bool>().ShouldBe([false, true, true, true]);
        (a ^ b).ToArray<bool>().ShouldBe([false, true, true, false]);
        (!a).ToArray<bool>().ShouldBe([true, true, false, false]);
        (a & b).DType.ShouldBe(DType.Bool);
    }

    [Fact]
    public void AnyAndAll_ReturnBoolScalars()
    {
        Bools(false, true).Any().ToArray<bool>().ShouldBe([true]);
        Bools(false, true).All().ToArray<bool>().ShouldBe([false]);
        Bools(true, true).All().ToArray<bool>().ShouldBe([true]);
        Bools(false, false).Any().ToArray<bool>().ShouldBe([false]);
        Bools().Any().ToArray<bool>().ShouldBe([false]); // as torch: any of nothing is false, all of nothing true
        Bools().All().ToArray<bool>().ShouldBe([true]);
        Bools(true).Any().DType.ShouldBe(DType.Bool);
        Bools(true).Any().Rank.ShouldBe(0);
    }

    [Fact]
    public void LogicalOperators_OnNonBool_ThrowNamingTheOp()
    {
        Should.Throw<ArgumentException>(() => Longs(1) & Bools(true)).Message.ShouldStartWith("LogicalAnd:", Case.Sensitive);
        Should.Throw<ArgumentException>(() => !Tensor.Ones([1])).Message.ShouldStartWith("LogicalNot:", Case.Sensitive);
    }

    // ---- Int64 arithmetic ----

    [Fact]
    public void Int64Arithmetic_StaysInt64()
    {
        var a = Longs(7, -3, 4);
        var b = Longs(2, 5, -4);

        (a + b).DType.ShouldBe(DType.Int64);
        (a + b).ToArray<long>().ShouldBe([9L, 2, 0]);
        (a - b).ToArray<long>().ShouldBe([5L, -8, 8]);
        (a * b).ToArray<long>().ShouldBe([14L, -15, -16]);
        (a * b).DType.ShouldBe(DType.Int64);
        (-a).ToArray<long>().ShouldBe([-7L, 3, -4]);
        a.Sum().DType.ShouldBe(DType.Int64);
        a.Sum().ToArray<long>().ShouldBe([8L]);
    }

    [Fact]
    public void Int64Arithmetic_IsExactBeyondDoublePrecision()
    {
        var big = Longs(9007199254740993); // 2^53 + 1: not a double

        (big + 1L).ToArray<long>().ShouldBe([9007199254740994L]);
        (big * 1L).ToArray<long>().ShouldBe([9007199254740993L]);
    }

    [Fact]
    public void Int64Division_IsTrueDivisionInFloat64()
    {
        var r = Longs(7, -3) / Longs(2, 2);

        r.DType.ShouldBe(DType.Float64);
        r.ToArray().ShouldBe([3.5, -1.5]);
        (Longs(1) / 2L).ToArray().ShouldBe([0.5]);
    }

    [Fact]
    public void Int64WithCSharpScalars_LongStaysInt64_DoubleGivesFloat64()
    {
        var a = Longs(1, 2);

        (a + 1L).DType.ShouldBe(DType.Int64);
        (a + 1L).ToArray<long>().ShouldBe([2L, 3]);
        (a + 1).DType.ShouldBe(DType.Int64); // an int literal binds to the long overload
        (a * 2.5).DType.ShouldBe(DType.Float64);
        (a * 2.5).ToArray().ShouldBe([2.5, 5.0]);
    }

    [Fact]
    public void Int64WithFloat32_GivesFloat32()
    {
        var r = Longs(1, 2) * Tensor.FromArray(new[] { 0.5f, 0.5f });

        r.DType.ShouldBe(DType.Float32);
        r.ToArray().ShouldBe([0.5, 1.0]);
    }

    [Fact]
    public void BoolWithInt64_GivesInt64()
    {
        var r = Bools(true, false) * Longs(3, 4);

        r.DType.ShouldBe(DType.Int64);
        r.ToArray<long>().ShouldBe([3L, 0]);
    }

    [Fact]
    public void SumOfBool_CountsTheTrueElementsAsInt64()
    {
        var s = Bools(true, false, true, true).Sum();

        s.DType.ShouldBe(DType.Int64);
        s.ToArray<long>().ShouldBe([3L]);
        Tensor.FromArray(new[] { true, false, true, true }, 2, 2).Sum(0).ToArray<long>().ShouldBe([2L, 1]);
    }

    [Fact]
    public void MeanOfInt64_IsFloat64()
    {
        var m = Longs(1, 2).Mean();

        m.DType.ShouldBe(DType.Float64);
        m.Item().ShouldBe(1.5);
        Tensor.FromArray(new long[] { 1, 2, 3, 5 }, 2, 2).Mean(1).ToArray().ShouldBe([1.5, 4.0]);
    }

    [Fact]
    public void MaxAndMinOfInt64_StayInt64()
    {
        Longs(3, -7, 5).Max().ToArray<long>().ShouldBe([5L]);
        Longs(3, -7, 5).Min().ToArray<long>().ShouldBe([-7L]);
        Longs(3, -7, 5).Max().DType.ShouldBe(DType.Int64);
    }

    [Fact]
    public void UnaryFloatFunctionsOfInt64_ComputeInFloat64()
    {
        var x = Longs(1, 4);

        x.Exp().DType.ShouldBe(DType.Float64);
        x.Exp().ToArray().ShouldBe([Math.Exp(1), Math.Exp(4)], tolerance: 1e-12); // SIMD exp: within an ulp or two
        x.Log().ToArray().ShouldBe([0.0, Math.Log(4)], tolerance: 1e-15);
        x.Sqrt().ToArray().ShouldBe([1.0, 2.0]);
        Bools(true).Exp().ToArray().ShouldBe([Math.E], tolerance: 1e-15);
    }

    [Fact]
    public void RequiresGradOnInt64OrBool_Throws()
    {
        Should.Throw<InvalidOperationException>(() => Longs(1).RequiresGrad = true).Message.ShouldStartWith("RequiresGrad:", Case.Sensitive);
        Should.Throw<InvalidOperationException>(() => Bools(true).RequireGrad()).Message.ShouldContain("Bool");
    }

    [Fact]
    public void NegationOfBool_ThrowsPointingToLogicalNot()
    {
        var ex = Should.Throw<ArgumentException>(() => -Bools(true));

        ex.Message.ShouldStartWith("Neg:", Case.Sensitive);
        ex.Message.ShouldContain("LogicalNot");
    }

    [Fact]
    public void ConvertingAGradTrackedFloatToInt64_GivesAConstant()
    {
        var x = Tensor.FromArray([1.5, -2.5]).RequireGrad();

        var i = x.To(DType.Int64);

        i.RequiresGrad.ShouldBeFalse();
        i.ToArray<long>().ShouldBe([1L, -2]);
    }

    [Fact]
    public void ZeroDimFloat64WithAFloat32Tensor_TakesFloat32_AsPyTorchsScalarRule()
    {
        var x = Tensor.FromArray(new[] { 1f, -2f, 3f });

        var sum = x + Tensor.Scalar(0.5);
        var clamped = x.Maximum(0.0); // the double converts to a 0-d Float64 tensor

        sum.DType.ShouldBe(DType.Float32);
        sum.ToArray().ShouldBe([1.5, -1.5, 3.5]);
        clamped.DType.ShouldBe(DType.Float32);
        clamped.ToArray().ShouldBe([1.0, 0, 3]);
    }

    [Fact]
    public void ZeroDimFloat64ParameterTimesFloat32Tensor_GetsItsGradientInFloat64()
    {
        var s = Tensor.Scalar(2.0).RequireGrad();
        var x = Tensor.FromArray(new[] { 1f, 2f, 4f });

        var y = s * x;
        y.Sum().Backward();

        y.DType.ShouldBe(DType.Float32);
        s.Grad!.DType.ShouldBe(DType.Float64);
        s.Grad.Item().ShouldBe(7.0); // d/ds Σ s·x = Σ x
    }

    [Fact]
    public void TwoZeroDimOrTwoDimensionedTensorsOfFloat32AndFloat64_StillThrow()
    {
        Should.Throw<ArgumentException>(() => Tensor.Scalar(1, DType.Float32) + Tensor.Scalar(1.0)).Message.ShouldStartWith("Add:", Case.Sensitive);
        Should.Throw<ArgumentException>(() => Tensor.Ones([1], DType.Float32) * Tensor.Ones([1])).Message.ShouldStartWith("Mul:", Case.Sensitive);
    }
}
