using BenchmarkDotNet.Attributes;

namespace AutoGradNet.Benchmarks;

#pragma warning disable CA1707 // BenchmarkDotNet shows method names as they are; underscores read better in its tables.

/// <summary>W1: one iteration of the tutorial network (examples/TwoLayerNetwork), library and user-written sigmoid.</summary>
[MemoryDiagnoser]
public class W1TutorialBenchmarks
{
    private TutorialNetwork _library = null!;
    private TutorialNetwork _composed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _library = new TutorialNetwork(composedSigmoid: false);
        _composed = new TutorialNetwork(composedSigmoid: true);
    }

    [Benchmark(Baseline = true, Description = "W1 step, library Sigmoid()")]
    public Tensor LibrarySigmoid() => _library.Step();

    [Benchmark(Description = "W1 step, 1/(1+exp(-x))")]
    public Tensor ComposedSigmoid() => _composed.Step();
}

/// <summary>W2: one training step of the 784→256→256→10 float32 MLP (batch 128, SGD); bytes per step from MemoryDiagnoser.</summary>
[MemoryDiagnoser]
public class W2MlpBenchmarks
{
    private MlpTraining _mlp = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.MaxThreads = Threads;
        _mlp = new MlpTraining();
    }

    [Benchmark(Description = "W2 training step")]
    public Tensor Step() => _mlp.Step();
}

/// <summary>W3: per-op time of a 1000-op chain (y*c, y+x alternating) plus Sum and Backward; reported per op.</summary>
[MemoryDiagnoser]
public class W3OpChainBenchmarks
{
    private OpChain _chain = null!;

    [Params("1", "4x4")]
    public string Shape { get; set; } = "1";

    [GlobalSetup]
    public void Setup() => _chain = new OpChain(Shape == "1" ? [1] : [4, 4]);

    [Benchmark(OperationsPerInvoke = OpChain.Ops, Description = "W3 per op (forward + backward)")]
    public Tensor Chain() => _chain.Run();
}

/// <summary>W4: C = A·B, square n×n, float32/float64, 1 and 2 threads (<see cref="Parallelism.MaxThreads"/>).</summary>
[MemoryDiagnoser]
public class W4GemmBenchmarks
{
    private SquareMatMul _mm = null!;

    [Params(128, 256, 512, 1024, 2048)]
    public int N { get; set; }

    [Params(DType.Float32, DType.Float64)]
    public DType DType { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.MaxThreads = Threads;
        _mm = new SquareMatMul(N, DType);
    }

    [Benchmark(Description = "W4 C = A·B")]
    public Tensor MatMul() => _mm.Run();
}

/// <summary>
/// Main kernels: elementwise Add and Exp over 1e6 float32, Sum, and the matrix products of a Linear layer's forward
/// and backward (784→256, batch 128), operands read through transposed views as the autograd engine passes them.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private Tensor _a = null!;
    private Tensor _b = null!;
    private Tensor _input = null!;
    private Tensor _weight = null!;
    private Tensor _gradOutput = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.MaxThreads = Threads;
        _a = Tensor.Uniform([1_000_000], 0, 1, 1, DType.Float32);
        _b = Tensor.Uniform([1_000_000], 0, 1, 2, DType.Float32);
        _input = Tensor.Uniform([128, 784], -1, 1, 3, DType.Float32);
        _weight = Tensor.Uniform([256, 784], -1, 1, 4, DType.Float32);
        _gradOutput = Tensor.Uniform([128, 256], -1, 1, 5, DType.Float32);
    }

    [Benchmark(Description = "Add 1e6 float32")]
    public Tensor Add() => _a + _b;

    [Benchmark(Description = "Exp 1e6 float32")]
    public Tensor Exp() => _a.Exp();

    [Benchmark(Description = "Sum 1e6 float32")]
    public Tensor Sum() => _a.Sum();

    /// <summary>Forward: x·Wᵀ, [128,784]·[784,256] with Wᵀ a transposed view.</summary>
    [Benchmark(Description = "MatMul x·Wᵀ (Linear forward)")]
    public Tensor MatMul_Forward_NT() => _input.MatMul(_weight.T);

    /// <summary>Weight gradient: gᵀ·x, [256,128]·[128,784] with gᵀ a transposed view.</summary>
    [Benchmark(Description = "MatMul gᵀ·x (weight grad)")]
    public Tensor MatMul_WeightGrad_TN() => _gradOutput.T.MatMul(_input);

    /// <summary>Input gradient: g·W, [128,256]·[256,784].</summary>
    [Benchmark(Description = "MatMul g·W (input grad)")]
    public Tensor MatMul_InputGrad_NN() => _gradOutput.MatMul(_weight);
}
