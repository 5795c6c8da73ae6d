namespace AutoGradNet.NN;

/// <summary>
/// A fully connected layer, y = x·Wᵀ + b (PyTorch's <c>nn.Linear</c>): the weight has shape <c>[outFeatures,
/// inFeatures]</c> and Wᵀ is read as a transposed view (no copy); the input has shape <c>[..., inFeatures]</c>.
/// Default initialisation is PyTorch's: weight Kaiming uniform with a = √5, i.e. U(−1/√in, 1/√in), and bias
/// U(−1/√in, 1/√in), drawn weight first, then bias, from <c>random</c> (<see cref="Init.DefaultRandom"/> when null).
/// </summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer with PyTorch's default initialisation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A feature count is negative.</exception>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Random? random = null, DType dtype = DType.Float64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegative(outFeatures);
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"Linear: the dtype must be floating point, got {dtype}.", nameof(dtype));
        random ??= Init.DefaultRandom;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        var weight = RegisterParameter("weight", Tensor.Zeros([outFeatures, inFeatures], dtype));
        if (inFeatures > 0 && outFeatures > 0) Init.KaimingUniform(weight, random, a: Math.Sqrt(5));
        if (bias)
        {
            var b = RegisterParameter("bias", Tensor.Zeros([outFeatures], dtype));
            var bound = inFeatures > 0 ? 1 / Math.Sqrt(inFeatures) : 0;
            Init.Uniform(b, random, -bound, bound);
        }
    }

    /// <summary>The number of input features.</summary>
    public int InFeatures { get; }

    /// <summary>The number of output features.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, shape <c>[outFeatures, inFeatures]</c> (the registered tensor; re-read after <see cref="Module.To"/>).</summary>
    public Tensor Weight => GetParameter("weight");

    /// <summary>The bias, shape <c>[outFeatures]</c>, or <see langword="null"/> for a layer without one.</summary>
    public Tensor? Bias => TryGetParameter("bias");

    /// <summary>x·Wᵀ + b over the last axis of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">The last axis of the input is not <see cref="InFeatures"/> long.</exception>
    public override Tensor Forward(Tensor input)
    {
        Ops.Checks.NotNull(input, "Linear", "input");
        if (input.Rank == 0 || input.Shape[^1] != InFeatures)
            throw new ArgumentException($"Linear: expected an input of shape [..., {InFeatures}], got {input.Shape}.", nameof(input));
        var output = input.MatMul(Weight.T);
        return Bias is { } bias ? output + bias : output;
    }
}
