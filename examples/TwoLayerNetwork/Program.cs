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
if (worst <= 1e-12) return 0;

// Exit code 1: the run finished but its result is wrong. Say why, rather than leave only a number.
Console.Error.WriteLine(double.IsFinite(finalLoss.Item())
    ? "error: autograd's gradient and the hand-derived one differ by more than 1e-12 (max |difference| above)"
    : $"error: training diverged: the final loss is {Fmt(finalLoss.Item())}, so there is no gradient to check; try a smaller --lr");
return 1;

static double MaxAbsDiff(Tensor a, Tensor b) => (a - b).Abs().Max().Item();

static string Fmt(double v) => v.ToString("0.000000", CultureInfo.InvariantCulture);

static string Describe(Tensor t) => "[" + string.Join(", ", t.ToArray()) + "]ᵀ";

/// <summary>
/// Command-line options: --seed N, --iterations N, --lr X, --bias, --targets a|b. Numbers are read
/// with the invariant culture and without thousands separators, so "--lr 1,5" is an error, not 15.
/// </summary>
internal sealed record Options(int Seed, int Iterations, double LearningRate, bool Bias, string Variant)
{
    /// <summary>The options, or null after printing the reason and the usage to stderr (exit code 2).</summary>
    public static Options? Parse(string[] args)
    {
        var o = new Options(Seed: 1, Iterations: 1500, LearningRate: 1.0, Bias: false, Variant: "a");
        for (var i = 0; i < args.Length; i++)
        {
            var option = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{option} needs a value");
            try
            {
                o = option switch
                {
                    // new Random(-n) draws the same numbers as new Random(n), so only 0 and up are seeds.
                    "--seed" => o with { Seed = WholeNumber(option, Next(), min: 0) },
                    "--iterations" => o with { Iterations = WholeNumber(option, Next(), min: 1) },
                    "--lr" => o with { LearningRate = PositiveNumber(option, Next()) },
                    "--bias" => o with { Bias = true },
                    "--targets" => o with { Variant = Next() is var v && v is "a" or "b" ? v : throw new ArgumentException($"--targets takes a or b, not '{v}'") },
                    _ => throw new ArgumentException($"unknown option '{option}'"),
                };
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                Console.Error.WriteLine("usage: TwoLayerNetwork [--seed N] [--iterations N] [--lr X] [--bias] [--targets a|b]");
                Console.Error.WriteLine("  --seed N: 0 or more (default 1); --iterations N: 1 or more (default 1500)");
                Console.Error.WriteLine("  --lr X: a finite number greater than 0, such as 0.5 or 1e-2 (default 1)");
                Console.Error.WriteLine("  --targets a: y = [0, 1, 1, 0] (default); b: y = [1, 1, 0, 0]");
                return null;
            }
        }
        return o;
    }

    private static int WholeNumber(string option, string text, int min) =>
        !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? throw new ArgumentException($"{option} takes a whole number, not '{text}'")
            : n < min ? throw new ArgumentException($"{option} must be at least {min}, not '{text}'")
            : n;

    private static double PositiveNumber(string option, string text) =>
        !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            ? throw new ArgumentException($"{option} takes a number such as 0.5 or 1e-2 (a dot for decimals, no thousands separators), not '{text}'")
            : !double.IsFinite(x) ? throw new ArgumentException($"{option} must be a finite number, not '{text}'")
            : !(x > 0) ? throw new ArgumentException($"{option} must be greater than 0, not '{text}'")
            : x;
}
