// Verifying gradients derived by hand. Each section derives a gradient the way a student or a researcher would, on
// plain (detached) tensors, and lets AutoGradNet check it: GradientComparison against autograd (it names the slip
// when the two differ, and Locate finds the layer where a derivation first goes wrong), GradCheck against finite
// differences (for a hand-written backward). Correct derivations must pass and the deliberately wrong ones must be
// caught; the exit code is 0 when every check behaves as expected, 1 otherwise. Section (e) shows the chain rule that
// autograd applied for W1, node by node, and writes the recorded graph as Graphviz DOT (option --dot PATH, default
// verify-gradients.dot in the current directory).
using AutoGradNet;
using AutoGradNet.Autograd;
using AutoGradNet.Export;
using AutoGradNet.Verification;

var dotPath = "verify-gradients.dot";
if (args.Length == 2 && args[0] == "--dot" && args[1].Length > 0) dotPath = args[1];
else if (args.Length > 0)
{
    Console.Error.WriteLine($"Unknown arguments: {string.Join(' ', args)}");
    Console.Error.WriteLine("Usage: dotnet run --project examples/VerifyGradients [-- --dot PATH]");
    return 2;
}

var problems = new List<string>();
void Expect(bool ok, string what)
{
    if (!ok) problems.Add(what);
}

// ---------------------------------------------------------------------------------------------------------------
Heading("(a) The tutorial's backprop, checked against autograd", first: true);
// The tutorial's network: 4 samples with 3 features, 4 hidden sigmoid units, 1 sigmoid output, loss Σ (ŷ − y)².
var x = Tensor.FromArray(new double[,] { { 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, 1 }, { 1, 1, 1 } });
var y = Tensor.FromArray(new double[,] { { 0 }, { 1 }, { 1 }, { 0 } });
var random = new Random(1);
var w1 = Tensor.Uniform([3, 4], random).RequireGrad();
var w2 = Tensor.Uniform([4, 1], random).RequireGrad();
var z1 = x.MatMul(w1);
var a1 = z1.Sigmoid();
var z2 = a1.MatMul(w2);
var output = z2.Sigmoid();
var loss = Functional.SumSquaredError(output, y);

// The tutorial's formulas, on detached values (sigmoid_derivative(s) = s(1 − s)):
//   d_weights2 = layer1ᵀ · (2(y − output) · σ'(output))
//   d_weights1 = inputᵀ · ((2(y − output) · σ'(output)) · weights2ᵀ · σ'(layer1))
var (l1, o, v2) = (a1.Detach(), output.Detach(), w2.Detach());
var delta2 = 2.0 * (y - o) * o * (1.0 - o);
var delta1 = delta2.MatMul(v2.T) * l1 * (1.0 - l1);
var dWeights2 = l1.T.MatMul(delta2);
var dWeights1 = x.T.MatMul(delta1);

Console.WriteLine("The tutorial adds d_weights to the weights, so its formulas give the descent direction −∇L,");
Console.WriteLine("not the gradient ∇L that autograd computes. Declare that once and the values are negated before comparing:");
var tutorial = GradientComparison.For(loss)
    .Convention(GradientConvention.DescentDirection)
    .Add("W1", w1, dWeights1)
    .Add("W2", w2, dWeights2)
    .Compare();
Console.Write(tutorial);
Expect(tutorial.Passed, "(a) the tutorial's d_weights should match autograd in the descent-direction convention");

// ---------------------------------------------------------------------------------------------------------------
Heading("(b) Softmax + cross-entropy: ∂L/∂logits = (p − y) / N");
// The mean over a batch of N of −log softmax(logits)[i, target_i]. By hand: p = softmax(logits), y = one-hot
// targets, and ∂L/∂logits = (p − y) / N, the 1/N coming from the mean.
const int n = 5, classes = 3;
var logits = Tensor.Normal([n, classes], seed: 7).RequireGrad();
var targets = Tensor.FromArray(new long[] { 0, 2, 1, 2, 0 });
var crossEntropy = Functional.CrossEntropy(logits, targets);
var p = Functional.Softmax(logits.Detach(), axis: 1);
var oneHot = Tensor.OneHot(targets, classes); // Int64; p − oneHot promotes to Float64

var softmax = GradientComparison.For(crossEntropy).BatchSize(n).Add("logits", logits, (p - oneHot) / n).Compare();
Console.Write(softmax);
Expect(softmax.Passed, "(b) (p − y)/N should match autograd");

Console.WriteLine();
Console.WriteLine("The same formula without the / N (the loss averages, the derivation sums):");
var summed = GradientComparison.For(crossEntropy).BatchSize(n).Add("logits", logits, p - oneHot).Compare();
Console.Write(summed);
Expect(summed["logits"].Slip == SlipKind.BatchReduction, "(b) p − y without / N should be diagnosed as a batch-reduction slip");

// ---------------------------------------------------------------------------------------------------------------
Heading("(c) Wrong derivations, caught and diagnosed");

Console.WriteLine("1. The convention not declared: the tutorial's d_weights compared as if they were gradients.");
var sign = GradientComparison.For(loss).Add("W2", w2, dWeights2).Compare();
Console.Write(sign);
Expect(sign["W2"].Slip == SlipKind.SignFlipped, "(c1) an undeclared descent direction should be diagnosed as a flipped sign");

Console.WriteLine();
Console.WriteLine("2. The 2 of (ŷ − y)² forgotten: delta2 = (y − output) · σ'(output).");
var noTwo = (y - o) * o * (1.0 - o);
var factor = GradientComparison.For(loss).Convention(GradientConvention.DescentDirection)
    .Add("W2", w2, l1.T.MatMul(noTwo))
    .Compare();
Console.Write(factor);
Expect(factor["W2"].Slip == SlipKind.ConstantFactor, "(c2) a forgotten 2 should be diagnosed as a constant factor");

Console.WriteLine();
Console.WriteLine("3. dW1 transposed: delta1ᵀ · input instead of inputᵀ · delta1.");
var transposed = GradientComparison.For(loss).Convention(GradientConvention.DescentDirection)
    .Add("W1", w1, delta1.T.MatMul(x))
    .Compare();
Console.Write(transposed);
Expect(transposed["W1"].Slip == SlipKind.Transposed, "(c3) a transposed dW1 should be diagnosed as transposed");

Console.WriteLine();
Console.WriteLine("4. Which layer is wrong? Layer 1's delta without the (1 − a1) factor of σ'(z1), located from the deltas");
Console.WriteLine("   of every intermediate (in forward order: z1 = X·W1, a1 = σ(z1), z2 = a1·W2, output = σ(z2)):");
var dOutput = 2.0 * (y - o);
var dA1 = delta2.MatMul(v2.T);
var location = GradientComparison.For(loss).Convention(GradientConvention.DescentDirection)
    .Add("z1", z1, dA1 * l1) // should be dA1 · a1 · (1 − a1)
    .Add("a1", a1, dA1)
    .Add("z2", z2, delta2)
    .Add("output", output, dOutput)
    .Locate();
Console.Write(location);
Expect(location.FirstWrong?.Name == "z1", "(c4) the missing (1 − a1) should be located at z1");

// ---------------------------------------------------------------------------------------------------------------
Heading("(d) A hand-written backward, checked with GradCheck");
// GradCheck builds the whole Jacobian twice, from the backward and from central differences, and compares them.
var points = Tensor.FromArray([-2.0, -0.5, 0.5, 2.0]);
var good = GradCheck.Run(t => new HandSigmoid().Apply(t[0]), [points]);
Console.WriteLine($"Sigmoid with backward g · σ(1 − σ): {(good.Passed ? "passed" : "FAILED")}");
Expect(good.Passed, "(d) the backward g · σ(1 − σ) should pass GradCheck");
var twice = GradCheck.SecondOrder(t => new HandSigmoid().Apply(t[0]), [points]);
Console.WriteLine($"  and its second order (the backward differentiated again): {(twice.Passed ? "passed" : "FAILED")}");
Expect(twice.Passed, "(d) the backward g · σ(1 − σ) should pass the second-order check");

Console.WriteLine();
Console.WriteLine("Sigmoid with backward σ(1 − σ), the incoming gradient g forgotten:");
var bad = GradCheck.Run(t => new ForgetsGradOutput().Apply(t[0]), [points], maxReportedEntries: 3);
Console.Write(bad);
Expect(!bad.Passed, "(d) a backward that ignores the incoming gradient should fail GradCheck");

// ---------------------------------------------------------------------------------------------------------------
Heading("(e) The chain rule autograd applied for W1");
// ChainRule.Trace runs the backward from the loss to W1 (accumulating nothing) and prints every node it went through:
// the op, its shapes, its local rule and the gradient g that flowed into it. Read from the top, these are the
// tutorial's factors: 2(ŷ − y), σ'(z2) = ŷ(1 − ŷ), ·W2ᵀ, σ'(z1) = a1(1 − a1), and Xᵀ· at the end.
// The built-in Sigmoid is composed of primitives (a numerically stable form with Where, Exp and Div), so each σ shows
// up as several nodes, and the paths through its two branches are counted separately.
var trace = ChainRule.Trace(loss, w1, name: "W1");
Console.Write(trace);

Console.WriteLine();
Console.WriteLine("The tutorial's factors, read off the trace (g at the node that produced each value; the tutorial's");
Console.WriteLine("deltas are −g):");
TutorialFactor("∂L/∂ŷ  = 2(ŷ − y)", output, dOutput);
TutorialFactor("∂L/∂z2 = ∂L/∂ŷ · ŷ(1 − ŷ)", z2, delta2);
TutorialFactor("∂L/∂a1 = ∂L/∂z2 · W2ᵀ", a1, dA1);
TutorialFactor("∂L/∂z1 = ∂L/∂a1 · a1(1 − a1)", z1, delta1);
var leafMatches = trace.LeafGradient.AllClose(-dWeights1, relativeTolerance: 1e-12, absoluteTolerance: 1e-15);
Console.WriteLine($"  {"∂L/∂W1 = Xᵀ · ∂L/∂z1",-30} the trace's result: {(leafMatches ? "matches" : "DIFFERS")}");
Expect(leafMatches, "(e) the traced gradient of W1 should be −d_weights1");

void TutorialFactor(string formula, Tensor value, Tensor tutorialDelta)
{
    var step = trace.StepOf(value.GradFn);
    var ok = step is not null && step.Gradient.AllClose(-tutorialDelta, relativeTolerance: 1e-12, absoluteTolerance: 1e-15);
    Console.WriteLine($"  {formula,-30} at [{step?.Index}] {step?.OpName}: {(ok ? "matches" : "DIFFERS")}");
    Expect(ok, $"(e) the trace's g for {formula} should match the tutorial's delta");
}

var names = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance) { [w1] = "W1", [w2] = "W2" };
var dot = GraphExport.ToDot(loss, new DotOptions { Names = names });
Console.WriteLine();
try
{
    File.WriteAllText(dotPath, dot);
    Console.WriteLine($"The recorded graph, in Graphviz DOT ({dot.Split('\n').Count(l => l.Contains("->", StringComparison.Ordinal))} edges), is in {dotPath};");
    Console.WriteLine($"render it with: dot -Tsvg {dotPath} -o verify-gradients.svg");
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.WriteLine($"Could not write the DOT graph to {dotPath}: {e.Message}");
    problems.Add($"(e) the DOT graph could not be written to {dotPath}");
}
Expect(dot.Contains("W1", StringComparison.Ordinal), "(e) the DOT graph should label W1");

// ---------------------------------------------------------------------------------------------------------------
Heading("Summary");
if (problems.Count == 0)
{
    Console.WriteLine("Every correct derivation passed and every wrong one was caught.");
    return 0;
}
foreach (var problem in problems) Console.WriteLine($"UNEXPECTED: {problem}");
return 1;

static void Heading(string title, bool first = false)
{
    if (!first) Console.WriteLine();
    Console.WriteLine($"== {title} ==");
}

/// <summary>σ(x) = 1 / (1 + e⁻ˣ), with the tutorial's derivative: ∂L/∂x = g · σ(x)(1 − σ(x)).</summary>
internal sealed class HandSigmoid : CustomFunction
{
    protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs)
    {
        var s = 1.0 / (1.0 + (-inputs[0]).Exp());
        ctx.SaveForBackward(s);
        return s;
    }

    protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
    {
        var s = ctx.SavedTensors[0];
        return [gradOutput * s * (1.0 - s)];
    }
}

/// <summary>The same sigmoid whose backward returns σ(1 − σ) without multiplying by the incoming gradient g.</summary>
internal sealed class ForgetsGradOutput : CustomFunction
{
    protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs)
    {
        var s = 1.0 / (1.0 + (-inputs[0]).Exp());
        ctx.SaveForBackward(s);
        return s;
    }

    protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
    {
        var s = ctx.SavedTensors[0];
        return [s * (1.0 - s)];
    }
}
