// The classic "neural network from scratch" tutorial, with AutoGradNet doing the backpropagation.
// The network is written with Tensor ops; loss.Backward() walks the recorded graph and applies the
// chain rule node by node. No line below the training loop's forward pass knows a derivative,
// until the very end, where the tutorial's hand-derived formulas are checked against autograd.
using System.Globalization;
using AutoGradNet;

var options = Options.Parse(args);
if (options is null) return 2;

var x = Tensor.FromArray(new double[,] { { 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, 1 }, { 1, 1, 1 } });
var y = options.Variant == "b"
    ? Tensor.FromArray(new double[,] { { 1 }, { 1 }, { 0 }, { 0 } })
    : Tensor.FromArray(new double[,] { { 0 }, { 1 }, { 1 }, { 0 } });

var random = new Random(options.Seed);
var w1 = Tensor.Uniform([3, 4], random).RequireGrad();
var w2 = Tensor.Uniform([4, 1], random).RequireGrad();
var b1 = options.Bias ? Tensor.Uniform([4], random).RequireGrad() : null;
var b2 = options.Bias ? Tensor.Uniform([1], random).RequireGrad() : null;
Tensor[] parameters = b1 is null ? [w1, w2] : [w1, w2, b1, b2!];

Console.WriteLine($"Two-layer network: 3 inputs -> 4 sigmoid -> 1 sigmoid, {(options.Bias ? "with" : "no")} biases");
Console.WriteLine($"targets {Describe(y)}, seed {options.Seed}, learning rate {options.LearningRate.ToString(CultureInfo.InvariantCulture)}, {options.Iterations} iterations");
Console.WriteLine();

// Feedforward: every op here is recorded in the graph.
(Tensor Layer1, Tensor Output) Forward()
{
    var hidden = x.MatMul(w1);
    var layer1 = (b1 is null ? hidden : hidden + b1).Sigmoid();
    var logits = layer1.MatMul(w2);
    return (layer1, (b2 is null ? logits : logits + b2).Sigmoid());
}

for (var iteration = 1; iteration <= options.Iterations; iteration++)
{
    var (_, output) = Forward();
    var loss = Functional.SumSquaredError(output, y);
    loss.Backward(); // the chain rule, node by node, from the loss back to every weight

    using (Tensor.NoGrad())
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            p -= options.LearningRate * p.Grad!; // gradient descent: C# 14's -= updates p's storage in place
            p.ZeroGrad();
        }
    }

    if (iteration == 1 || iteration % 100 == 0)
        Console.WriteLine($"iteration {iteration,5}   loss {Fmt(loss.Item())}");
}

var (finalLayer1, prediction) = Forward();
var finalLoss = Functional.SumSquaredError(prediction, y);
Console.WriteLine();
Console.WriteLine("prediction   target");
for (var i = 0; i < 4; i++)
    Console.WriteLine($"  {prediction.ItemAt(i, 0).ToString("F4", CultureInfo.InvariantCulture)}      {y.ItemAt(i, 0):0}");

// The tutorial's backpropagation, derived by hand:
//   d_weights2 = layer1ᵀ · (2(y − ŷ) ⊙ ŷ(1 − ŷ))
//   d_weights1 = Xᵀ · ((2(y − ŷ) ⊙ ŷ(1 − ŷ)) · W2ᵀ ⊙ layer1(1 − layer1))
// They are the descent direction, −∂loss/∂W, so autograd's gradient should equal their negation.
finalLoss.Backward();
double worst;
using (Tensor.NoGrad())
{
    var delta2 = 2.0 * (y - prediction) * prediction * (1.0 - prediction);
    var delta1 = delta2.MatMul(w2.T) * finalLayer1 * (1.0 - finalLayer1);
    var dWeights2 = finalLayer1.T.MatMul(delta2);
    var dWeights1 = x.T.MatMul(delta1);
    worst = Math.Max(MaxAbsDiff(w1.Grad!, -dWeights1), MaxAbsDiff(w2.Grad!, -dWeights2));
    if (b1 is not null)
    {
        worst = Math.Max(worst, MaxAbsDiff(b1.Grad!, -delta1.Sum(0)));
        worst = Math.Max(worst, MaxAbsDiff(b2!.Grad!, -delta2.Sum(0)));
    }
}
Console.WriteLine();
Console.WriteLine($"final loss {Fmt(finalLoss.Item())}");
Console.WriteLine("The tutorial's hand-derived d_weights are the descent direction (minus the gradient),");
Console.WriteLine($"so compare autograd's gradient with their negation: max |difference| = {worst.ToString("0.###e+00", CultureInfo.InvariantCulture)}");
return worst <= 1e-12 ? 0 : 1;

static double MaxAbsDiff(Tensor a, Tensor b) => (a - b).Abs().Max().Item();

static string Fmt(double v) => v.ToString("0.000000", CultureInfo.InvariantCulture);

static string Describe(Tensor t) => "[" + string.Join(", ", t.ToArray()) + "]ᵀ";

/// <summary>Command-line options: --seed N, --iterations N, --lr X, --bias, --targets a|b.</summary>
internal sealed record Options(int Seed, int Iterations, double LearningRate, bool Bias, string Variant)
{
    public static Options? Parse(string[] args)
    {
        var o = new Options(Seed: 1, Iterations: 1500, LearningRate: 1.0, Bias: false, Variant: "a");
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                o = args[i] switch
                {
                    "--seed" => o with { Seed = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--iterations" => o with { Iterations = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--lr" => o with { LearningRate = double.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--bias" => o with { Bias = true },
                    "--targets" => o with { Variant = Next() is var v && v is "a" or "b" ? v : throw new ArgumentException($"--targets takes a or b, not {v}") },
                    _ => throw new ArgumentException($"unknown option {args[i]}"),
                };
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                Console.Error.WriteLine("usage: TwoLayerNetwork [--seed N] [--iterations N] [--lr X] [--bias] [--targets a|b]");
                Console.Error.WriteLine("  --targets a: y = [0, 1, 1, 0] (default); b: y = [1, 1, 0, 0]");
                return null;
            }
        }
        return o;
    }
}
