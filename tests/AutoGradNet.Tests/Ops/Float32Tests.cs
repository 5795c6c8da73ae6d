using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>
/// Float32 forward and backward agree with float64 to float32 precision, and results keep the Float32 dtype.
/// The float64 run is the reference; both runs start from the same float32-representable inputs.
/// </summary>
public class Float32Tests
{
    public static TheoryData<string> Cases => new()
    {
        "add-broadcast", "matmul", "batched-matmul", "exp", "sigmoid", "softmax", "sum-axis", "max-axis", "composite",
    };

    private static (Shape[] Shapes, Func<Tensor[], Tensor> Function) Case(string name) => name switch
    {
        "add-broadcast" => ([[4, 1], [1, 5]], x => x[0] + x[1] * 2.0),
        "matmul" => ([[3, 4], [4, 5]], x => x[0].MatMul(x[1])),
        "batched-matmul" => ([[2, 3, 4], [4, 5]], x => x[0].MatMul(x[1])),
        "exp" => ([[3, 4]], x => x[0].Exp()),
        "sigmoid" => ([[3, 4]], x => AutoGradNet.Functional.Sigmoid(x[0] * 3.0)),
        "softmax" => ([[3, 4]], x => AutoGradNet.Functional.Softmax(x[0] * 3.0, axis: 1)),
        "sum-axis" => ([[2, 3, 4]], x => x[0].Sum(1)),
        "max-axis" => ([[3, 4]], x => x[0].Max(-1)),
        "composite" => ([[3, 4], [4]], x => AutoGradNet.Functional.MseLoss((x[0] * x[1]).Tanh(), x[0].Exp() / 4.0) + AutoGradNet.Functional.LogSumExp(x[0]).Sum()),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>Float64 inputs rounded through float32, so both precisions see the same numbers.</summary>
    private static Tensor[] Inputs(Shape[] shapes) =>
        [.. shapes.Select((s, i) => Distinct(40 + i, s, step: 3.9 / s.Size).To(DType.Float32).To(DType.Float64))];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32_forward_keeps_the_dtype_and_agrees_with_float64_to_float32_precision(string name)
    {
        var (shapes, f) = Case(name);
        var x64 = Inputs(shapes);
        var x32 = Array.ConvertAll(x64, t => t.To(DType.Float32));
        var y64 = f(x64);
        var y32 = f(x32);
        y64.DType.ShouldBe(DType.Float64);
        y32.DType.ShouldBe(DType.Float32);
        y32.Shape.ShouldBe(y64.Shape);
        ShouldBeClose(y32.ToArray(), y64.ToArray(), 1e-6, 2e-6);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32_backward_gives_float32_gradients_that_agree_with_float64(string name)
    {
        var (shapes, f) = Case(name);
        var x64 = Array.ConvertAll(Inputs(shapes), t => t.RequireGrad());
        var x32 = Array.ConvertAll(x64, t => t.Detach().To(DType.Float32).RequireGrad());
        var y64 = f(x64);
        var y32 = f(x32);
        // A fixed weighting so every output element contributes a different amount.
        var w64 = Random(99, y64.Shape, 0.5, 1.5).To(DType.Float32).To(DType.Float64);
        (y64 * w64).Sum().Backward();
        (y32 * w64.To(DType.Float32)).Sum().Backward();
        for (var i = 0; i < x64.Length; i++)
        {
            x32[i].Grad!.DType.ShouldBe(DType.Float32);
            x32[i].Grad!.Shape.ShouldBe(x64[i].Shape);
            ShouldBeClose(x32[i].Grad!.ToArray(), x64[i].Grad!.ToArray(), 1e-5, 1e-5);
        }
    }

    [Fact]
    public void Float32_scalar_operands_are_converted_to_float32()
    {
        var x = Tensor.FromArray([1f, 2f, 3f]);
        (x + 1.0).DType.ShouldBe(DType.Float32);
        (2.0 * x).DType.ShouldBe(DType.Float32);
        (1.0 / x).DType.ShouldBe(DType.Float32);
        Tensor.Where(x > 1.5, x, 0.0).DType.ShouldBe(DType.Float32);
        x.Pow(2).DType.ShouldBe(DType.Float32);
        AutoGradNet.Functional.LogSoftmax(x).DType.ShouldBe(DType.Float32);
        x.Sum().DType.ShouldBe(DType.Float32);
    }

    [Fact]
    public void Float32_sigmoid_of_plus_and_minus_1000_is_exactly_1_and_0_with_zero_gradient()
    {
        var x = Tensor.FromArray([1000f, -1000f]).RequireGrad();
        var y = AutoGradNet.Functional.Sigmoid(x);
        y.ToArray().ShouldBe([1, 0]);
        y.Sum().Backward();
        x.Grad!.ToArray().ShouldBe([0, 0]);
    }

    [Fact]
    public void Mixing_float32_and_float64_operands_is_rejected()
    {
        Should.Throw<ArgumentException>(() => Tensor.Ones([2], DType.Float32) + Tensor.Ones([2]));
        Should.Throw<ArgumentException>(() => Tensor.Ones([2, 2], DType.Float32).MatMul(Tensor.Ones([2, 2])));
    }
}
