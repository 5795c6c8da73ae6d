// Verifying a hand-derived backward. The tutorial derives the sigmoid's derivative by hand, σ'(x) = σ(x)(1 − σ(x));
// here that formula becomes the backward of a custom function, GradCheck compares it with finite differences (and
// catches a wrong one), and the tutorial's 2-layer network is trained with it, next to the built-in Sigmoid.
using System.Globalization;
using AutoGradNet;
using AutoGradNet.Autograd;
using AutoGradNet.Verification;

var failed = false;

// 1. Check the hand-derived backward against central finite differences.
var points = Tensor.Uniform([5], -4, 4, seed: 1);
var good = GradCheck.Run(t => new HandSigmoid().Apply(t[0]), [points]);
Console.WriteLine($"GradCheck of σ(x)(1 − σ(x)): {(good.Passed ? "passed" : "FAILED")}, max error {good.MaxAbsoluteError.ToString("0.#e+00", CultureInfo.InvariantCulture)}");
failed |= !good.Passed;

// 2. A wrong derivative, σ(x) alone (the factor 1 − σ(x) forgotten), must be caught.
var bad = GradCheck.Run(t => new WrongSigmoid().Apply(t[0]), [points]);
Console.WriteLine($"GradCheck of σ(x) alone:     {(bad.Passed ? "passed, but it should have failed" : "failed, as it should")}");
if (!bad.Passed) Console.WriteLine($"  first disagreement: {bad.Report.Split(": analytic")[0]}");
failed |= bad.Passed;

// 3. Train the tutorial's network twice, from the same weights: built-in Sigmoid vs the custom one.
var x = Tensor.FromArray(new double[,] { { 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, 1 }, { 1, 1, 1 } });
var y = Tensor.FromArray(new double[,] { { 0 }, { 1 }, { 1 }, { 0 } });
var builtIn = Train(t => t.Sigmoid());
var custom = Train(t => new HandSigmoid().Apply(t));
Console.WriteLine();
Console.WriteLine("The tutorial's 2-layer network (seed 1, learning rate 1), loss with each sigmoid:");
Console.WriteLine("iteration   built-in   custom");
foreach (var i in new[] { 0, 99, 499, 1499 })
    Console.WriteLine($"{i + 1,9}   {Fmt(builtIn[i])}   {Fmt(custom[i])}");
var difference = builtIn.Zip(custom, (a, b) => Math.Abs(a - b)).Max();
Console.WriteLine($"max |loss difference| over 1500 iterations = {difference.ToString("0.#e+00", CultureInfo.InvariantCulture)}");
failed |= !(difference <= 1e-9);

return failed ? 1 : 0;

// The tutorial's training loop (see examples/TwoLayerNetwork), with the activation passed in; returns each iteration's loss.
double[] Train(Func<Tensor, Tensor> sigmoid)
{
    var random = new Random(1);
    var w1 = Tensor.Uniform([3, 4], random).RequireGrad();
    var w2 = Tensor.Uniform([4, 1], random).RequireGrad();
    var losses = new double[1500];
    for (var i = 0; i < losses.Length; i++)
    {
        var output = sigmoid(sigmoid(x.MatMul(w1)).MatMul(w2));
        var loss = Functional.SumSquaredError(output, y);
        loss.Backward();
        using (Tensor.NoGrad())
        {
            w1 -= 1.0 * w1.Grad!; // C# 14's -= updates the weights' storage in place
            w2 -= 1.0 * w2.Grad!;
            w1.ZeroGrad();
            w2.ZeroGrad();
        }
        losses[i] = loss.Item();
    }
    return losses;
}

static string Fmt(double v) => v.ToString("0.000000", CultureInfo.InvariantCulture);

/// <summary>σ(x) = 1 / (1 + e⁻ˣ), with the tutorial's hand-derived backward: ∂L/∂x = ∂L/∂σ · σ(x)(1 − σ(x)).</summary>
internal sealed class HandSigmoid : CustomFunction
{
    public override string Name => "Sigmoid";

    protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs)
    {
        var s = 1.0 / (1.0 + (-inputs[0]).Exp());
        ctx.SaveForBackward(s); // the backward needs only the output
        return s;
    }

    protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
    {
        var s = ctx.SavedTensors[0];
        return [gradOutput * s * (1.0 - s)];
    }
}

/// <summary>The same forward with a wrong derivative, σ(x): GradCheck must reject it.</summary>
internal sealed class WrongSigmoid : CustomFunction
{
    protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs)
    {
        var s = 1.0 / (1.0 + (-inputs[0]).Exp());
        ctx.SaveForBackward(s);
        return s;
    }

    protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * ctx.SavedTensors[0]];
}
