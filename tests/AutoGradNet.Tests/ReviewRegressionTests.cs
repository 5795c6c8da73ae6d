using AutoGradNet.NN;
using AutoGradNet.Verification;

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

    // ---- IndexAdd's backward with alpha != 1 scaled its gradient with *=, an in-place write that createGraph refuses ----

    [Fact]
    public void IndexAdd_WithAlpha_HasSecondDerivatives()
    {
        var self = Tensor.Normal([4, 3], seed: 5).T.Detach();
        var source = Tensor.Normal([2, 3], seed: 6).T.Detach();
        self.IsContiguous.ShouldBeFalse();
        var index = Tensor.FromArray(new long[] { 3, 0 });

        GradCheck.AssertSecondOrder(t => t[0].IndexAdd(1, index, t[1], alpha: 0.5).Square(), [self, source]);
    }

    [Fact]
    public void IndexAdd_WithAlpha_CreateGraphGradientIsAlphaTimesTheSelectedOutputGradient()
    {
        var self = Tensor.Zeros([2, 3]).RequireGrad();
        var source = Tensor.FromArray([1.0, 2, 3, 4], 2, 2).RequireGrad();
        var y = self.IndexAdd(1, Tensor.FromArray(new long[] { 2, 0 }), source, alpha: 0.5); // [[1, 0, 0.5], [2, 0, 1.5]]

        var grads = AutoGrad.Grad(y.Square().Sum(), [source], createGraph: true);

        grads[0].ToArray().ShouldBe([0.5, 1, 1.5, 2]);   // 0.5 · 2y[:, [2, 0]]
        grads[0].RequiresGrad.ShouldBeTrue();
    }

    // ---- Module.To converted a tensor registered in two modules (tied weights) into two separate tensors ----

    private sealed class Holder : Module<Tensor, Tensor>
    {
        public Holder(Tensor weight, Tensor buffer)
        {
            RegisterParameter("weight", weight);
            RegisterBuffer("scale", buffer);
        }

        public override Tensor Forward(Tensor input) => input * TryGetParameter("weight")! * TryGetBuffer("scale")!;
    }

    private sealed class Tied : Module<Tensor, Tensor>
    {
        public Tied(Tensor weight, Tensor buffer)
        {
            First = RegisterModule("first", new Holder(weight, buffer));
            Second = RegisterModule("second", new Holder(weight, buffer));
        }

        public Holder First { get; }

        public Holder Second { get; }

        public override Tensor Forward(Tensor input) => Second.Call(First.Call(input));
    }

    [Fact]
    public void To_TiedParameterAndBuffer_StayTied()
    {
        var model = new Tied(Tensor.FromArray([2.0, 3]).RequireGrad(), Tensor.FromArray([1.0, 0.5]));
        model.Parameters().Count().ShouldBe(1);

        model.To(DType.Float32);

        model.Parameters().Count().ShouldBe(1);
        var weight = model.First.Parameters().Single();
        weight.DType.ShouldBe(DType.Float32);
        weight.RequiresGrad.ShouldBeTrue();
        model.Second.Parameters().Single().ShouldBeSameAs(weight);
        model.Second.NamedBuffers().Single().Buffer.ShouldBeSameAs(model.First.NamedBuffers().Single().Buffer);
    }

    // ---- clamping an Int64 tensor to whole-number bounds gave Float64 (PyTorch keeps Int64) ----

    [Fact]
    public void Clamp_Int64WithWholeBounds_StaysInt64()
    {
        var x = Tensor.FromArray(new long[] { -3, 1, 5 });

        var both = x.Clamp(0, 3);
        var low = x.ClampMin(0);
        var high = x.ClampMax(3);

        both.DType.ShouldBe(DType.Int64);
        both.ToArray<long>().ShouldBe([0L, 1, 3]);
        low.DType.ShouldBe(DType.Int64);
        low.ToArray<long>().ShouldBe([0L, 1, 5]);
        high.DType.ShouldBe(DType.Int64);
        high.ToArray<long>().ShouldBe([-3L, 1, 3]);
    }

    [Fact]
    public void Clamp_Int64WithFractionalBound_IsFloat64AsInPyTorch()
    {
        var clamped = Tensor.FromArray(new long[] { -3, 1, 5 }).Clamp(0.5, 3);

        clamped.DType.ShouldBe(DType.Float64);
        clamped.ToArray().ShouldBe([0.5, 1, 3]);
    }

    [Fact]
    public void Clamp_Float32WithWholeBounds_StaysFloat32()
    {
        var clamped = Tensor.FromArray(new float[] { -3, 1, 5 }).Clamp(0, 3);

        clamped.DType.ShouldBe(DType.Float32);
        clamped.ToArray().ShouldBe([0.0, 1, 3]);
    }
}
