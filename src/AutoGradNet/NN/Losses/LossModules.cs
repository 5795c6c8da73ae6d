namespace AutoGradNet.NN;

/// <summary>
/// The base of the loss modules (PyTorch's <c>torch.nn.*Loss</c>): a module of an input and a target that returns
/// the loss, computed by the matching <see cref="Functional"/> method with the options given at construction. Class
/// weights are registered as buffers (<c>weight</c>, <c>posWeight</c>), so they are saved in <see cref="Module.StateDict"/>
/// and follow <see cref="Module.To(DType)"/>, as in PyTorch; a loss has no parameters.
/// </summary>
public abstract class Loss : Module<Tensor, Tensor, Tensor>
{
    /// <summary>Creates a loss with the given <paramref name="reduction"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The reduction is not a defined value.</exception>
    /// <exception cref="ArgumentException">The reduction is <see cref="Reduction.BatchMean"/> and the loss does not accept it.</exception>
    private protected Loss(Reduction reduction, bool allowBatchMean = false)
    {
        if (!Enum.IsDefined(reduction))
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"{GetType().Name}: unknown reduction {reduction}; use None, Sum or Mean.");
        if (reduction == Reduction.BatchMean && !allowBatchMean)
            throw new ArgumentException($"{GetType().Name}: Reduction.BatchMean applies only to KlDivLoss; use None, Sum or Mean.", nameof(reduction));
        Reduction = reduction;
    }

    /// <summary>How the per-element losses are reduced.</summary>
    public Reduction Reduction { get; }

    /// <summary>Registers an optional weight tensor as a buffer (a detached view of it) when it is given.</summary>
    private protected void RegisterOptionalBuffer(string name, Tensor? value)
    {
        if (value is not null) RegisterBuffer(name, value.Detach());
    }
}

/// <summary>torch.nn.MSELoss: <see cref="Functional.MseLoss(Tensor, Tensor, Reduction)"/>, (x − y)² reduced.</summary>
/// <param name="reduction">How the per-element losses are reduced (mean by default).</param>
public sealed class MseLoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input1, Tensor input2) => Functional.MseLoss(input1, input2, Reduction);
}

/// <summary>torch.nn.L1Loss: <see cref="Functional.L1Loss"/>, |x − y| reduced.</summary>
/// <param name="reduction">How the per-element losses are reduced (mean by default).</param>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input1, Tensor input2) => Functional.L1Loss(input1, input2, Reduction);
}

/// <summary>torch.nn.SmoothL1Loss: <see cref="Functional.SmoothL1Loss"/>.</summary>
public sealed class SmoothL1Loss : Loss
{
    /// <summary>Creates the loss; β = 0 is the L1 loss.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is negative or NaN.</exception>
    public SmoothL1Loss(double beta = 1.0, Reduction reduction = Reduction.Mean) : base(reduction)
    {
        if (!(beta >= 0))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, $"SmoothL1Loss: beta must be at least 0, got {beta}.");
        Beta = beta;
    }

    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public double Beta { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input1, Tensor input2) => Functional.SmoothL1Loss(input1, input2, Beta, Reduction);
}

/// <summary>torch.nn.HuberLoss: <see cref="Functional.HuberLoss"/>.</summary>
public sealed class HuberLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is not positive.</exception>
    public HuberLoss(double delta = 1.0, Reduction reduction = Reduction.Mean) : base(reduction)
    {
        if (!(delta > 0))
            throw new ArgumentOutOfRangeException(nameof(delta), delta, $"HuberLoss: delta must be positive, got {delta}.");
        Delta = delta;
    }

    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public double Delta { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input1, Tensor input2) => Functional.HuberLoss(input1, input2, Delta, Reduction);
}

/// <summary>torch.nn.BCELoss: <see cref="Functional.BinaryCrossEntropy(Tensor, Tensor, Tensor?, Reduction)"/> on probabilities.</summary>
public sealed class BceLoss : Loss
{
    /// <summary>Creates the loss; <paramref name="weight"/> (optional, broadcast to the input) becomes the buffer <c>weight</c>.</summary>
    public BceLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean) : base(reduction) => RegisterOptionalBuffer("weight", weight);

    /// <inheritdoc />
    public override Tensor Forward(Tensor input1, Tensor input2) =>
        Functional.BinaryCrossEntropy(input1, input2, TryGetBuffer("weight"), Reduction);
}

/// <summary>torch.nn.BCEWithLogitsLoss: <see cref="Functional.BinaryCrossEntropyWithLogits(Tensor, Tensor, Tensor?, Tensor?, Reduction)"/>.</summary>
public sealed class BceWithLogitsLoss : Loss
{
    /// <summary>Creates the loss; the optional weights become the buffers <c>weight</c> and <c>posWeight</c>.</summary>
    public BceWithLogitsLoss(Tensor? weight = null, Tensor? posWeight = null, Reduction reduction = Reduction.Mean) : base(reduction)
    {
        RegisterOptionalBuffer("weight", weight);
        RegisterOptionalBuffer("posWeight", posWeight);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input1, Tensor input2) =>
        Functional.BinaryCrossEntropyWithLogits(input1, input2, TryGetBuffer("weight"), TryGetBuffer("posWeight"), Reduction);
}

/// <summary>torch.nn.NLLLoss: <see cref="Functional.NllLoss"/> of log-probabilities and Int64 class indices.</summary>
public sealed class NllLoss : Loss
{
    /// <summary>Creates the loss; <paramref name="weight"/> (<c>[C]</c>, optional) becomes the buffer <c>weight</c>.</summary>
    public NllLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean) : base(reduction)
    {
        RegisterOptionalBuffer("weight", weight);
        IgnoreIndex = ignoreIndex;
    }

    /// <summary>The target value that contributes nothing.</summary>
    public long IgnoreIndex { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input1, Tensor input2) =>
        Functional.NllLoss(input1, input2, TryGetBuffer("weight"), IgnoreIndex, Reduction);
}

/// <summary>
/// torch.nn.CrossEntropyLoss: <see cref="Functional.CrossEntropy(Tensor, Tensor, Tensor?, long, double, Reduction)"/>
/// of logits and either Int64 class indices or class probabilities.
/// </summary>
public sealed class CrossEntropyLoss : Loss
{
    /// <summary>Creates the loss; <paramref name="weight"/> (<c>[C]</c>, optional) becomes the buffer <c>weight</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1].</exception>
    public CrossEntropyLoss(Tensor? weight = null, long ignoreIndex = -100, double labelSmoothing = 0, Reduction reduction = Reduction.Mean)
        : base(reduction)
    {
        if (!(labelSmoothing is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, $"CrossEntropyLoss: labelSmoothing must lie in [0, 1], got {labelSmoothing}.");
        RegisterOptionalBuffer("weight", weight);
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>The class-index target value that contributes nothing.</summary>
    public long IgnoreIndex { get; }

    /// <summary>The label smoothing ε in [0, 1].</summary>
    public double LabelSmoothing { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input1, Tensor input2) =>
        Functional.CrossEntropy(input1, input2, TryGetBuffer("weight"), IgnoreIndex, LabelSmoothing, Reduction);
}

/// <summary>torch.nn.KLDivLoss: <see cref="Functional.KlDivLoss"/> of log-probabilities and a target distribution.</summary>
/// <param name="reduction">How the pointwise terms are reduced; <see cref="Reduction.BatchMean"/> gives the KL divergence per sample.</param>
/// <param name="logTarget">Whether the target is given as log-probabilities.</param>
public sealed class KlDivLoss(Reduction reduction = Reduction.Mean, bool logTarget = false) : Loss(reduction, allowBatchMean: true)
{
    /// <summary>Whether the target is given as log-probabilities.</summary>
    public bool LogTarget { get; } = logTarget;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input1, Tensor input2) => Functional.KlDivLoss(input1, input2, Reduction, LogTarget);
}
