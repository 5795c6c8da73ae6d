// A custom network the way PyTorch users write one: a Module subclass with two hidden layers, trained with
// DataLoader batches, cross-entropy and Adam on the two-moons data set; then a decision-boundary plot, a loss
// curve, and a safetensors checkpoint reloaded into a fresh model that must predict exactly the same classes.
using System.Globalization;
using AutoGradNet;
using AutoGradNet.Data;
using AutoGradNet.NN;
using AutoGradNet.Optim;
using AutoGradNet.Serialization;
using Spectre.Console;

var options = Options.Parse(args);
if (options is null) return 2;
Directory.CreateDirectory(options.OutputDirectory);

// Data: 1000 points, 800 to train on and 200 held out, both drawn from the seed.
var (points, labels) = Moons.Make(count: 1000, noise: 0.1, seed: options.Seed);
var order = Enumerable.Range(0, 1000).Select(i => (long)i).ToArray();
new Random(options.Seed + 1).Shuffle(order);
var trainIndex = Tensor.FromArray(order[..800]);
var testIndex = Tensor.FromArray(order[800..]);
var (trainX, trainY) = (points.IndexSelect(0, trainIndex), labels.IndexSelect(0, trainIndex));
var (testX, testY) = (points.IndexSelect(0, testIndex), labels.IndexSelect(0, testIndex));

var model = new MoonsClassifier(new Random(options.Seed + 2));
var loader = new DataLoader(new TensorDataset(trainX, trainY), batchSize: 32, shuffle: true, seed: options.Seed + 3);
var optimizer = new Adam(model.Parameters(), lr: 0.01);
Console.WriteLine($"Two moons: {trainX.Shape[0]} training and {testX.Shape[0]} test points, noise 0.1, seed {options.Seed}");
Console.WriteLine(model.Summary());

var history = new List<(int Epoch, double Loss, double TrainAccuracy, double TestAccuracy)>();
var losses = new double[options.Epochs];
void TrainEpoch(int epoch)
{
    model.Train();
    double total = 0;
    foreach (var batch in loader)
    {
        var (x, y) = (batch[0], batch[1]);
        var loss = Functional.CrossEntropy(model.Call(x), y);
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.Step();
        total += loss.Item() * x.Shape[0];
    }
    losses[epoch - 1] = total / trainX.Shape[0];
    if (epoch == 1 || epoch % 5 == 0)
        history.Add((epoch, losses[epoch - 1], Accuracy(model, trainX, trainY), Accuracy(model, testX, testY)));
}

if (AnsiConsole.Profile.Capabilities.Interactive)
{
    AnsiConsole.Progress().Start(context =>
    {
        var task = context.AddTask("Training", maxValue: options.Epochs);
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            TrainEpoch(epoch);
            task.Description = $"Training (loss {losses[epoch - 1]:F4})";
            task.Increment(1);
        }
    });
}
else
{
    for (var epoch = 1; epoch <= options.Epochs; epoch++)
    {
        TrainEpoch(epoch);
        if (epoch % 10 == 0) Console.WriteLine($"epoch {epoch,4}/{options.Epochs}   loss {losses[epoch - 1]:F4}");
    }
}

var table = new Table().AddColumns("epoch", "loss", "train accuracy", "test accuracy");
foreach (var (epoch, loss, train, test) in history)
    table.AddRow($"{epoch}", $"{loss:F4}", $"{train:P1}", $"{test:P1}");
AnsiConsole.Write(table);

var testAccuracy = Accuracy(model, testX, testY);
Console.WriteLine($"train accuracy {Accuracy(model, trainX, trainY):P1}, test accuracy {testAccuracy:P1} (target: 95.0 % or more)");

var boundaryFile = Plots.DecisionBoundary(model, points, labels, Path.Combine(options.OutputDirectory, "decision-boundary.png"));
var lossFile = Plots.LossCurve(losses, Path.Combine(options.OutputDirectory, "loss.png"));

// Save the trained weights, load them into a freshly initialised model, and compare every test prediction.
var checkpoint = Path.Combine(options.OutputDirectory, "moons.safetensors");
model.SaveSafetensors(checkpoint);
var reloaded = new MoonsClassifier(new Random(options.Seed + 99));
reloaded.LoadSafetensors(checkpoint);
var before = model.Predict(testX).ToArray<long>();
var after = reloaded.Predict(testX).ToArray<long>();
var identical = before.SequenceEqual(after);
Console.WriteLine($"checkpoint reloaded into a fresh model: its {after.Length} test predictions are {(identical ? "identical" : "DIFFERENT")}");
Console.WriteLine($"wrote {string.Join(", ", new[] { boundaryFile, lossFile, checkpoint }.Select(f => Path.GetRelativePath(options.OutputDirectory, f)))} to {options.OutputDirectory}");
return testAccuracy >= 0.95 && identical ? 0 : 1;

static double Accuracy(MoonsClassifier model, Tensor x, Tensor y) =>
    model.Predict(x).ElementwiseEquals(y).ToArray<bool>().Count(correct => correct) / (double)x.Shape[0];

/// <summary>2 inputs → 16 → 16 → 2 class scores, ReLU between the layers (PyTorch's default Linear initialisation).</summary>
internal sealed class MoonsClassifier : Module<Tensor, Tensor>
{
    private readonly Linear _hidden1;
    private readonly Linear _hidden2;
    private readonly Linear _output;

    public MoonsClassifier(Random random)
    {
        _hidden1 = RegisterModule("hidden1", new Linear(2, 16, random: random));
        _hidden2 = RegisterModule("hidden2", new Linear(16, 16, random: random));
        _output = RegisterModule("output", new Linear(16, 2, random: random));
    }

    public override Tensor Forward(Tensor input) =>
        _output.Call(_hidden2.Call(_hidden1.Call(input).Relu()).Relu());

    /// <summary>The predicted class of each row (Int64), in evaluation mode and without recording.</summary>
    public Tensor Predict(Tensor input)
    {
        using var _ = Tensor.NoGrad();
        Eval();
        return Call(input).ArgMax(1);
    }
}

/// <summary>scikit-learn's <c>make_moons</c>: two interleaving half circles with Gaussian noise.</summary>
internal static class Moons
{
    /// <summary>Points <c>[count, 2]</c> (Float64) and labels <c>[count]</c> (Int64: 0 outer moon, 1 inner moon).</summary>
    public static (Tensor Points, Tensor Labels) Make(int count, double noise, int seed)
    {
        var random = new Random(seed);
        var points = new double[count * 2];
        var labels = new long[count];
        var outer = count / 2;
        for (var i = 0; i < count; i++)
        {
            var t = random.NextDouble() * Math.PI;
            var inner = i >= outer;
            points[2 * i] = (inner ? 1 - Math.Cos(t) : Math.Cos(t)) + noise * Gaussian(random);
            points[(2 * i) + 1] = (inner ? 1 - Math.Sin(t) - 0.5 : Math.Sin(t)) + noise * Gaussian(random);
            labels[i] = inner ? 1 : 0;
        }
        return (Tensor.FromArray(points, count, 2), Tensor.FromArray(labels));
    }

    private static double Gaussian(Random random) => // Box–Muller
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

/// <summary>The two PNG figures, drawn with ScottPlot.</summary>
internal static class Plots
{
    private static readonly ScottPlot.Color[] ClassColors = [ScottPlot.Color.FromHex("#1f77b4"), ScottPlot.Color.FromHex("#d62728")];

    /// <summary>The predicted class over a grid, lightly colored, with every data point on top.</summary>
    public static string DecisionBoundary(MoonsClassifier model, Tensor points, Tensor labels, string path)
    {
        const int Columns = 240, Rows = 160;
        const double XMin = -1.6, XMax = 2.6, YMin = -1.1, YMax = 1.6;
        var grid = new double[Rows * Columns * 2];
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns; c++)
            {
                var i = (r * Columns) + c;
                grid[2 * i] = XMin + ((c + 0.5) * (XMax - XMin) / Columns);
                grid[(2 * i) + 1] = YMax - ((r + 0.5) * (YMax - YMin) / Rows); // row 0 is the top of the picture
            }
        }
        var predicted = model.Predict(Tensor.FromArray(grid, Rows * Columns, 2)).ToArray<long>();
        var classes = new double[Rows, Columns];
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns; c++) classes[r, c] = predicted[(r * Columns) + c];
        }

        var plot = new ScottPlot.Plot();
        var heatmap = plot.Add.Heatmap(classes);
        heatmap.Extent = new ScottPlot.CoordinateRect(XMin, XMax, YMin, YMax);
        heatmap.Colormap = new ScottPlot.Colormaps.Custom([ClassColors[0].Lighten(0.7), ClassColors[1].Lighten(0.7)], false);
        var xy = points.ToArray();
        var y = labels.ToArray<long>();
        for (var k = 0; k < 2; k++)
        {
            var members = Enumerable.Range(0, y.Length).Where(i => y[i] == k).ToArray();
            var markers = plot.Add.Markers(members.Select(i => xy[2 * i]).ToArray(), members.Select(i => xy[(2 * i) + 1]).ToArray(), ScottPlot.MarkerShape.FilledCircle, 4, ClassColors[k]);
            markers.LegendText = $"class {k}";
        }
        plot.Axes.SetLimits(XMin, XMax, YMin, YMax);
        plot.Title("Two moons: predicted class (background) and data points");
        plot.SavePng(path, 800, 540);
        return path;
    }

    /// <summary>The mean training loss of each epoch.</summary>
    public static string LossCurve(double[] losses, string path)
    {
        var plot = new ScottPlot.Plot();
        var line = plot.Add.Scatter(Enumerable.Range(1, losses.Length).Select(e => (double)e).ToArray(), losses);
        line.MarkerSize = 0;
        plot.Title("Training loss (cross-entropy, mean over the epoch)");
        plot.XLabel("epoch");
        plot.YLabel("loss");
        plot.SavePng(path, 800, 500);
        return path;
    }
}

/// <summary>Command-line options: <c>--out DIR</c>, <c>--seed N</c>, <c>--epochs N</c>.</summary>
internal sealed record Options(string OutputDirectory, int Seed, int Epochs)
{
    /// <summary>The options, or null after printing the reason and the usage to stderr (exit code 2).</summary>
    public static Options? Parse(string[] args)
    {
        var o = new Options(OutputDirectory: "custom-network-output", Seed: 0, Epochs: 30);
        for (var i = 0; i < args.Length; i++)
        {
            var option = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{option} needs a value");
            try
            {
                o = option switch
                {
                    "--out" => o with { OutputDirectory = Next() },
                    "--seed" => o with { Seed = WholeNumber(option, Next(), min: 0) },
                    "--epochs" => o with { Epochs = WholeNumber(option, Next(), min: 1) },
                    _ => throw new ArgumentException($"unknown option '{option}'"),
                };
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                Console.Error.WriteLine("usage: CustomNetwork [--out DIR] [--seed N] [--epochs N]");
                Console.Error.WriteLine("  --out DIR: where the PNGs and the checkpoint go (default ./custom-network-output)");
                Console.Error.WriteLine("  --seed N: 0 or more (default 0); --epochs N: 1 or more (default 30)");
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
}
