namespace AutoGradNet.NN;

/// <summary>
/// Layer normalisation over the last axes (PyTorch's <c>nn.LayerNorm</c>): y = (x − mean) / √(var + ε) · γ + β, the
/// mean and the biased variance taken over the trailing <c>normalizedShape</c> axes of each sample; γ (weight, ones)
/// and β (bias, zeros) have that shape when <c>elementwiseAffine</c>. Same behaviour in training and evaluation.
/// </summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    private readonly int[] _axes;

    /// <summary>Creates the layer for inputs ending in <paramref name="normalizedShape"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="normalizedShape"/> is empty or has a negative size; <paramref name="eps"/> is negative.</exception>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float64)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d < 0))
            throw new ArgumentException($"LayerNorm: normalizedShape must be non-empty with sizes >= 0, got [{string.Join(", ", normalizedShape)}].", nameof(normalizedShape));
        if (!(eps >= 0)) throw new ArgumentException($"LayerNorm: eps must be >= 0, got {eps}.", nameof(eps));
        NormalizedShape = new Shape(normalizedShape);
        Eps = eps;
        _axes = [.. Enumerable.Range(-normalizedShape.Length, normalizedShape.Length)];
        if (elementwiseAffine)
        {
            RegisterParameter("weight", Tensor.Ones(NormalizedShape, dtype));
            RegisterParameter("bias", Tensor.Zeros(NormalizedShape, dtype));
        }
    }

    /// <summary>Creates the layer normalising the last axis, of size <paramref name="normalizedSize"/>.</summary>
    public LayerNorm(int normalizedSize, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float64)
        : this([normalizedSize], eps, elementwiseAffine, dtype)
    {
    }

    /// <summary>The trailing shape normalised.</summary>
    public Shape NormalizedShape { get; }

    /// <summary>ε added to the variance.</summary>
    public double Eps { get; }

    /// <summary>γ, or <see langword="null"/> without the affine part.</summary>
    public Tensor? Weight => TryGetParameter("weight");

    /// <summary>β, or <see langword="null"/> without the affine part.</summary>
    public Tensor? Bias => TryGetParameter("bias");

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input does not end in <see cref="NormalizedShape"/>.</exception>
    public override Tensor Forward(Tensor input)
    {
        Ops.Checks.NotNull(input, "LayerNorm", "input");
        var k = NormalizedShape.Rank;
        if (input.Rank < k || !Enumerable.Range(0, k).All(i => input.Shape[input.Rank - k + i] == NormalizedShape[i]))
            throw new ArgumentException($"LayerNorm: expected an input of shape [..., {string.Join(", ", Enumerable.Range(0, k).Select(i => NormalizedShape[i]))}], got {input.Shape}.", nameof(input));
        var mean = input.Mean(_axes, keepDim: true);
        var centered = input - mean;
        var variance = centered.Square().Mean(_axes, keepDim: true);
        var output = centered * (variance + Eps).Rsqrt();
        if (Weight is { } weight) output = output * weight;
        if (Bias is { } bias) output = output + bias;
        return output;
    }
}

/// <summary>
/// Batch normalisation over the batch (PyTorch's <c>nn.BatchNorm1d</c>) for inputs <c>[N, C]</c> or <c>[N, C, L]</c>:
/// y = (x − mean) / √(var + ε) · γ + β per channel. In training mode (or without running statistics) the mean and the
/// BIASED variance of the batch normalise it; with <c>trackRunningStats</c>, training also updates the buffers
/// <c>running_mean</c> ← (1 − m)·running_mean + m·mean and <c>running_var</c> ← (1 − m)·running_var + m·var with the
/// UNBIASED variance (n/(n − 1)), and counts <c>num_batches_tracked</c>; a null momentum uses the cumulative average
/// m = 1/num_batches_tracked. In evaluation mode the running statistics normalise, exactly as in PyTorch.
/// </summary>
public sealed class BatchNorm1d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer for <paramref name="numFeatures"/> channels.</summary>
    /// <exception cref="ArgumentException">A negative size, eps or momentum.</exception>
    public BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numFeatures);
        if (!(eps >= 0)) throw new ArgumentException($"BatchNorm1d: eps must be >= 0, got {eps}.", nameof(eps));
        if (momentum is { } m && !(m >= 0 && m <= 1)) throw new ArgumentException($"BatchNorm1d: momentum must be in [0, 1], got {m}.", nameof(momentum));
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            RegisterParameter("weight", Tensor.Ones([numFeatures], dtype));
            RegisterParameter("bias", Tensor.Zeros([numFeatures], dtype));
        }
        if (trackRunningStats)
        {
            RegisterBuffer("running_mean", Tensor.Zeros([numFeatures], dtype));
            RegisterBuffer("running_var", Tensor.Ones([numFeatures], dtype));
            RegisterBuffer("num_batches_tracked", Tensor.Zeros([], DType.Int64));
        }
    }

    /// <summary>The number of channels C.</summary>
    public int NumFeatures { get; }

    /// <summary>ε added to the variance.</summary>
    public double Eps { get; }

    /// <summary>The running statistics' update factor, or <see langword="null"/> for the cumulative average.</summary>
    public double? Momentum { get; }

    /// <summary>γ, or <see langword="null"/> without the affine part.</summary>
    public Tensor? Weight => TryGetParameter("weight");

    /// <summary>β, or <see langword="null"/> without the affine part.</summary>
    public Tensor? Bias => TryGetParameter("bias");

    /// <summary>The running mean buffer, or <see langword="null"/> without running statistics.</summary>
    public Tensor? RunningMean => TryGetBuffer("running_mean");

    /// <summary>The running (unbiased) variance buffer, or <see langword="null"/> without running statistics.</summary>
    public Tensor? RunningVar => TryGetBuffer("running_var");

    /// <summary>The number of training batches seen (Int64 scalar), or <see langword="null"/> without running statistics.</summary>
    public Tensor? NumBatchesTracked => TryGetBuffer("num_batches_tracked");

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input is not <c>[N, C]</c> or <c>[N, C, L]</c> with C = <see cref="NumFeatures"/>, or a training batch has one value per channel.</exception>
    public override Tensor Forward(Tensor input)
    {
        Ops.Checks.NotNull(input, "BatchNorm1d", "input");
        if ((input.Rank != 2 && input.Rank != 3) || input.Shape[1] != NumFeatures)
            throw new ArgumentException($"BatchNorm1d: expected an input of shape [N, {NumFeatures}] or [N, {NumFeatures}, L], got {input.Shape}.", nameof(input));
        int[] axes = input.Rank == 2 ? [0] : [0, 2];
        int[] channelShape = input.Rank == 2 ? [1, NumFeatures] : [1, NumFeatures, 1];
        Tensor normalized;
        if (IsTraining || RunningMean is null)
        {
            var count = input.Size / Math.Max(NumFeatures, 1);
            if (IsTraining && count <= 1)
                throw new ArgumentException($"BatchNorm1d: expected more than 1 value per channel when training, got input shape {input.Shape}.", nameof(input));
            var mean = input.Mean(axes, keepDim: true);
            var centered = input - mean;
            var variance = centered.Square().Mean(axes, keepDim: true);
            normalized = centered * (variance + Eps).Rsqrt();
            if (IsTraining && RunningMean is { } runningMean)
            {
                var tracked = NumBatchesTracked!;
                using (Tensor.NoGrad())
                {
                    tracked.AddInPlace(Tensor.Scalar(1, DType.Int64));
                    var factor = Momentum ?? 1.0 / tracked.Item();
                    var batchMean = mean.Detach().Reshape([NumFeatures]);
                    var unbiased = variance.Detach().Reshape([NumFeatures]) * ((double)count / (count - 1));
                    runningMean.CopyFrom(runningMean * (1 - factor) + batchMean * factor);
                    RunningVar!.CopyFrom(RunningVar * (1 - factor) + unbiased * factor);
                }
            }
        }
        else
        {
            normalized = (input - RunningMean.Reshape(channelShape)) * (RunningVar!.Reshape(channelShape) + Eps).Rsqrt();
        }
        if (Weight is { } weight) normalized = normalized * weight.Reshape(channelShape);
        if (Bias is { } bias) normalized = normalized + bias.Reshape(channelShape);
        return normalized;
    }
}
