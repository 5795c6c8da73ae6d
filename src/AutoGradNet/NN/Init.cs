namespace AutoGradNet.NN;

/// <summary>Which fan a Kaiming initialisation scales by (PyTorch's <c>mode</c>).</summary>
public enum FanMode
{
    /// <summary>The number of inputs of each output unit: preserves the variance of the forward pass (the default).</summary>
    FanIn,

    /// <summary>The number of outputs of each input unit: preserves the variance of the backward pass.</summary>
    FanOut,
}

/// <summary>The nonlinearity whose gain an initialisation uses (PyTorch's <c>calculate_gain</c> names).</summary>
public enum Nonlinearity
{
    /// <summary>Identity: gain 1.</summary>
    Linear,

    /// <summary>Sigmoid: gain 1.</summary>
    Sigmoid,

    /// <summary>Tanh: gain 5/3.</summary>
    Tanh,

    /// <summary>ReLU: gain √2.</summary>
    Relu,

    /// <summary>Leaky ReLU with negative slope <c>a</c> (0.01 when not given): gain √(2 / (1 + a²)).</summary>
    LeakyRelu,

    /// <summary>SELU: gain 3/4.</summary>
    Selu,
}

/// <summary>
/// Parameter initialisation (PyTorch's <c>torch.nn.init</c>): each method overwrites the values of the given tensor
/// IN PLACE under <see cref="Tensor.NoGrad"/> (so it works on parameters that require grad, and references to the
/// tensor stay valid) and returns it. Random draws come from the given <see cref="Random"/> or seed, in Float64 in
/// row-major order and are then converted to the tensor's dtype, so a run reproduces bit for bit.
/// </summary>
public static class Init
{
    [ThreadStatic]
    private static Random? _default;

    /// <summary>
    /// The generator layers use when they are not given one: per thread, seeded with 0 until <see cref="ManualSeed"/>
    /// reseeds it (PyTorch's <c>torch.manual_seed</c>), so a program that builds its model on one thread is reproducible.
    /// </summary>
    public static Random DefaultRandom => _default ??= new Random(0);

    /// <summary>Reseeds <see cref="DefaultRandom"/> on this thread.</summary>
    public static void ManualSeed(int seed) => _default = new Random(seed);

    /// <summary>
    /// The recommended gain for <paramref name="nonlinearity"/>, as PyTorch's <c>calculate_gain</c>: linear and sigmoid
    /// 1, tanh 5/3, ReLU √2, leaky ReLU √(2 / (1 + slope²)) with slope <paramref name="param"/> (default 0.01), SELU 3/4.
    /// </summary>
    public static double CalculateGain(Nonlinearity nonlinearity, double? param = null) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Sigmoid => 1.0,
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => Math.Sqrt(2.0 / (1 + (param ?? 0.01) * (param ?? 0.01))),
        Nonlinearity.Selu => 3.0 / 4,
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, $"CalculateGain: unknown nonlinearity {nonlinearity}."),
    };

    /// <summary>
    /// PyTorch's fans of a weight of shape <c>[out, in, k...]</c>: fan in = in · ∏k, fan out = out · ∏k.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dimensions.</exception>
    public static (int FanIn, int FanOut) CalculateFans(Tensor tensor)
    {
        Ops.Checks.NotNull(tensor, "CalculateFans", "tensor");
        if (tensor.Rank < 2)
            throw new ArgumentException($"CalculateFans: fans need a tensor of at least 2 dimensions, got shape {tensor.Shape}.", nameof(tensor));
        var receptive = 1;
        for (var i = 2; i < tensor.Rank; i++) receptive *= tensor.Shape[i];
        return (tensor.Shape[1] * receptive, tensor.Shape[0] * receptive);
    }

    /// <summary>Fills <paramref name="tensor"/> with values drawn uniformly from [<paramref name="low"/>, <paramref name="high"/>) (default [0, 1), the tutorial's).</summary>
    public static Tensor Uniform(Tensor tensor, Random random, double low = 0, double high = 1)
    {
        Check(tensor, "Uniform");
        return Write(tensor, Tensor.Uniform(tensor.Shape, low, high, random));
    }

    /// <summary>Fills <paramref name="tensor"/> with values drawn uniformly from [<paramref name="low"/>, <paramref name="high"/>) with a fixed <paramref name="seed"/>.</summary>
    public static Tensor Uniform(Tensor tensor, int seed, double low = 0, double high = 1) => Uniform(tensor, new Random(seed), low, high);

    /// <summary>Fills <paramref name="tensor"/> with values drawn from N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public static Tensor Normal(Tensor tensor, Random random, double mean = 0, double std = 1)
    {
        Check(tensor, "Normal");
        return Write(tensor, Tensor.Normal(tensor.Shape, mean, std, random));
    }

    /// <summary>Fills <paramref name="tensor"/> with values drawn from N(<paramref name="mean"/>, <paramref name="std"/>²) with a fixed <paramref name="seed"/>.</summary>
    public static Tensor Normal(Tensor tensor, int seed, double mean = 0, double std = 1) => Normal(tensor, new Random(seed), mean, std);

    /// <summary>Xavier/Glorot uniform: U(−b, b) with b = <paramref name="gain"/> · √(6 / (fan in + fan out)).</summary>
    public static Tensor XavierUniform(Tensor tensor, Random random, double gain = 1)
    {
        var (fanIn, fanOut) = CalculateFans(tensor);
        var bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform(tensor, random, -bound, bound);
    }

    /// <summary>Xavier/Glorot uniform with a fixed <paramref name="seed"/>.</summary>
    public static Tensor XavierUniform(Tensor tensor, int seed, double gain = 1) => XavierUniform(tensor, new Random(seed), gain);

    /// <summary>Xavier/Glorot normal: N(0, σ²) with σ = <paramref name="gain"/> · √(2 / (fan in + fan out)).</summary>
    public static Tensor XavierNormal(Tensor tensor, Random random, double gain = 1)
    {
        var (fanIn, fanOut) = CalculateFans(tensor);
        return Normal(tensor, random, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
    }

    /// <summary>Xavier/Glorot normal with a fixed <paramref name="seed"/>.</summary>
    public static Tensor XavierNormal(Tensor tensor, int seed, double gain = 1) => XavierNormal(tensor, new Random(seed), gain);

    /// <summary>
    /// Kaiming/He uniform: U(−b, b) with b = √3 · gain / √fan, gain = <see cref="CalculateGain"/>(<paramref name="nonlinearity"/>,
    /// <paramref name="a"/>) and fan chosen by <paramref name="mode"/>. PyTorch's defaults (a = 0, fan in, leaky ReLU) give
    /// the ReLU gain √2; a = √5 is PyTorch's default <c>Linear</c> weight, b = 1/√fan in.
    /// </summary>
    public static Tensor KaimingUniform(Tensor tensor, Random random, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
    {
        var bound = Math.Sqrt(3.0) * KaimingStd(tensor, a, mode, nonlinearity, "KaimingUniform");
        return Uniform(tensor, random, -bound, bound);
    }

    /// <summary>Kaiming/He uniform with a fixed <paramref name="seed"/>.</summary>
    public static Tensor KaimingUniform(Tensor tensor, int seed, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
        => KaimingUniform(tensor, new Random(seed), a, mode, nonlinearity);

    /// <summary>Kaiming/He normal: N(0, σ²) with σ = gain / √fan (gain and fan as in <see cref="KaimingUniform(Tensor, Random, double, FanMode, Nonlinearity)"/>).</summary>
    public static Tensor KaimingNormal(Tensor tensor, Random random, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
        => Normal(tensor, random, 0, KaimingStd(tensor, a, mode, nonlinearity, "KaimingNormal"));

    /// <summary>Kaiming/He normal with a fixed <paramref name="seed"/>.</summary>
    public static Tensor KaimingNormal(Tensor tensor, int seed, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
        => KaimingNormal(tensor, new Random(seed), a, mode, nonlinearity);

    /// <summary>Fills <paramref name="tensor"/> with zeros.</summary>
    public static Tensor Zeros(Tensor tensor) => Constant(tensor, 0);

    /// <summary>Fills <paramref name="tensor"/> with ones.</summary>
    public static Tensor Ones(Tensor tensor) => Constant(tensor, 1);

    /// <summary>Fills <paramref name="tensor"/> with <paramref name="value"/>.</summary>
    public static Tensor Constant(Tensor tensor, double value)
    {
        Ops.Checks.NotNull(tensor, "Constant", "tensor");
        using (Tensor.NoGrad()) tensor.Fill(value);
        return tensor;
    }

    private static double KaimingStd(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity, string op)
    {
        Check(tensor, op);
        var (fanIn, fanOut) = CalculateFans(tensor);
        var fan = mode == FanMode.FanIn ? fanIn : fanOut;
        if (fan == 0)
            throw new ArgumentException($"{op}: the fan is 0 for a tensor of shape {tensor.Shape}; nothing to initialise.", nameof(tensor));
        return CalculateGain(nonlinearity, a) / Math.Sqrt(fan);
    }

    private static void Check(Tensor tensor, string op)
    {
        Ops.Checks.NotNull(tensor, op, "tensor");
        if (!tensor.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: random initialisation needs a floating-point tensor, got {tensor.DType} (shape {tensor.Shape}).", nameof(tensor));
    }

    private static Tensor Write(Tensor tensor, Tensor values)
    {
        using (Tensor.NoGrad()) tensor.CopyFrom(values.ConvertedTo(tensor.DType));
        return tensor;
    }
}
