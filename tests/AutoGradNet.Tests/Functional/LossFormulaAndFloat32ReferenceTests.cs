using AutoGradNet.Tests.Reference;
using F = AutoGradNet.Functional;

namespace AutoGradNet.Tests;

/// <summary>
/// The losses, softmax and log-softmax against PyTorch (torch_reference.json, from generate_torch_reference.py), in
/// float64 (1e-12 relative) and float32 (computed by PyTorch in float32 from the same inputs, about 2e-6 relative): values
/// and the gradient of every input, the targets' too where PyTorch gives one. Plus hand values for small cases.
/// </summary>
public class LossFormulaAndFloat32ReferenceTests
{
    private static readonly string[] Ops = ["mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "softmax", "log_softmax"];

    /// <summary>
    /// The cases recorded in both float64 and float32 (<c>name</c> and <c>name_f32</c>), with PyTorch's default options;
    /// the option-by-option loss cases are LossReferenceTests'.
    /// </summary>
    public static TheoryData<string> CaseNames
    {
        get
        {
            var names = Ops.SelectMany(TorchReference.Cases).Select(c => c.Name).ToHashSet();
            return new(names.Where(n => n.EndsWith("_f32", StringComparison.Ordinal) || names.Contains(n + "_f32")).Order());
        }
    }

    private static Tensor Run(TorchCase c, Tensor[] x) => c.Op switch
    {
        "mse_loss" => c.Attrs.ContainsKey("reduction") ? F.SumSquaredError(x[0], x[1]) : F.MseLoss(x[0], x[1]),
        "binary_cross_entropy" => F.BinaryCrossEntropy(x[0], x[1]),
        "binary_cross_entropy_with_logits" => F.BinaryCrossEntropyWithLogits(x[0], x[1]),
        "cross_entropy" => F.CrossEntropy(x[0], x[1]),
        "softmax" => F.Softmax(x[0], c.IntAttr("dim")),
        "log_softmax" => x[0].LogSoftmax(c.IntAttr("dim")),
        _ => throw new ArgumentOutOfRangeException(nameof(c), c.Op, "no runner"),
    };

    [Fact]
    public void Every_op_has_float64_and_float32_cases()
    {
        foreach (var op in Ops)
        {
            var cases = TorchReference.Cases(op);
            cases.ShouldContain(c => c.Inputs[0].DType == "float64", op);
            cases.ShouldContain(c => c.Inputs[0].DType == "float32", op);
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_PyTorch(string name)
    {
        var c = TorchReference.Case(name);
        var f32 = c.Inputs[0].DType == "float32";
        var inputs = c.Inputs.Select(t => t.DType == "int64" ? Tensor.FromArray(t.ToInt64(), t.Shape) : t.ToTensor()).ToArray();
        var y = Run(c, inputs);
        y.DType.ShouldBe(f32 ? DType.Float32 : DType.Float64);
        y.Shape.ToArray().ShouldBe(c.Outputs[0].Shape);
        Close(y.ToArray(), c.Outputs[0].Data, f32, $"{name}: output");
        var seed = Tensor.FromArray(c.GradOutput!.Data, c.GradOutput.Shape).To(y.DType);
        var grads = AutoGrad.Grad(y, [.. inputs.Where(t => t.RequiresGrad)], seed);
        var k = 0;
        for (var i = 0; i < inputs.Length; i++)
        {
            if (!inputs[i].RequiresGrad) continue;
            var g = grads[k++];
            g.DType.ShouldBe(inputs[i].DType);
            Close(g.ToArray(), c.Grads[i]!.Data, f32, $"{name}: gradient of input {i}");
        }
        k.ShouldBe(c.Grads.Count(g => g is not null));
    }

    /// <summary>
    /// Float64: within 1e-12 relative (TorchCaseRunner's rule). Float32: within 2e-6·|e| + 1e-6·max|e|, since PyTorch
    /// and this library round differently along the way (elements near 0, e.g. σ(x) − y, are judged on the tensor's scale).
    /// </summary>
    private static void Close(double[] actual, double[] expected, bool f32, string what)
    {
        if (!f32)
        {
            TorchCaseRunner.ShouldBeCloseWithNaN(actual, expected, 1e-12, what);
            return;
        }
        actual.Length.ShouldBe(expected.Length, what);
        var scale = expected.Select(Math.Abs).DefaultIfEmpty(0).Max();
        for (var i = 0; i < actual.Length; i++)
            Math.Abs(actual[i] - expected[i]).ShouldBeLessThanOrEqualTo(2e-6 * Math.Abs(expected[i]) + 1e-6 * scale, $"{what}, element {i}");
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Hand_values(DType dtype)
    {
        Tensor T(params double[] v) => Tensor.FromArray(v).To(dtype);
        // MSE: ((1 − 0)² + (2 − 4)²) / 2 = 2.5; SSE = 5
        F.MseLoss(T(1, 2), T(0, 4)).Item().ShouldBe(2.5);
        F.SumSquaredError(T(1, 2), T(0, 4)).Item().ShouldBe(5.0);
        // BCE: −(ln 0.5 + ln(1 − 0.2)) / 2
        F.BinaryCrossEntropy(T(0.5, 0.2), T(1, 0)).Item().ShouldBe(-(Math.Log(0.5) + Math.Log(0.8)) / 2, dtype == DType.Float32 ? 1e-6 : 1e-15);
        // BCE with logits at 0: ln 2 for any target; at x = ln 3 with y = 1: ln(1 + e^(−x)) = ln(4/3)
        F.BinaryCrossEntropyWithLogits(T(0, 0), T(0.3, 1)).Item().ShouldBe(Math.Log(2), dtype == DType.Float32 ? 1e-6 : 1e-15);
        F.BinaryCrossEntropyWithLogits(T(Math.Log(3)), T(1)).Item().ShouldBe(Math.Log(4.0 / 3), dtype == DType.Float32 ? 1e-6 : 1e-15);
        // Cross-entropy of equal logits over C classes: ln C
        F.CrossEntropy(Tensor.Zeros([2, 4], dtype), [1, 3]).Item().ShouldBe(Math.Log(4), dtype == DType.Float32 ? 1e-6 : 1e-15);
        // Softmax of [0, ln 3] = [1/4, 3/4]; log-softmax = [ln 1/4, ln 3/4]
        F.Softmax(T(0, Math.Log(3))).ToArray().ShouldBe([0.25, 0.75], dtype == DType.Float32 ? 1e-7 : 1e-16);
        F.LogSoftmax(T(0, Math.Log(3))).ToArray().ShouldBe([Math.Log(0.25), Math.Log(0.75)], dtype == DType.Float32 ? 1e-6 : 1e-15);
    }

    [Fact]
    public void Loss_gradients_by_hand()
    {
        // d MSE/dp = 2(p − t)/n; d BCE/dp = (p − y)/(p(1 − p))/n; d BCEwithLogits/dx = (σ(x) − y)/n; d CE/dlogits = (softmax − onehot)/N
        var p = Tensor.FromArray([1.0, 2]).RequireGrad();
        F.MseLoss(p, Tensor.FromArray([0.0, 4])).Backward();
        p.Grad!.ToArray().ShouldBe([1.0, -2.0]);
        var q = Tensor.FromArray([0.5, 0.2]).RequireGrad();
        F.BinaryCrossEntropy(q, Tensor.FromArray([1.0, 0])).Backward();
        q.Grad!.ToArray().ShouldBe([-1.0, 0.625], 1e-15); // (0.5 − 1)/0.25/2, 0.2/0.16/2
        var x = Tensor.FromArray([0.0, Math.Log(3)]).RequireGrad();
        F.BinaryCrossEntropyWithLogits(x, Tensor.FromArray([1.0, 0])).Backward();
        x.Grad!.ToArray().ShouldBe([-0.25, 0.375], 1e-15); // (0.5 − 1)/2, (0.75 − 0)/2
        var l = Tensor.Zeros([1, 4]).RequireGrad();
        F.CrossEntropy(l, [2]).Backward();
        l.Grad!.ToArray().ShouldBe([0.25, 0.25, -0.75, 0.25], 1e-15);
    }
}
