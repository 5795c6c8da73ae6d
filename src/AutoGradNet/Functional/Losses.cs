namespace AutoGradNet;

// Regression and binary losses (torch.nn.functional's mse_loss, l1_loss, smooth_l1_loss, huber_loss,
// binary_cross_entropy, binary_cross_entropy_with_logits). Each is composed of primitive ops, so its gradient comes
// from the graph. Unlike PyTorch, input and target must have the same shape: PyTorch broadcasts them with a warning,
// which silently computes a different loss.
public static partial class Functional
{
    /// <summary>The tutorial's loss: Σ (prediction − target)², the same as <see cref="MseLoss(Tensor, Tensor, Reduction)"/> with <see cref="Reduction.Sum"/>. Shapes must match exactly.</summary>
    public static Tensor SumSquaredError(Tensor prediction, Tensor target)
    {
        CheckSameShape(prediction, target, "SumSquaredError");
        return (prediction - target).Pow(2).Sum();
    }

    /// <summary>Mean squared error, <see cref="MseLoss(Tensor, Tensor, Reduction)"/> with <see cref="Reduction.Mean"/> (kept so the two-argument method group still converts to a delegate).</summary>
    /// <exception cref="ArgumentException">The shapes or dtypes differ.</exception>
    public static Tensor MseLoss(Tensor prediction, Tensor target) => MseLoss(prediction, target, Reduction.Mean);

    /// <summary>
    /// torch.nn.functional.mse_loss: (prediction − target)² per element, then <paramref name="reduction"/> (mean by
    /// default). Shapes must match exactly. Differentiable in both arguments.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes or dtypes differ, or the reduction is <see cref="Reduction.BatchMean"/>.</exception>
    public static Tensor MseLoss(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean)
    {
        const string op = "MseLoss";
        CheckSameShape(prediction, target, op);
        CheckReduction(reduction, op);
        return Reduce((prediction - target).Pow(2), reduction, op);
    }

    /// <summary>
    /// torch.nn.functional.l1_loss: |prediction − target| per element, then <paramref name="reduction"/>. The gradient at
    /// prediction = target is 0, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes or dtypes differ, or the reduction is <see cref="Reduction.BatchMean"/>.</exception>
    public static Tensor L1Loss(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean)
    {
        const string op = "L1Loss";
        CheckSameShape(prediction, target, op);
        CheckReduction(reduction, op);
        return Reduce((prediction - target).Abs(), reduction, op);
    }

    /// <summary>
    /// torch.nn.functional.smooth_l1_loss: with d = prediction − target, ½d²/β where |d| &lt; β and |d| − ½β elsewhere,
    /// then <paramref name="reduction"/>. β = 0 is <see cref="L1Loss"/>, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes or dtypes differ, or the reduction is <see cref="Reduction.BatchMean"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is negative or NaN.</exception>
    public static Tensor SmoothL1Loss(Tensor prediction, Tensor target, double beta = 1.0, Reduction reduction = Reduction.Mean)
    {
        const string op = "SmoothL1Loss";
        CheckSameShape(prediction, target, op);
        CheckReduction(reduction, op);
        if (!(beta >= 0))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, $"{op}: beta must be at least 0, got {beta}.");
        var d = prediction - target;
        var abs = d.Abs();
        if (beta == 0) return Reduce(abs, reduction, op);
        var loss = Tensor.Where(abs < beta, 0.5 * d * d / beta, abs - 0.5 * beta);
        return Reduce(loss, reduction, op);
    }

    /// <summary>
    /// torch.nn.functional.huber_loss: with d = prediction − target, ½d² where |d| &lt; δ and δ(|d| − ½δ) elsewhere,
    /// then <paramref name="reduction"/>. Equals δ · <see cref="SmoothL1Loss"/> with β = δ.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes or dtypes differ, or the reduction is <see cref="Reduction.BatchMean"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is not positive.</exception>
    public static Tensor HuberLoss(Tensor prediction, Tensor target, double delta = 1.0, Reduction reduction = Reduction.Mean)
    {
        const string op = "HuberLoss";
        CheckSameShape(prediction, target, op);
        CheckReduction(reduction, op);
        if (!(delta > 0))
            throw new ArgumentOutOfRangeException(nameof(delta), delta, $"{op}: delta must be positive, got {delta}.");
        var d = prediction - target;
        var abs = d.Abs();
        var loss = Tensor.Where(abs < delta, 0.5 * d * d, delta * (abs - 0.5 * delta));
        return Reduce(loss, reduction, op);
    }

    /// <summary>Binary cross-entropy with mean reduction and no weight: see <see cref="BinaryCrossEntropy(Tensor, Tensor, Tensor?, Reduction)"/>.</summary>
    /// <exception cref="ArgumentException">The shapes differ, or an input lies outside [0, 1].</exception>
    public static Tensor BinaryCrossEntropy(Tensor probability, Tensor target) => BinaryCrossEntropy(probability, target, null, Reduction.Mean);

    /// <summary>
    /// torch.nn.functional.binary_cross_entropy on probabilities: −w·[y·ln p + (1−y)·ln(1−p)] per element, then
    /// <paramref name="reduction"/> (mean by default, over all elements). Each log is clamped at −100 as PyTorch does,
    /// so p = 0 or 1 gives a large finite loss instead of ∞. The optional <paramref name="weight"/> broadcasts to the
    /// input's shape and is not differentiated (PyTorch does not differentiate it either).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ, the weight does not broadcast, an input lies outside [0, 1], or the reduction is <see cref="Reduction.BatchMean"/>.</exception>
    public static Tensor BinaryCrossEntropy(Tensor probability, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        const string op = "BinaryCrossEntropy";
        CheckSameShape(probability, target, op);
        CheckReduction(reduction, op);
        CheckBroadcastWeight(weight, probability, op, "weight");
        using (Tensor.NoGrad())
        {
            if (probability.Size > 0 && (probability.HasNaN() || probability.Min().Item() < 0 || probability.Max().Item() > 1))
            {
                throw new ArgumentException(
                    $"{op}: every input must be a probability in [0, 1], but the input of shape {probability.Shape} " +
                    $"ranges over [{probability.Min().Item()}, {probability.Max().Item()}]. For logits use BinaryCrossEntropyWithLogits.");
            }
        }
        var logP = ClampedLog(probability);
        var log1MinusP = ClampedLog(1.0 - probability);
        var loss = -(target * logP + (1.0 - target) * log1MinusP);
        if (weight is not null) loss = loss * weight.Detach();
        return Reduce(loss, reduction, op);
    }

    /// <summary>
    /// max(ln p, −100), with p ≤ 0 sent straight to −100. Clamping ln 0 = −∞ only afterwards would leave the
    /// backward of ln computing 0 · (1/0) = NaN for p = 0; here ln only ever sees positive values, and the clamped
    /// elements get the clamp's derivative, 0.
    /// </summary>
    private static Tensor ClampedLog(Tensor p)
    {
        var positive = p > 0;
        var log = Tensor.Where(positive, p, 1.0).Log().Maximum(Tensor.Scalar(-100, p.DType));
        return Tensor.Where(positive, log, -100.0);
    }

    /// <summary>Binary cross-entropy on logits with mean reduction and no weights: see <see cref="BinaryCrossEntropyWithLogits(Tensor, Tensor, Tensor?, Tensor?, Reduction)"/>.</summary>
    /// <exception cref="ArgumentException">The shapes or dtypes differ.</exception>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor target) => BinaryCrossEntropyWithLogits(logits, target, null, null, Reduction.Mean);

    /// <summary>
    /// torch.nn.functional.binary_cross_entropy_with_logits, PyTorch's stable form:
    /// w·[(1 − y)·x + (1 + (pw − 1)·y)·softplus(−x)] per element, then <paramref name="reduction"/>. Without
    /// <paramref name="posWeight"/> (pw = 1) this is softplus(x) − y·x, the probability form with p = σ(x), exact and
    /// finite for large |x|. <paramref name="posWeight"/> scales the positive term y·(−ln σ(x)); it broadcasts against
    /// the input along the last axis (usually one value per class). Both weights broadcast to the input's shape and
    /// are not differentiated; the input and the target are.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes or dtypes differ, a weight does not broadcast, or the reduction is <see cref="Reduction.BatchMean"/>.</exception>
    public static Tensor BinaryCrossEntropyWithLogits(
        Tensor logits, Tensor target, Tensor? weight = null, Tensor? posWeight = null, Reduction reduction = Reduction.Mean)
    {
        const string op = "BinaryCrossEntropyWithLogits";
        CheckSameShape(logits, target, op);
        CheckReduction(reduction, op);
        CheckBroadcastWeight(weight, logits, op, "weight");
        CheckBroadcastWeight(posWeight, logits, op, "posWeight");
        var softplusMinusX = Softplus(-logits);
        var positiveScale = posWeight is null ? softplusMinusX : (1.0 + (posWeight.Detach() - 1.0) * target) * softplusMinusX;
        var loss = (1.0 - target) * logits + positiveScale;
        if (weight is not null) loss = loss * weight.Detach();
        return Reduce(loss, reduction, op);
    }

    /// <summary>Applies <paramref name="reduction"/> to per-element losses (BatchMean divides the sum by axis 0's size).</summary>
    private static Tensor Reduce(Tensor loss, Reduction reduction, string op) => reduction switch
    {
        Reduction.None => loss,
        Reduction.Sum => loss.Sum(),
        Reduction.Mean => loss.Mean(),
        Reduction.BatchMean => loss.Sum() / (loss.Rank == 0 ? 1 : loss.Shape[0]),
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"{op}: unknown reduction {reduction}."),
    };

    /// <summary>Rejects an undefined reduction, and <see cref="Reduction.BatchMean"/> unless the loss accepts it.</summary>
    private static void CheckReduction(Reduction reduction, string op, bool allowBatchMean = false)
    {
        if (!Enum.IsDefined(reduction))
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"{op}: unknown reduction {reduction}; use None, Sum or Mean.");
        if (reduction == Reduction.BatchMean && !allowBatchMean)
            throw new ArgumentException($"{op}: Reduction.BatchMean applies only to KlDivLoss; use None, Sum or Mean.", nameof(reduction));
    }

    /// <summary>An optional weight must be floating point, of the input's dtype, and broadcast to the input's shape.</summary>
    private static void CheckBroadcastWeight(Tensor? weight, Tensor input, string op, string name)
    {
        if (weight is null) return;
        if (weight.DType != input.DType)
        {
            throw new ArgumentException(
                $"{op}: {name} has dtype {weight.DType} (shape {weight.Shape}) but the input has dtype {input.DType}; they must match.", name);
        }
        if (!weight.Shape.CanBroadcastTo(input.Shape))
            throw new ArgumentException($"{op}: {name} of shape {weight.Shape} does not broadcast to the input's shape {input.Shape}.", name);
    }

    private static void CheckSameShape(Tensor prediction, Tensor target, string op)
    {
        Ops.Checks.NotNull(prediction, op, "prediction");
        Ops.Checks.NotNull(target, op, "target");
        if (prediction.Shape != target.Shape)
        {
            throw new ArgumentException(
                $"{op}: input shape {prediction.Shape} and target shape {target.Shape} differ. " +
                "Reshape one of them: a silent broadcast here would compute a different loss.");
        }
        DTypes.Promote(prediction, target, op); // a Float32/Float64 mix is named here, not inside Sub
    }
}
