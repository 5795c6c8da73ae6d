using AutoGradNet.Tests.Reference;

namespace AutoGradNet.Tests.Ops;

/// <summary>Helpers shared by the gather/scatter, mask and flip/roll tests: torch reference replay and dtype sweeps.</summary>
internal static class SelectionTestSupport
{
    public static readonly DType[] AllDTypes = [DType.Float64, DType.Float32, DType.Int64, DType.Bool];

    public static readonly DType[] NumericDTypes = [DType.Float64, DType.Float32, DType.Int64];

    /// <summary>A reference tensor with its own dtype (int64 and bool as such; float64 requiring grad as in PyTorch).</summary>
    public static Tensor ToTyped(TorchTensor t) => t.DType switch
    {
        "int64" => Tensor.FromArray(t.ToInt64(), t.Shape),
        "bool" => Tensor.FromArray([.. t.Data.Select(v => v != 0)], t.Shape),
        _ => t.ToTensor(),
    };

    /// <summary>A tensor of <paramref name="dtype"/> holding <paramref name="values"/> (Bool: non-zero is true).</summary>
    public static Tensor Make(DType dtype, double[] values, params int[] shape) => dtype switch
    {
        DType.Float64 => Tensor.FromArray(values, shape),
        DType.Float32 => Tensor.FromArray(Array.ConvertAll(values, v => (float)v), shape),
        DType.Int64 => Tensor.FromArray(Array.ConvertAll(values, v => (long)v), shape),
        _ => Tensor.FromArray(Array.ConvertAll(values, v => v != 0), shape),
    };

    /// <summary>
    /// Replays a PyTorch case: the op's value, then (when the case has a grad_output) the gradient of every input that
    /// required grad, each within 1e-12 relative.
    /// </summary>
    public static void ShouldMatchTorch(TorchCase c, Func<Tensor[], Tensor> op)
    {
        var inputs = c.Inputs.Select(ToTyped).ToArray();
        var output = op(inputs);
        var expected = c.Outputs[0];
        output.Shape.ToArray().ShouldBe(expected.Shape, $"{c.Name}: output shape");
        var expectedDType = expected.DType switch { "int64" => DType.Int64, "bool" => DType.Bool, "float32" => DType.Float32, _ => DType.Float64 };
        output.DType.ShouldBe(expectedDType, $"{c.Name}: output dtype");
        TestData.ShouldBeClose(output.ToArray(), expected.Data, 0, 1e-12);
        if (c.GradOutput is null) return;
        output.Backward(c.GradOutput.ToTensor());
        for (var i = 0; i < inputs.Length; i++)
        {
            if (c.Grads[i] is not { } grad) continue;
            inputs[i].Grad.ShouldNotBeNull($"{c.Name}: gradient of input {i}");
            TestData.ShouldBeClose(inputs[i].Grad!.ToArray(), grad.Data, 0, 1e-12);
        }
    }

    /// <summary>Asserts the gradient of Σ w·f(x) is itself differentiable and agrees with finite differences.</summary>
    public static void ShouldPassSecondOrderGradCheck(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        TestData.ShouldPassGradCheck(x =>
        {
            var y = f(x);
            var w = TestData.Random(99, y.Shape);
            var grads = AutoGrad.Grad((y * y * w).Sum(), x, createGraph: true);
            var total = grads[0].Sum();
            for (var i = 1; i < grads.Length; i++) total = total + (grads[i] * grads[i]).Sum();
            return total + (grads[0] * grads[0]).Sum();
        }, inputs);
    }
}
