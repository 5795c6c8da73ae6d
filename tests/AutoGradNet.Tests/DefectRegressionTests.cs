namespace AutoGradNet.Tests;

/// <summary>
/// Regression tests for defects found in a user trial: null shapes, errors that named an inner primitive instead of
/// the method the user called, gradient lost to concurrent backward passes, and Max's gradient at a NaN.
/// </summary>
public class DefectRegressionTests
{
    // ---- a null int[] shape used to read as a 0-d shape ----

    public static TheoryData<string, Func<int[], Tensor>> Factories => new()
    {
        { "Zeros", s => Tensor.Zeros(s) },
        { "Ones", s => Tensor.Ones(s) },
        { "Full", s => Tensor.Full(s, 2.0) },
        { "Uniform", s => Tensor.Uniform(s, seed: 1) },
        { "UniformRandom", s => Tensor.Uniform(s, new Random(1)) },
        { "UniformBounds", s => Tensor.Uniform(s, 0, 1, 1) },
        { "Normal", s => Tensor.Normal(s, seed: 1) },
        { "NormalRandom", s => Tensor.Normal(s, new Random(1)) },
        { "NormalMeanStd", s => Tensor.Normal(s, 0, 1, 1) },
    };

    [Theory]
    [MemberData(nameof(Factories))]
    public void Factory_WithNullIntArrayShape_ThrowsArgumentNullException(string name, Func<int[], Tensor> factory)
    {
        _ = name;
        Should.Throw<ArgumentNullException>(() => factory(null!));
    }

    [Theory]
    [InlineData(DType.Int64)]
    [InlineData(DType.Bool)]
    public void RandomFactories_WithANonFloatDType_ThrowNamingTheFactoryAndDType(DType dtype)
    {
        Should.Throw<ArgumentException>(() => Tensor.Uniform([2], 0, 1, 1, dtype)).Message.ShouldStartWith($"Uniform: random values need a floating-point dtype, got {dtype}");
        Should.Throw<ArgumentException>(() => Tensor.Normal([2], 0, 1, 1, dtype)).Message.ShouldStartWith($"Normal: random values need a floating-point dtype, got {dtype}");
    }

    // ---- errors name the method the user called ----

    [Theory]
    [MemberData(nameof(ErrorTests.Losses), MemberType = typeof(ErrorTests))]
    public void Loss_OnFloat32AndFloat64_NamesTheLossAndBothDTypes(string name, Func<Tensor, Tensor, Tensor> loss)
    {
        var ex = Should.Throw<ArgumentException>(() => loss(Tensor.Full([3], 0.5, DType.Float32), Tensor.Full([3], 0.5)));

        ex.Message.ShouldStartWith(name + ": dtype mismatch, Float32 vs Float64", Case.Sensitive);
    }

    [Theory]
    [MemberData(nameof(ErrorTests.Losses), MemberType = typeof(ErrorTests))]
    public void Loss_WithANullInput_NamesTheLoss(string name, Func<Tensor, Tensor, Tensor> loss)
    {
        Should.Throw<ArgumentNullException>(() => loss(null!, Tensor.Ones([2]))).Message.ShouldStartWith(name + ":", Case.Sensitive);
        Should.Throw<ArgumentNullException>(() => loss(Tensor.Ones([2]), null!)).Message.ShouldStartWith(name + ":", Case.Sensitive);
    }

    [Fact]
    public void Min_OfAnEmptyTensor_SaysMinAndMinimum()
    {
        var ex = Should.Throw<ArgumentException>(() => Tensor.Zeros([0]).Min());

        ex.Message.ShouldStartWith("Min:", Case.Sensitive);
        ex.Message.ShouldContain("minimum of nothing");
        ex.Message.ShouldNotContain("max", Case.Insensitive);
    }

    [Fact]
    public void Min_OfBool_NamesMin()
    {
        var b = Tensor.FromArray(new[] { true, false });

        Should.Throw<ArgumentException>(() => b.Min()).Message.ShouldStartWith("Min: not defined for Bool", Case.Sensitive);
        Should.Throw<ArgumentException>(() => b.Min(0)).Message.ShouldStartWith("Min:", Case.Sensitive);
        Should.Throw<ArgumentException>(() => b.Min([0])).Message.ShouldStartWith("Min:", Case.Sensitive);
    }

    [Fact]
    public void Abs_OfBool_NamesAbs()
    {
        Should.Throw<ArgumentException>(() => Tensor.FromArray(new[] { true }).Abs()).Message.ShouldStartWith("Abs:", Case.Sensitive);
    }

    public static TheoryData<string, Func<Tensor, Tensor, object>> CompositeBinaries => new()
    {
        { "Maximum", (a, b) => a.Maximum(b) },
        { "Minimum", (a, b) => a.Minimum(b) },
        { "AllClose", (a, b) => a.AllClose(b) },
        { "Stack", (a, b) => Tensor.Stack([a, b]) },
    };

    [Theory]
    [MemberData(nameof(CompositeBinaries))]
    public void CompositeOp_OnMixedFloatDTypes_NamesTheCompositeNotItsPrimitives(string name, Func<Tensor, Tensor, object> op)
    {
        var ex = Should.Throw<ArgumentException>(() => op(Tensor.Ones([3], DType.Float32), Tensor.Ones([3])));

        ex.Message.ShouldStartWith(name + ": dtype mismatch", Case.Sensitive);
        ex.Message.ShouldContain("Float32");
        ex.Message.ShouldContain("Float64");
    }

    [Theory]
    [InlineData("Maximum")]
    [InlineData("Minimum")]
    [InlineData("AllClose")]
    public void CompositeOp_OnShapesThatDoNotBroadcast_NamesTheCompositeAndBothShapes(string name)
    {
        Tensor a = Tensor.Ones([3]), b = Tensor.Ones([2]);
        Action call = name switch
        {
            "Maximum" => () => a.Maximum(b),
            "Minimum" => () => a.Minimum(b),
            _ => () => a.AllClose(b),
        };

        var ex = Should.Throw<ArgumentException>(call);

        ex.Message.ShouldStartWith(name + ":", Case.Sensitive);
        ex.Message.ShouldContain("[3]");
        ex.Message.ShouldContain("[2]");
    }

    [Fact]
    public void Maximum_WithNullOther_NamesMaximum()
    {
        Should.Throw<ArgumentNullException>(() => Tensor.Ones([2]).Maximum(null!)).Message.ShouldStartWith("Maximum:", Case.Sensitive);
        Should.Throw<ArgumentNullException>(() => Tensor.Ones([2]).Minimum(null!)).Message.ShouldStartWith("Minimum:", Case.Sensitive);
    }

    [Fact]
    public void Maximum_OfInt64AndFloat64_StillPromotes()
    {
        var r = Tensor.FromArray(new long[] { 1, 5 }).Maximum(Tensor.FromArray([2.5, 2.5]));

        r.DType.ShouldBe(DType.Float64);
        r.ToArray().ShouldBe([2.5, 5.0]);
    }

    [Fact]
    public void Where_WithNullArguments_NamesWhere()
    {
        var cond = Tensor.FromArray(new[] { true });
        Should.Throw<ArgumentNullException>(() => Tensor.Where(null!, 1.0, 2.0)).Message.ShouldStartWith("Where:", Case.Sensitive);
        Should.Throw<ArgumentNullException>(() => Tensor.Where(null!, Tensor.Ones([1]), Tensor.Ones([1]))).Message.ShouldStartWith("Where:", Case.Sensitive);
        Should.Throw<ArgumentNullException>(() => Tensor.Where(cond, null!, 2.0)).Message.ShouldStartWith("Where:", Case.Sensitive);
        Should.Throw<ArgumentNullException>(() => Tensor.Where(cond, 1.0, null!)).Message.ShouldStartWith("Where:", Case.Sensitive);
    }

    [Fact]
    public void CrossEntropy_WithNullLogits_NamesCrossEntropy()
    {
        Should.Throw<ArgumentNullException>(() => Functional.CrossEntropy(null!, Tensor.FromArray(new long[] { 0 })))
            .Message.ShouldStartWith("CrossEntropy:", Case.Sensitive);
    }

    [Fact]
    public void Activations_WithNullInput_NameTheActivation()
    {
        Should.Throw<ArgumentNullException>(() => Functional.Sigmoid(null!)).Message.ShouldStartWith("Sigmoid:", Case.Sensitive);
        Should.Throw<ArgumentNullException>(() => Functional.Softplus(null!)).Message.ShouldStartWith("Softplus:", Case.Sensitive);
        Should.Throw<ArgumentNullException>(() => Functional.Relu(null!)).Message.ShouldStartWith("Relu:", Case.Sensitive);
        Should.Throw<ArgumentNullException>(() => Functional.Tanh(null!)).Message.ShouldStartWith("Tanh:", Case.Sensitive);
    }

    [Fact]
    public void SigmoidAndSoftplus_OfBool_ComputeInFloat64_AsPyTorchDoes()
    {
        // Used to fail inside Neg ("negation is not defined for Bool"). σ(1) = 1/(1+e⁻¹), softplus(0) = ln 2.
        var b = Tensor.FromArray(new[] { true, false });

        var s = Functional.Sigmoid(b);
        s.DType.ShouldBe(DType.Float64);
        s.ToArray().ShouldBe([1 / (1 + Math.Exp(-1)), 0.5], tolerance: 1e-15);
        Functional.Softplus(b).ToArray().ShouldBe([Math.Log(1 + Math.E), Math.Log(2)], tolerance: 1e-15);
    }

    [Theory]
    [InlineData("Sum")]
    [InlineData("Mean")]
    [InlineData("Max")]
    [InlineData("Min")]
    public void Reduction_WithNullAxes_ThrowsInsteadOfReducingEverything(string op)
    {
        var x = Tensor.Ones([2, 2]);
        Action call = op switch
        {
            "Sum" => () => x.Sum((int[])null!),
            "Mean" => () => x.Mean((int[])null!),
            "Max" => () => x.Max((int[])null!),
            _ => () => x.Min((int[])null!),
        };

        Should.Throw<ArgumentNullException>(call).Message.ShouldStartWith(op + ": axes is null", Case.Sensitive);
    }

    [Fact]
    public void ArithmeticOnTwoBoolTensors_ThrowsArgumentExceptionNamingTheOp_NotAnInternalError()
    {
        var b = Tensor.FromArray(new[] { true, false });

        Should.Throw<ArgumentException>(() => b + b).Message.ShouldStartWith("Add: arithmetic is not defined for two Bool tensors", Case.Sensitive);
        Should.Throw<ArgumentException>(() => b - b).Message.ShouldStartWith("Sub:", Case.Sensitive);
        Should.Throw<ArgumentException>(() => b * b).Message.ShouldStartWith("Mul:", Case.Sensitive);
        (b / b).DType.ShouldBe(DType.Float64); // true division, as in PyTorch
    }

    // ---- concurrent backward passes sharing a leaf ----

    [Fact]
    public void FourThreadsBackwardThroughGraphsSharingALeaf_AccumulateEveryGradient()
    {
        // Each pass adds c to w.Grad: 4 threads x 1000 passes must give exactly 4000c (small integers: exact in float64).
        const int threads = 4, passes = 1000;
        var w = Tensor.FromArray([0.5, -1.5, 2.0]).RequireGrad();
        var c = Tensor.FromArray([1.0, 2.0, 3.0]);
        using var start = new Barrier(threads);

        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < passes; i++) (w * c).Sum().Backward();
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());

        w.Grad!.ToArray().ShouldBe([4000.0, 8000.0, 12000.0]);
    }

    // ---- Max's gradient at NaN goes to the NaN, as torch.max() does ----

    [Fact]
    public void Max_WithANaN_SendsTheGradientToTheNaNPosition()
    {
        var x = Tensor.FromArray([1.0, double.NaN, 3]).RequireGrad();

        var max = x.Max();
        max.Backward();

        double.IsNaN(max.Item()).ShouldBeTrue();
        x.Grad!.ToArray().ShouldBe([0.0, 1.0, 0.0]);
    }

    [Fact]
    public void MaxAlongAxis_WithANaNInOneRow_SendsThatRowsGradientToTheNaN_AndTheOtherRowsToTheirMaximum()
    {
        var x = Tensor.FromArray([1.0, double.NaN, 3, 4, 6, 5], 2, 3).RequireGrad();

        var max = x.Max(1);
        max.Backward(Tensor.FromArray([10.0, 20.0]));

        double.IsNaN(max.ItemAt(0)).ShouldBeTrue();
        max.ItemAt(1).ShouldBe(6);
        x.Grad!.ToArray().ShouldBe([0.0, 10.0, 0.0, 0.0, 20.0, 0.0]);
    }

    [Fact]
    public void MaxAlongAxis_WithANaNInAColumn_OfANonContiguousInput()
    {
        var x = Tensor.FromArray([1.0, 4, double.NaN, 6, 3, 5], 3, 2).T.Detach().RequireGrad(); // [[1, NaN, 3], [4, 6, 5]]
        x.IsContiguous.ShouldBeFalse();

        x.Max(1).Sum().Backward();

        x.Grad!.ToArray().ShouldBe([0.0, 1.0, 0.0, 0.0, 1.0, 0.0]);
    }
}
