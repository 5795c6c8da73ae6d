using AutoGradNet.NN;
using AutoGradNet.Optim;

namespace AutoGradNet.Benchmarks;

/// <summary>
/// Issue 8's workloads W1–W4, written once with the public API and used by both the BenchmarkDotNet suites and the
/// <c>compare</c> mode. Each class builds its data in the constructor and exposes one unit of work.
/// </summary>
internal static class Workloads
{
    /// <summary>The seed every workload draws its data and weights from.</summary>
    public const int Seed = 1;
}

/// <summary>
/// W1: the tutorial network of examples/TwoLayerNetwork — float64, X 4×3, W1 3×4, W2 4×1, no bias, sum of squared
/// errors, and <c>W -= 1.0 * grad</c> under NoGrad. One <see cref="Step"/> is one training iteration.
/// </summary>
internal sealed class TutorialNetwork
{
    private readonly Tensor _x = Tensor.FromArray(new double[,] { { 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, 1 }, { 1, 1, 1 } });
    private readonly Tensor _y = Tensor.FromArray(new double[,] { { 0 }, { 1 }, { 1 }, { 0 } });
    private readonly bool _composed;
    private Tensor _w1 = null!;
    private Tensor _w2 = null!;

    /// <param name="composedSigmoid">True: the user-written 1/(1+exp(−x)); false: the library's <c>Sigmoid()</c>.</param>
    public TutorialNetwork(bool composedSigmoid)
    {
        _composed = composedSigmoid;
        Reset();
    }

    /// <summary>Draws fresh weights as the example does (<c>Tensor.Uniform</c> from <c>new Random(1)</c>).</summary>
    public void Reset()
    {
        var random = new Random(Workloads.Seed);
        _w1 = Tensor.Uniform([3, 4], random).RequireGrad();
        _w2 = Tensor.Uniform([4, 1], random).RequireGrad();
    }

    private Tensor Activate(Tensor x) => _composed ? 1.0 / (1.0 + (-x).Exp()) : x.Sigmoid();

    /// <summary>One iteration: forward, loss, backward, update; returns the loss tensor.</summary>
    public Tensor Step()
    {
        var layer1 = Activate(_x.MatMul(_w1));
        var output = Activate(layer1.MatMul(_w2));
        var loss = Functional.SumSquaredError(output, _y);
        loss.Backward();
        using (Tensor.NoGrad())
        {
            var w1 = _w1;
            w1 -= 1.0 * w1.Grad!;
            w1.ZeroGrad();
            var w2 = _w2;
            w2 -= 1.0 * w2.Grad!;
            w2.ZeroGrad();
        }
        return loss;
    }
}

/// <summary>
/// W2: MLP 784→256→256→10 in float32 (NN <c>Linear</c> layers with bias, ReLU), cross-entropy (mean), SGD lr 0.01,
/// batch 128 of fixed-seed random data. One <see cref="Step"/> is forward + backward + update.
/// </summary>
internal sealed class MlpTraining
{
    public const int Batch = 128;
    private readonly Sequential _model;
    private readonly SGD _optimizer;
    private readonly Tensor _input;
    private readonly Tensor _targets;

    public MlpTraining()
    {
        var random = new Random(Workloads.Seed);
        _model = new Sequential(
            new Linear(784, 256, random: random, dtype: DType.Float32),
            new ReLU(),
            new Linear(256, 256, random: random, dtype: DType.Float32),
            new ReLU(),
            new Linear(256, 10, random: random, dtype: DType.Float32));
        _optimizer = new SGD(_model.Parameters(), lr: 0.01);
        _input = Tensor.Normal([Batch, 784], 0, 1, random, DType.Float32);
        var classes = new long[Batch];
        for (var i = 0; i < Batch; i++) classes[i] = random.Next(10);
        _targets = Tensor.FromArray(classes, Batch);
    }

    /// <summary>One training step; returns the loss tensor.</summary>
    public Tensor Step()
    {
        _optimizer.ZeroGrad();
        var loss = Functional.CrossEntropy(_model.Call(_input), _targets);
        loss.Backward();
        _optimizer.Step();
        return loss;
    }

    /// <summary>One training step timed in three phases: forward (model and loss), backward, update (ZeroGrad + Step); seconds.</summary>
    public (double Forward, double Backward, double Update) StepPhases()
    {
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        var loss = Functional.CrossEntropy(_model.Call(_input), _targets);
        var t1 = System.Diagnostics.Stopwatch.GetTimestamp();
        loss.Backward();
        var t2 = System.Diagnostics.Stopwatch.GetTimestamp();
        _optimizer.Step();
        _optimizer.ZeroGrad();
        var t3 = System.Diagnostics.Stopwatch.GetTimestamp();
        double Seconds(long a, long b) => (double)(b - a) / System.Diagnostics.Stopwatch.Frequency;
        return (Seconds(t0, t1), Seconds(t1, t2), Seconds(t2, t3));
    }
}

/// <summary>
/// W3: per-op overhead. A float64 leaf x ([1] or [4,4]); a chain of <see cref="Ops"/> ops alternating
/// <c>y = y * c</c> (c a C# double) and <c>y = y + x</c>, then <c>y.Sum().Backward()</c>.
/// </summary>
internal sealed class OpChain
{
    public const int Ops = 1000;
    public const double C = 0.5;
    private readonly Tensor _x;

    public OpChain(int[] shape) => _x = Tensor.Uniform(shape, Workloads.Seed).RequireGrad();

    /// <summary>One chain, forward and backward; the leaf's gradient is reset (to null) first.</summary>
    public Tensor Run()
    {
        _x.ZeroGrad();
        var y = _x;
        for (var i = 0; i < Ops; i++)
            y = (i & 1) == 0 ? y * C : y + _x;
        y.Sum().Backward();
        return _x.Grad!;
    }
}

/// <summary>W4: C = A·B for square n×n operands of one dtype (uniform [0, 1) data, nothing requires grad).</summary>
internal sealed class SquareMatMul
{
    private readonly Tensor _a;
    private readonly Tensor _b;

    public SquareMatMul(int n, DType dtype)
    {
        N = n;
        _a = Tensor.Uniform([n, n], 0, 1, Workloads.Seed, dtype);
        _b = Tensor.Uniform([n, n], 0, 1, Workloads.Seed + 1, dtype);
    }

    public int N { get; }

    /// <summary>Floating-point operations of one product, 2n³.</summary>
    public double Flops => 2.0 * N * N * N;

    public Tensor Run() => _a.MatMul(_b);
}
