using AutoGradNet.Autograd;

namespace AutoGradNet.Tests;

/// <summary>
/// Every error case throws the documented exception type with a message that names the operation and the
/// offending shapes, dtypes or axis, so a user can find the bad call from the message alone.
/// </summary>
public class ErrorTests
{
    private static Tensor M23() => Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });

    // ---- elementwise binary ops ----

    public static TheoryData<string, Func<Tensor, Tensor, Tensor>> BinaryOps => new()
    {
        { "add", (a, b) => a + b },
        { "sub", (a, b) => a - b },
        { "mul", (a, b) => a * b },
        { "div", (a, b) => a / b },
    };

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void BinaryOp_ShapeMismatch_ThrowsArgumentExceptionNamingOpAndBothShapes(string op, Func<Tensor, Tensor, Tensor> f)
    {
        var ex = Should.Throw<ArgumentException>(() => f(Tensor.Ones([2, 3]), Tensor.Ones([4])));

        ex.Message.ShouldStartWith(op + ":");
        ex.Message.ShouldContain("[2, 3]");
        ex.Message.ShouldContain("[4]");
    }

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void BinaryOp_DTypeMismatch_ThrowsArgumentExceptionNamingOpAndBothDTypes(string op, Func<Tensor, Tensor, Tensor> f)
    {
        var ex = Should.Throw<ArgumentException>(() => f(Tensor.Ones([2]), Tensor.Ones([2], DType.Float32)));

        ex.Message.ShouldStartWith(op + ":");
        ex.Message.ShouldContain("Float64");
        ex.Message.ShouldContain("Float32");
    }

    [Fact]
    public void MethodFormsOfBinaryOps_ThrowTheSameErrors()
    {
        Should.Throw<ArgumentException>(() => Tensor.Ones([2]).Add(Tensor.Ones([3]))).Message.ShouldContain("add");
        Should.Throw<ArgumentException>(() => Tensor.Ones([2]).Sub(Tensor.Ones([3]))).Message.ShouldContain("sub");
        Should.Throw<ArgumentException>(() => Tensor.Ones([2]).Mul(Tensor.Ones([3]))).Message.ShouldContain("mul");
        Should.Throw<ArgumentException>(() => Tensor.Ones([2]).Div(Tensor.Ones([3]))).Message.ShouldContain("div");
    }

    // ---- axes ----

    public static TheoryData<string, Action> BadAxisCalls => new()
    {
        { "sum", () => M23().Sum(2) },
        { "sum", () => M23().Sum(-3, keepDim: true) },
        { "sum", () => M23().Sum([0, 5]) },
        { "max", () => M23().Max(2) },
        { "max", () => M23().Max(-3) },
        { "mean", () => M23().Mean(7) },
        { "transpose", () => M23().Transpose(0, 2) },
        { "transpose", () => M23().Transpose(-3, 0) },
        { "slice", () => M23().Slice(2, 0, 1) },
        { "squeeze", () => M23().Squeeze(2) },
        { "unsqueeze", () => M23().Unsqueeze(3) },
        { "unsqueeze", () => M23().Unsqueeze(-4) },
        { "concat", () => Tensor.Concat([M23(), M23()], axis: 2) },
        { "permute", () => M23().Permute(0, 2) },
    };

    [Theory]
    [MemberData(nameof(BadAxisCalls))]
    public void BadAxis_ThrowsArgumentOutOfRangeNamingOpAxisAndShape(string op, Action call)
    {
        var ex = Should.Throw<ArgumentOutOfRangeException>(call);

        ex.Message.ShouldStartWith(op + ":");
        ex.Message.ShouldContain("axis");
        ex.Message.ShouldContain("[2, 3]");
    }

    [Fact]
    public void BadAxis_MessageNamesTheAxisAsGiven()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => M23().Sum(-3)).Message.ShouldContain("axis -3");
        Should.Throw<ArgumentOutOfRangeException>(() => M23().Transpose(0, 5)).Message.ShouldContain("axis 5");
    }

    [Fact]
    public void Axis_OnZeroDimensionalTensor_IsOutOfRange()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Tensor.Scalar(1).Sum(0)).Message.ShouldContain("[]");
        Should.Throw<ArgumentOutOfRangeException>(() => Tensor.Scalar(1).Squeeze(0));
        Should.Throw<ArgumentOutOfRangeException>(() => Tensor.Scalar(1).Slice(0, 0, 1));
    }

    [Theory]
    [InlineData("sum")]
    [InlineData("max")]
    public void Reduction_RepeatedAxis_ThrowsArgumentExceptionNamingOpAxisAndShape(string op)
    {
        Action call = op == "sum" ? () => M23().Sum([1, -1]) : () => M23().Max([0, 0]);

        var ex = Should.Throw<ArgumentException>(call);

        ex.ShouldNotBeOfType<ArgumentOutOfRangeException>();
        ex.Message.ShouldStartWith(op + ":");
        ex.Message.ShouldContain("more than once");
        ex.Message.ShouldContain("[2, 3]");
    }

    [Fact]
    public void Permute_RepeatedAxis_ThrowsArgumentException()
    {
        var ex = Should.Throw<ArgumentException>(() => Tensor.Zeros([2, 3, 4]).Permute(0, 2, 0));

        ex.Message.ShouldContain("permute");
        ex.Message.ShouldContain("axis 0");
        ex.Message.ShouldContain("more than once");
        ex.Message.ShouldContain("[2, 3, 4]");
    }

    [Fact]
    public void Permute_WrongNumberOfAxes_ThrowsArgumentExceptionNamingShape()
    {
        var ex = Should.Throw<ArgumentException>(() => M23().Permute(1, 0, 2));

        ex.Message.ShouldContain("permute");
        ex.Message.ShouldContain("3 axes");
        ex.Message.ShouldContain("[2, 3]");
    }

    [Fact]
    public void Squeeze_AxisNotOfLengthOne_ThrowsArgumentExceptionNamingAxisAndShape()
    {
        var ex = Should.Throw<ArgumentException>(() => M23().Squeeze(1));

        ex.Message.ShouldContain("squeeze");
        ex.Message.ShouldContain("axis 1");
        ex.Message.ShouldContain("[2, 3]");
    }

    [Fact]
    public void Max_OverAnEmptyAxis_ThrowsArgumentExceptionNamingAxisAndShape()
    {
        var ex = Should.Throw<ArgumentException>(() => Tensor.Zeros([2, 0]).Max(1));

        ex.Message.ShouldContain("max");
        ex.Message.ShouldContain("axis 1");
        ex.Message.ShouldContain("[2, 0]");
        Should.Throw<ArgumentException>(() => Tensor.Zeros([0]).Max()).Message.ShouldContain("[0]");
        Should.Throw<ArgumentException>(() => Tensor.Zeros([0, 3]).Min(0)).Message.ShouldContain("[0, 3]");
    }

    // ---- matmul ----

    [Theory]
    [InlineData(new[] { 2, 3 }, new[] { 2, 3 }, "3 vs 2")]
    [InlineData(new[] { 4, 2, 3 }, new[] { 4, 2, 3 }, "3 vs 2")]
    [InlineData(new[] { 3 }, new[] { 4 }, "3 vs 4")]
    [InlineData(new[] { 2, 3 }, new[] { 2 }, "3 vs 2")]
    [InlineData(new[] { 2 }, new[] { 3, 2 }, "2 vs 3")]
    public void MatMul_InnerDimensionMismatch_ThrowsArgumentExceptionNamingBothShapes(int[] a, int[] b, string dims)
    {
        var ex = Should.Throw<ArgumentException>(() => Tensor.Zeros(a).MatMul(Tensor.Zeros(b)));

        ex.Message.ShouldStartWith("matmul:");
        ex.Message.ShouldContain(new Shape(a).ToString());
        ex.Message.ShouldContain(new Shape(b).ToString());
        ex.Message.ShouldContain(dims);
    }

    [Fact]
    public void MatMul_ZeroDimensionalOperand_ThrowsArgumentExceptionNamingBothShapes()
    {
        var left = Should.Throw<ArgumentException>(() => Tensor.Scalar(2).MatMul(Tensor.Ones([2])));
        var right = Should.Throw<ArgumentException>(() => Tensor.Ones([2, 2]).MatMul(Tensor.Scalar(2)));

        left.Message.ShouldStartWith("matmul:");
        left.Message.ShouldContain("[]");
        left.Message.ShouldContain("[2]");
        right.Message.ShouldContain("[2, 2]");
        right.Message.ShouldContain("[]");
    }

    [Fact]
    public void MatMul_BatchDimensionsNotBroadcastable_ThrowsArgumentExceptionNamingBothShapes()
    {
        var ex = Should.Throw<ArgumentException>(() => Tensor.Zeros([2, 3, 4]).MatMul(Tensor.Zeros([5, 4, 6])));

        ex.Message.ShouldStartWith("matmul");
        ex.Message.ShouldContain("[2, 3, 4]");
        ex.Message.ShouldContain("[5, 4, 6]");
    }

    [Fact]
    public void MatMul_DTypeMismatch_ThrowsArgumentExceptionNamingBothDTypes()
    {
        var ex = Should.Throw<ArgumentException>(() => Tensor.Zeros([2, 2]).MatMul(Tensor.Zeros([2, 2], DType.Float32)));

        ex.Message.ShouldContain("matmul");
        ex.Message.ShouldContain("Float64");
        ex.Message.ShouldContain("Float32");
    }

    // ---- backward and gradients ----

    [Fact]
    public void Backward_OnNonScalarWithoutGradient_ThrowsInvalidOperationNamingTheShape()
    {
        var y = Tensor.Ones([2, 2]).RequireGrad() * 2;

        var ex = Should.Throw<InvalidOperationException>(() => y.Backward());

        ex.Message.ShouldContain("Backward");
        ex.Message.ShouldContain("[2, 2]");
    }

    [Fact]
    public void Backward_WithGradientOfWrongShape_ThrowsArgumentExceptionNamingBothShapes()
    {
        var y = Tensor.Ones([2]).RequireGrad() * 2;

        var ex = Should.Throw<ArgumentException>(() => y.Backward(Tensor.Ones([3])));

        ex.Message.ShouldContain("Backward");
        ex.Message.ShouldContain("[3]");
        ex.Message.ShouldContain("[2]");
    }

    [Fact]
    public void Backward_WithGradientOfWrongDType_ThrowsArgumentExceptionNamingBothDTypes()
    {
        var y = Tensor.Ones([2]).RequireGrad() * 2;

        var ex = Should.Throw<ArgumentException>(() => y.Backward(Tensor.Ones([2], DType.Float32)));

        ex.Message.ShouldContain("Float32");
        ex.Message.ShouldContain("Float64");
    }

    [Fact]
    public void Backward_OnTensorThatDoesNotRequireGrad_ThrowsInvalidOperation()
    {
        var y = Tensor.Ones([2]).Sum();

        var ex = Should.Throw<InvalidOperationException>(() => y.Backward());

        ex.Message.ShouldContain("Backward");
        ex.Message.ShouldContain("does not require grad");
    }

    [Fact]
    public void RequiresGrad_SetOnNonLeaf_ThrowsInvalidOperationNamingTheOp()
    {
        var y = Tensor.Ones([2]).RequireGrad() * 2;

        var ex = Should.Throw<InvalidOperationException>(() => y.RequiresGrad = false);

        ex.Message.ShouldContain("leaf");
        ex.Message.ShouldContain("MulBackward");
        ex.Message.ShouldContain("[2]");
        Should.Throw<InvalidOperationException>(() => y.RequireGrad());
    }

    [Fact]
    public void Grad_AssignedWithWrongShapeOrDType_ThrowsArgumentExceptionNamingBoth()
    {
        var x = Tensor.Ones([2, 2]).RequireGrad();

        var shape = Should.Throw<ArgumentException>(() => x.Grad = Tensor.Ones([4]));
        var dtype = Should.Throw<ArgumentException>(() => x.Grad = Tensor.Ones([2, 2], DType.Float32));

        shape.Message.ShouldContain("[4]");
        shape.Message.ShouldContain("[2, 2]");
        dtype.Message.ShouldContain("Float32");
        dtype.Message.ShouldContain("Float64");
        x.Grad.ShouldBeNull();
    }

    // ---- in-place updates ----

    [Fact]
    public void InPlaceSubtract_OnRequiresGradLeafWithGradModeOn_ThrowsInvalidOperation()
    {
        var w = Tensor.FromArray([1.0, 2]).RequireGrad();

        var ex = Should.Throw<InvalidOperationException>(() => w -= Tensor.FromArray([0.5, 0.5]));

        ex.Message.ShouldContain("SubInPlace");
        ex.Message.ShouldContain("[2]");
        ex.Message.ShouldContain("NoGrad");
        w.ToArray().ShouldBe([1.0, 2]);
    }

    [Fact]
    public void InPlaceOps_WithScalarOrOperandThatRequiresGrad_AlsoThrowWhileRecording()
    {
        var w = Tensor.FromArray([1.0, 2]).RequireGrad();
        var plain = Tensor.FromArray([1.0, 2]);

        Should.Throw<InvalidOperationException>(() => w *= 2.0).Message.ShouldContain("MulInPlace");
        Should.Throw<InvalidOperationException>(() => plain += w).Message.ShouldContain("AddInPlace");
        Should.Throw<InvalidOperationException>(() => w.CopyFrom(plain)).Message.ShouldContain("CopyFrom");
    }

    [Fact]
    public void InPlaceSubtract_OnRequiresGradLeafInsideNoGrad_UpdatesTheValuesAndKeepsItALeaf()
    {
        var w = Tensor.FromArray([1.0, 2]).RequireGrad();
        var step = Tensor.FromArray([0.5, -1]);

        using (Tensor.NoGrad())
        {
            w -= step;
            w /= 2.0;
        }

        w.ToArray().ShouldBe([0.25, 1.5]);
        w.IsLeaf.ShouldBeTrue();
        w.RequiresGrad.ShouldBeTrue();
        GradMode.IsEnabled.ShouldBeTrue();
    }

    [Fact]
    public void InPlace_WithNonBroadcastableOperand_ThrowsArgumentExceptionNamingBothShapes()
    {
        var x = Tensor.Ones([2, 2]);

        var ex = Should.Throw<ArgumentException>(() => x += Tensor.Ones([3]));
        var bigger = Should.Throw<ArgumentException>(() => Tensor.Ones([2]).CopyFrom(Tensor.Ones([2, 2])));

        ex.Message.ShouldContain("AddInPlace");
        ex.Message.ShouldContain("[3]");
        ex.Message.ShouldContain("[2, 2]");
        bigger.Message.ShouldContain("CopyFrom");
        bigger.Message.ShouldContain("[2, 2]");
        x.ToArray().ShouldBe([1.0, 1, 1, 1]);
    }

    [Fact]
    public void InPlace_WithOtherDType_ThrowsArgumentExceptionNamingBothDTypes()
    {
        var x = Tensor.Ones([2]);

        var ex = Should.Throw<ArgumentException>(() => x *= Tensor.Ones([2], DType.Float32));

        ex.Message.ShouldContain("MulInPlace");
        ex.Message.ShouldContain("Float32");
    }

    // ---- reshape ----

    [Fact]
    public void Reshape_ToIncompatibleSize_ThrowsArgumentExceptionNamingBothShapes()
    {
        var ex = Should.Throw<ArgumentException>(() => M23().Reshape(4));

        ex.Message.ShouldStartWith("reshape:");
        ex.Message.ShouldContain("[2, 3]");
        ex.Message.ShouldContain("[4]");
    }

    [Fact]
    public void Reshape_WithTwoMinusOnes_ThrowsArgumentException()
    {
        var ex = Should.Throw<ArgumentException>(() => M23().Reshape(-1, -1));

        ex.Message.ShouldContain("reshape");
        ex.Message.ShouldContain("-1");
    }

    [Fact]
    public void Reshape_MinusOneThatCannotDivide_OrOtherNegative_ThrowsArgumentException()
    {
        var indivisible = Should.Throw<ArgumentException>(() => M23().Reshape(-1, 4));
        var negative = Should.Throw<ArgumentException>(() => M23().Reshape(-2, -3));

        indivisible.Message.ShouldContain("[2, 3]");
        indivisible.Message.ShouldContain("[-1, 4]");
        negative.Message.ShouldContain("reshape");
    }

    [Fact]
    public void BroadcastTo_IncompatibleShape_ThrowsArgumentExceptionNamingBothShapes()
    {
        var ex = Should.Throw<ArgumentException>(() => Tensor.Ones([3]).BroadcastTo([2, 2]));

        ex.Message.ShouldContain("BroadcastTo");
        ex.Message.ShouldContain("[3]");
        ex.Message.ShouldContain("[2, 2]");
    }

    // ---- factories ----

    [Fact]
    public void FromArray_WithWrongLength_ThrowsArgumentExceptionNamingCountAndShape()
    {
        var ex = Should.Throw<ArgumentException>(() => Tensor.FromArray(new double[5], 2, 3));
        var f = Should.Throw<ArgumentException>(() => Tensor.FromArray(new float[7], 2, 3));

        ex.Message.ShouldContain("FromArray");
        ex.Message.ShouldContain("5 values");
        ex.Message.ShouldContain("[2, 3]");
        f.Message.ShouldContain("7 values");
    }

    [Fact]
    public void FromArray_WithNegativeDimension_ThrowsArgumentException()
    {
        Should.Throw<ArgumentException>(() => Tensor.FromArray(new double[2], -1, -2));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Arange_WithZeroOrNonFiniteStep_ThrowsArgumentException(double step)
    {
        Should.Throw<ArgumentException>(() => Tensor.Arange(0, 5, step)).Message.ShouldContain("arange");
    }

    [Fact]
    public void Arange_WithNonFiniteBounds_ThrowsArgumentException()
    {
        Should.Throw<ArgumentException>(() => Tensor.Arange(0, double.PositiveInfinity));
        Should.Throw<ArgumentException>(() => Tensor.Arange(double.NaN, 1));
    }

    [Fact]
    public void Arange_WithMoreElementsThanAnArrayCanHold_ThrowsArgumentException()
    {
        Should.Throw<ArgumentException>(() => Tensor.Arange(0, 1e12)).Message.ShouldContain("arange");
    }

    // ---- concat / stack ----

    [Fact]
    public void Concat_MismatchedShapes_ThrowsArgumentExceptionNamingBothShapes()
    {
        var ex = Should.Throw<ArgumentException>(() => Tensor.Concat([Tensor.Zeros([2, 2]), Tensor.Zeros([3, 3])]));

        ex.Message.ShouldStartWith("concat:");
        ex.Message.ShouldContain("[2, 2]");
        ex.Message.ShouldContain("[3, 3]");
    }

    [Fact]
    public void Concat_MismatchedRanks_ThrowsArgumentExceptionNamingBothShapes()
    {
        var ex = Should.Throw<ArgumentException>(() => Tensor.Concat([Tensor.Zeros([2, 2]), Tensor.Zeros([2])]));

        ex.Message.ShouldContain("[2, 2]");
        ex.Message.ShouldContain("[2]");
    }

    [Fact]
    public void Concat_MismatchedDTypes_ThrowsArgumentExceptionNamingBothDTypes()
    {
        var ex = Should.Throw<ArgumentException>(() => Tensor.Concat([Tensor.Zeros([2]), Tensor.Zeros([2], DType.Float32)]));

        ex.Message.ShouldContain("concat");
        ex.Message.ShouldContain("Float32");
    }

    [Fact]
    public void Concat_EmptyList_ThrowsArgumentException()
    {
        Should.Throw<ArgumentException>(() => Tensor.Concat([])).Message.ShouldContain("concat");
    }

    [Fact]
    public void Concat_ZeroDimensionalTensors_ThrowsArgumentException()
    {
        Should.Throw<ArgumentException>(() => Tensor.Concat([Tensor.Scalar(1), Tensor.Scalar(2)])).Message.ShouldContain("Stack");
    }

    [Fact]
    public void Stack_DifferentShapes_ThrowsArgumentExceptionNamingBothShapes()
    {
        var ex = Should.Throw<ArgumentException>(() => Tensor.Stack([Tensor.Zeros([2]), Tensor.Zeros([3])]));

        ex.Message.ShouldStartWith("stack:");
        ex.Message.ShouldContain("[2]");
        ex.Message.ShouldContain("[3]");
    }

    [Fact]
    public void Stack_EmptyList_ThrowsArgumentException()
    {
        Should.Throw<ArgumentException>(() => Tensor.Stack([])).Message.ShouldContain("stack");
    }

    [Fact]
    public void Stack_AxisOutOfRange_ThrowsArgumentOutOfRangeNamingStackAndShape()
    {
        var ex = Should.Throw<ArgumentOutOfRangeException>(() => Tensor.Stack([Tensor.Zeros([2]), Tensor.Zeros([2])], axis: 2));

        ex.Message.ShouldContain("stack");
        ex.Message.ShouldContain("axis 2");
        ex.Message.ShouldContain("[2]");
    }

    // ---- values ----

    [Fact]
    public void Item_OnMultiElementTensor_ThrowsInvalidOperationNamingTheShape()
    {
        var ex = Should.Throw<InvalidOperationException>(() => Tensor.Ones([2, 2]).Item());

        ex.Message.ShouldContain("Item");
        ex.Message.ShouldContain("[2, 2]");
        Should.Throw<InvalidOperationException>(() => Tensor.Zeros([0]).Item()).Message.ShouldContain("[0]");
    }

    [Fact]
    public void Indexer_WrongIndexCount_ThrowsArgumentExceptionNamingShape()
    {
        var t = M23();

        var get = Should.Throw<ArgumentException>(() => t.ItemAt(1));
        var set = Should.Throw<ArgumentException>(() => t.SetItemAt(1, 0, 0, 0));

        get.GetType().ShouldBe(typeof(ArgumentException));
        get.Message.ShouldContain("1 indices");
        get.Message.ShouldContain("[2, 3]");
        set.Message.ShouldContain("3 indices");
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(0, 3)]
    [InlineData(-3, 0)]
    [InlineData(0, -4)]
    [InlineData(int.MaxValue, 0)]
    [InlineData(0, int.MinValue)]
    public void Indexer_OutOfRangeIndex_ThrowsArgumentOutOfRangeNotIndexOutOfRange(int i, int j)
    {
        var t = M23();

        var get = Should.Throw<ArgumentOutOfRangeException>(() => t.ItemAt(i, j));
        var set = Should.Throw<ArgumentOutOfRangeException>(() => t.SetItemAt(0, i, j));

        get.Message.ShouldContain("[2, 3]");
        set.Message.ShouldContain("out of range");
        t.ToArray().ShouldBe([1.0, 2, 3, 4, 5, 6]);
    }

    [Fact]
    public void Indexer_OnEmptyAxis_ThrowsArgumentOutOfRange()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Tensor.Zeros([0]).ItemAt(0));
    }

    // ---- functional ----

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void CrossEntropy_ClassOutOfRange_ThrowsArgumentExceptionNamingClassAndShape(int badClass)
    {
        var logits = Tensor.Zeros([2, 3]);

        var ex = Should.Throw<ArgumentException>(() => Functional.CrossEntropy(logits, [0, badClass]));

        ex.Message.ShouldContain("CrossEntropy");
        ex.Message.ShouldContain($"class {badClass}");
        ex.Message.ShouldContain("[2, 3]");
    }

    [Fact]
    public void CrossEntropy_WrongTargetCountOrLogitsRank_ThrowsArgumentException()
    {
        Should.Throw<ArgumentException>(() => Functional.CrossEntropy(Tensor.Zeros([2, 3]), [0])).Message.ShouldContain("[2, 3]");
        Should.Throw<ArgumentException>(() => Functional.CrossEntropy(Tensor.Zeros([3]), [0])).Message.ShouldContain("[3]");
    }

    public static TheoryData<string, Func<Tensor, Tensor, Tensor>> Losses => new()
    {
        { "SumSquaredError", Functional.SumSquaredError },
        { "MseLoss", Functional.MseLoss },
        { "BinaryCrossEntropy", Functional.BinaryCrossEntropy },
        { "BinaryCrossEntropyWithLogits", Functional.BinaryCrossEntropyWithLogits },
    };

    [Theory]
    [MemberData(nameof(Losses))]
    public void Loss_WithMismatchedShapes_ThrowsArgumentExceptionNamingLossAndBothShapes(string op, Func<Tensor, Tensor, Tensor> loss)
    {
        // [3] and [3, 1] would broadcast silently to [3, 3]; the losses refuse instead.
        var ex = Should.Throw<ArgumentException>(() => loss(Tensor.Full([3], 0.5), Tensor.Full([3, 1], 0.5)));

        ex.Message.ShouldStartWith(op + ":");
        ex.Message.ShouldContain("[3]");
        ex.Message.ShouldContain("[3, 1]");
    }

    [Fact]
    public void Clamp_WithMinGreaterThanMax_ThrowsArgumentExceptionNamingBoth()
    {
        var ex = Should.Throw<ArgumentException>(() => Tensor.Ones([2]).Clamp(2, 1));

        ex.Message.ShouldContain("clamp");
        ex.Message.ShouldContain("2");
        ex.Message.ShouldContain("1");
    }

    // ---- the sweep ----

    /// <summary>Calls with bad arguments: nulls, out-of-range axes and indices, mismatched shapes, empty tensors.</summary>
    public static IEnumerable<(string Name, Action Call)> BadCalls()
    {
        var m = M23();
        var v = Tensor.FromArray([1.0, 2, 3]);
        var empty = Tensor.Zeros([0]);
        var empty2 = Tensor.Zeros([0, 3]);
        var s = Tensor.Scalar(1);
        Tensor nul = null!;

        // factories
        yield return ("FromArray(null double[])", () => Tensor.FromArray((double[])null!));
        yield return ("FromArray(null float[])", () => Tensor.FromArray((float[])null!));
        yield return ("FromArray(null double[], shape)", () => Tensor.FromArray((double[])null!, 2));
        yield return ("FromArray(null double[,])", () => Tensor.FromArray((double[,])null!));
        yield return ("FromArray(null float[,])", () => Tensor.FromArray((float[,])null!));
        yield return ("implicit null double[]", () => { Tensor t = (double[])null!; _ = t; });
        yield return ("FromArray(wrong length)", () => Tensor.FromArray(new double[3], 2, 2));
        yield return ("Zeros(null)", () => Tensor.Zeros(null!));
        yield return ("Ones(null)", () => Tensor.Ones(null!));
        yield return ("Full(null)", () => Tensor.Full(null!, 1));
        yield return ("ZerosLike(null)", () => Tensor.ZerosLike(null!));
        yield return ("OnesLike(null)", () => Tensor.OnesLike(null!));
        yield return ("Uniform(null shape)", () => Tensor.Uniform(null!, 1));
        yield return ("Uniform(null random)", () => Tensor.Uniform([2], (Random)null!));
        yield return ("Normal(null shape)", () => Tensor.Normal(null!, 1));
        yield return ("Normal(null random)", () => Tensor.Normal([2], (Random)null!));
        yield return ("Arange(huge)", () => Tensor.Arange(0, 1e12));
        yield return ("Arange(step 0)", () => Tensor.Arange(0, 1, 0));
        yield return ("Zeros(bad dtype)", () => Tensor.Zeros([2], (DType)7));
        yield return ("To(bad dtype)", () => v.To((DType)7));
        yield return ("new Shape(negative)", () => _ = new Shape(-1));

        // shape helpers
        yield return ("Shape.Broadcast(null, b)", () => Shape.Broadcast(null!, new Shape(2), "op"));
        yield return ("Shape.Broadcast(a, null)", () => Shape.Broadcast(new Shape(2), null!, "op"));
        yield return ("Shape.CanBroadcastTo(null)", () => new Shape(2).CanBroadcastTo(null!));
        yield return ("Shape[out of range]", () => _ = new Shape(2)[3]);
        yield return ("Shape.NormalizeAxis(out of range)", () => new Shape(2).NormalizeAxis(5, "op"));

        // values
        yield return ("Item(empty)", () => empty.Item());
        yield return ("Item(multi)", () => m.Item());
        yield return ("indexer(null)", () => _ = m.ItemAt(null!));
        yield return ("indexer set(null)", () => m.SetItemAt(1, null!));
        yield return ("indexer(too many)", () => _ = v.ItemAt(0, 0));
        yield return ("indexer(too few)", () => _ = m.ItemAt(0));
        yield return ("indexer(out of range)", () => _ = v.ItemAt(3));
        yield return ("indexer(negative out of range)", () => _ = v.ItemAt(-4));
        yield return ("indexer set(out of range)", () => v.SetItemAt(1, int.MaxValue));
        yield return ("indexer(empty)", () => _ = empty.ItemAt(0));
        yield return ("indexer(scalar with index)", () => _ = s.ItemAt(0));
        yield return ("Grad = wrong shape", () => v.Grad = m);

        // arithmetic
        yield return ("add(shape)", () => _ = m + v.Reshape(3, 1));
        yield return ("add(dtype)", () => _ = m + m.To(DType.Float32));
        yield return ("add(empty, [2,3])", () => _ = empty + m);
        yield return ("mul(empty2, v)", () => _ = empty2 * v);
        yield return ("compare(shape)", () => _ = m > v.Reshape(3, 1));
        yield return ("ElementwiseEquals(shape)", () => m.ElementwiseEquals(Tensor.Ones([4])));
        yield return ("Where(null condition)", () => Tensor.Where(null!, m, m));
        yield return ("Where(shape)", () => Tensor.Where(m, m, Tensor.Ones([4])));
        yield return ("Maximum(shape)", () => m.Maximum(Tensor.Ones([4])));
        yield return ("Clamp(min > max)", () => m.Clamp(1, 0));

        // in-place
        yield return ("+=(null)", () => { var t = Tensor.Ones([2]); t += nul; });
        yield return ("+=(shape)", () => { var t = Tensor.Ones([2]); t += m; });
        yield return ("CopyFrom(null)", () => Tensor.Ones([2]).CopyFrom(null!));
        yield return ("CopyFrom(shape)", () => Tensor.Ones([2]).CopyFrom(m));

        // reductions
        yield return ("Sum(axis)", () => m.Sum(2));
        yield return ("Sum(repeated)", () => m.Sum([0, 0]));
        yield return ("Sum(int.MinValue)", () => m.Sum(int.MinValue));
        yield return ("Mean(axis)", () => m.Mean(int.MaxValue));
        yield return ("Max(axis)", () => m.Max(-3));
        yield return ("Max(empty)", () => empty.Max());
        yield return ("Max(empty axis)", () => empty2.Max(0));
        yield return ("Min(empty)", () => empty.Min());
        yield return ("Max(scalar axis)", () => s.Max(0));
        yield return ("Sum(scalar axis)", () => s.Sum(0));

        // shape ops
        yield return ("Reshape(null int[])", () => m.Reshape((int[])null!));
        yield return ("Reshape(null Shape)", () => m.Reshape((Shape)null!));
        yield return ("Reshape(size)", () => m.Reshape(5));
        yield return ("Reshape(two -1)", () => m.Reshape(-1, -1));
        yield return ("Reshape(-1 with zero)", () => m.Reshape(-1, 0));
        yield return ("Reshape(-1 of empty)", () => empty2.Reshape(0, -1));
        yield return ("Permute(null)", () => m.Permute(null!));
        yield return ("Permute(count)", () => m.Permute(0));
        yield return ("Permute(repeat)", () => m.Permute(1, 1));
        yield return ("Permute(range)", () => m.Permute(0, 9));
        yield return ("Transpose(range)", () => m.Transpose(0, int.MinValue));
        yield return ("Transpose(scalar)", () => s.Transpose(0, 0));
        yield return ("Squeeze(range)", () => m.Squeeze(9));
        yield return ("Squeeze(not 1)", () => m.Squeeze(0));
        yield return ("Unsqueeze(range)", () => m.Unsqueeze(int.MaxValue));
        yield return ("Unsqueeze(min)", () => m.Unsqueeze(int.MinValue));
        yield return ("BroadcastTo(null)", () => m.BroadcastTo(null!));
        yield return ("BroadcastTo(bad)", () => m.BroadcastTo([3, 2]));
        yield return ("Slice(axis)", () => m.Slice(5, 0, 1));
        yield return ("Slice(extreme bounds)", () => m.Slice(1, int.MinValue, int.MaxValue));
        yield return ("Slice(empty)", () => empty.Slice(0, 1, 2));
        yield return ("Concat(null)", () => Tensor.Concat(null!));
        yield return ("Concat(null element)", () => Tensor.Concat([m, nul]));
        yield return ("Concat(first null)", () => Tensor.Concat([nul, m]));
        yield return ("Concat(empty)", () => Tensor.Concat([]));
        yield return ("Concat(shapes)", () => Tensor.Concat([m, v]));
        yield return ("Concat(axis)", () => Tensor.Concat([m, m], -3));
        yield return ("Concat(scalars)", () => Tensor.Concat([s, s]));
        yield return ("Stack(null)", () => Tensor.Stack(null!));
        yield return ("Stack(null element)", () => Tensor.Stack([v, nul]));
        yield return ("Stack(first null)", () => Tensor.Stack([nul, v]));
        yield return ("Stack(empty)", () => Tensor.Stack([]));
        yield return ("Stack(shapes)", () => Tensor.Stack([v, m]));
        yield return ("Stack(axis)", () => Tensor.Stack([v, v], 5));
        yield return ("Stack(negative axis)", () => Tensor.Stack([v, v], -5));

        // matmul
        yield return ("MatMul(null)", () => m.MatMul(null!));
        yield return ("MatMul(scalar)", () => s.MatMul(v));
        yield return ("MatMul(inner)", () => m.MatMul(m));
        yield return ("MatMul(vector inner)", () => v.MatMul(Tensor.Ones([4])));
        yield return ("MatMul(batch)", () => Tensor.Ones([2, 2, 2]).MatMul(Tensor.Ones([3, 2, 2])));
        yield return ("MatMul(empty vector)", () => empty.MatMul(v));
        yield return ("MatMul(dtype)", () => m.MatMul(m.T.To(DType.Float32)));

        // autograd
        yield return ("Backward(no grad)", () => v.Sum().Backward());
        yield return ("Backward(non-scalar)", () => (v.RequireGrad(false).Clone() * Tensor.Ones([3]).RequireGrad()).Backward());
        yield return ("Backward(wrong gradient)", () => (Tensor.Ones([3]).RequireGrad() * 2).Backward(Tensor.Ones([2])));
        yield return ("RequiresGrad on non-leaf", () => (Tensor.Ones([3]).RequireGrad() * 2).RequiresGrad = false);

        // functional
        yield return ("Sigmoid(null)", () => Functional.Sigmoid(null!));
        yield return ("Relu(null)", () => Functional.Relu(null!));
        yield return ("Softplus(null)", () => Functional.Softplus(null!));
        yield return ("Softmax(null)", () => Functional.Softmax(null!));
        yield return ("LogSumExp(null)", () => Functional.LogSumExp(null!));
        yield return ("LogSoftmax(null)", () => Functional.LogSoftmax(null!));
        yield return ("Softmax(axis)", () => Functional.Softmax(m, 5));
        yield return ("LogSoftmax(axis)", () => Functional.LogSoftmax(m, -3));
        yield return ("LogSumExp(axis)", () => Functional.LogSumExp(m, 2));
        yield return ("Softmax(empty axis)", () => Functional.Softmax(empty2, 0));
        yield return ("CrossEntropy(null logits)", () => Functional.CrossEntropy(null!, [0]));
        yield return ("CrossEntropy(null targets)", () => Functional.CrossEntropy(m, (int[])null!));
        yield return ("CrossEntropy(class)", () => Functional.CrossEntropy(m, [0, 3]));
        yield return ("CrossEntropy(negative class)", () => Functional.CrossEntropy(m, [-1, 0]));
        yield return ("CrossEntropy(count)", () => Functional.CrossEntropy(m, [0]));
        yield return ("CrossEntropy(1-D)", () => Functional.CrossEntropy(v, [0]));
        yield return ("MseLoss(null)", () => Functional.MseLoss(null!, v));
        yield return ("MseLoss(shape)", () => Functional.MseLoss(m, v));
        yield return ("SumSquaredError(null)", () => Functional.SumSquaredError(v, null!));
        yield return ("BinaryCrossEntropy(shape)", () => Functional.BinaryCrossEntropy(v, m));
        yield return ("BinaryCrossEntropyWithLogits(null)", () => Functional.BinaryCrossEntropyWithLogits(null!, null!));
        yield return ("AutoGrad.Grad(null output)", () => AutoGrad.Grad(null!, [v]));
        yield return ("AutoGrad.Grad(null inputs)", () => AutoGrad.Grad(v, null!));
    }

    /// <summary>Null tensor operands to operators, comparisons, Maximum, Where's branches, composites and AutoGrad.Grad.</summary>
    public static IEnumerable<(string Name, Action Call)> NullOperandCalls()
    {
        var m = M23();
        Tensor nul = null!;
        yield return ("m + null", () => _ = m + nul);
        yield return ("null + m", () => _ = nul + m);
        yield return ("m - null", () => _ = m - nul);
        yield return ("m * null", () => _ = m * nul);
        yield return ("m / null", () => _ = m / nul);
        yield return ("-null", () => _ = -nul);
        yield return ("null + 1.0", () => _ = nul + 1.0);
        yield return ("1.0 * null", () => _ = 1.0 * nul);
        yield return ("m > null", () => _ = m > nul);
        yield return ("null < 1.0", () => _ = nul < 1.0);
        yield return ("m.Add(null)", () => m.Add(null!));
        yield return ("m.ElementwiseEquals(null)", () => m.ElementwiseEquals(null!));
        yield return ("m.Maximum(null)", () => m.Maximum(null!));
        yield return ("Where(c, null, b)", () => Tensor.Where(m, nul, m));
        yield return ("Where(c, a, null)", () => Tensor.Where(m, m, nul));
        yield return ("Where(c, null, 0.0)", () => Tensor.Where(m, nul, 0.0));
        yield return ("Functional.Tanh(null)", () => Functional.Tanh(null!));
        yield return ("AutoGrad.Grad(null input)", () => AutoGrad.Grad(Tensor.Ones([1]).RequireGrad() * 2, [nul]));
    }

    private static List<string> Escapes(IEnumerable<(string Name, Action Call)> calls)
    {
        var escaped = new List<string>();
        foreach (var (name, call) in calls)
        {
            try
            {
                call();
            }
            catch (Exception e) when (e is IndexOutOfRangeException or NullReferenceException or InvalidCastException
                                          or OverflowException or OutOfMemoryException or ArrayTypeMismatchException)
            {
                escaped.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
            catch (Exception)
            {
                // ArgumentException, ArgumentNullException, InvalidOperationException ... are the intended outcomes.
            }
        }
        return escaped;
    }

    [Fact]
    public void BadArguments_AcrossThePublicApi_NeverLeakIndexOutOfRangeOrNullReference()
    {
        Escapes(BadCalls()).ShouldBeEmpty();
    }

    [Fact]
    public void BadArguments_MostCallsActuallyThrow()
    {
        // Guards the sweep against silently testing nothing: all but the listed valid calls must throw.
        var nonThrowing = new List<string>();
        foreach (var (name, call) in BadCalls())
        {
            try
            {
                call();
                nonThrowing.Add(name);
            }
            catch (Exception)
            {
            }
        }

        // These are valid: broadcasting [0, 3] with [3], Python-style clamped slice bounds, slicing an empty axis,
        // and (debatably) a softmax over an empty axis, which PyTorch answers with an empty tensor.
        nonThrowing.ShouldBeSubsetOf(["mul(empty2, v)", "Slice(extreme bounds)", "Slice(empty)", "Softmax(empty axis)"]);
    }

    [Fact]
    public void NullTensorOperands_ToOperatorsWhereAndComposites_ThrowArgumentNullException()
    {
        Escapes(NullOperandCalls()).ShouldBeEmpty();
    }

    [Fact]
    public void A_null_operand_error_names_the_op_and_hints_at_an_unfilled_Grad()
    {
        var w = Tensor.FromArray([1.0]);
        var error = Should.Throw<ArgumentNullException>(() => w - 0.1 * w.Grad!);
        error.Message.ShouldContain(".Grad");
        Should.Throw<ArgumentNullException>(() => w * null!).Message.ShouldContain("mul: the right operand is null");
    }

    [Fact]
    public void Backward_without_a_graph_inside_NoGrad_says_grad_mode_is_off()
    {
        var w = Tensor.FromArray([1.0]).RequireGrad();
        using (Tensor.NoGrad())
        {
            var loss = (w * w).Sum();
            Should.Throw<InvalidOperationException>(() => loss.Backward()).Message.ShouldContain("Grad mode is off");
        }
    }

    [Fact]
    public void AllClose_dtype_mismatch_is_reported_as_allclose()
    {
        Should.Throw<ArgumentException>(() => Tensor.Zeros([2]).AllClose(Tensor.Zeros([2], DType.Float32))).Message.ShouldContain("allclose");
    }

    [Fact]
    public void GradCheck_rejects_null_inputs_and_a_null_result()
    {
        Should.Throw<ArgumentNullException>(() => AutoGradNet.Verification.GradCheck.Run(p => p[0], [null!])).Message.ShouldContain("input 0");
        Should.Throw<InvalidOperationException>(() => AutoGradNet.Verification.GradCheck.Run(_ => null!, [Tensor.Ones([2])])).Message.ShouldContain("returned null");
    }
}
