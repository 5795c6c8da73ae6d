namespace AutoGradNet;

public static partial class Functional
{
    /// <summary>The tutorial's loss: Σ (prediction − target)². Shapes must match exactly.</summary>
    public static Tensor SumSquaredError(Tensor prediction, Tensor target)
    {
        CheckSameShape(prediction, target, "SumSquaredError");
        return (prediction - target).Pow(2).Sum();
    }

    /// <summary>Mean squared error: mean of (prediction − target)². Shapes must match exactly.</summary>
    public static Tensor MseLoss(Tensor prediction, Tensor target)
    {
        CheckSameShape(prediction, target, "MseLoss");
        return (prediction - target).Pow(2).Mean();
    }

    /// <summary>
    /// Binary cross-entropy on probabilities: −mean[y·ln p + (1−y)·ln(1−p)], with each log clamped at −100
    /// as PyTorch does, so p = 0 or 1 gives a large finite loss instead of ∞.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ, or an input lies outside [0, 1].</exception>
    public static Tensor BinaryCrossEntropy(Tensor probability, Tensor target)
    {
        CheckSameShape(probability, target, "BinaryCrossEntropy");
        using (Tensor.NoGrad())
        {
            if (probability.Size > 0 && (probability.HasNaN() || probability.Min().Item() < 0 || probability.Max().Item() > 1))
            {
                throw new ArgumentException(
                    $"BinaryCrossEntropy: every input must be a probability in [0, 1], but the input of shape {probability.Shape} " +
                    $"ranges over [{probability.Min().Item()}, {probability.Max().Item()}]. For logits use BinaryCrossEntropyWithLogits.");
            }
        }
        var logP = ClampedLog(probability);
        var log1MinusP = ClampedLog(1.0 - probability);
        return -(target * logP + (1.0 - target) * log1MinusP).Mean();
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

    /// <summary>
    /// Binary cross-entropy on logits: mean[softplus(x) − y·x], which equals the probability form with p = σ(x)
    /// but stays exact and finite for large |x| (logits of ±60 and beyond).
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor target)
    {
        CheckSameShape(logits, target, "BinaryCrossEntropyWithLogits");
        return (Softplus(logits) - target * logits).Mean();
    }

    /// <summary>
    /// Cross-entropy from logits of shape <c>[N, C]</c> and integer class indices: −mean over the batch of
    /// log softmax(logits)[i, targets[i]].
    /// </summary>
    /// <exception cref="ArgumentException">The logits are not 2-D, the target count is not N, or a class index is outside [0, C).</exception>
    public static Tensor CrossEntropy(Tensor logits, int[] targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        return CrossEntropy(logits, Tensor.FromArray(targets));
    }

    /// <summary>
    /// Cross-entropy from logits of shape <c>[N, C]</c> and an <see cref="DType.Int64"/> tensor of N class indices:
    /// −mean over the batch of log softmax(logits)[i, targets[i]].
    /// </summary>
    /// <exception cref="ArgumentException">The logits are not 2-D, the targets are not N Int64 class indices in [0, C).</exception>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets)
    {
        Ops.Checks.NotNull(logits, "CrossEntropy", "logits");
        Ops.Checks.NotNull(targets, "CrossEntropy", "targets");
        if (logits.Rank != 2)
            throw new ArgumentException($"CrossEntropy: logits must have shape [N, C], got {logits.Shape}.", nameof(logits));
        int n = logits.Shape[0], c = logits.Shape[1];
        if (targets.DType != DType.Int64)
            throw new ArgumentException($"CrossEntropy: targets must be Int64 class indices, got {targets.DType} (shape {targets.Shape}).", nameof(targets));
        if (targets.Rank != 1 || targets.Size != n)
            throw new ArgumentException($"CrossEntropy: targets of shape {targets.Shape} for logits of shape {logits.Shape} (expected [{n}]).", nameof(targets));
        var classes = targets.ToArray<long>();
        var selected = new bool[n * c];
        for (var i = 0; i < n; i++)
        {
            if (classes[i] < 0 || classes[i] >= c)
                throw new ArgumentException($"CrossEntropy: target {i} is class {classes[i]}, outside [0, {c}) for logits of shape {logits.Shape}.", nameof(targets));
            selected[i * c + classes[i]] = true;
        }
        // Select the targets' log-probabilities rather than multiply by a one-hot: a masked logit of −∞ has
        // log-probability −∞, and −∞·0 would be NaN. An empty batch gives NaN, the mean of nothing, as in PyTorch.
        var mask = Tensor.FromArray(selected, n, c);
        return -Tensor.Where(mask, LogSoftmax(logits, axis: 1), 0.0).Sum() / n;
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
