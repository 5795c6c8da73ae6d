namespace AutoGradNet;

// Classification losses over a class axis (axis 1): nll_loss, cross_entropy (class indices or class probabilities)
// and kl_div, with PyTorch's definitions of class weights, ignore_index and label smoothing. Everything is computed
// with tensor ops (LogSoftmax, Gather, IndexSelect, Where): the only loop reads the targets once to validate them.
public static partial class Functional
{
    /// <summary>
    /// torch.nn.functional.nll_loss: the loss of element n is −w[yₙ]·input[n, yₙ] (and 0 where yₙ =
    /// <paramref name="ignoreIndex"/>), for log-probabilities <paramref name="logProbabilities"/> of shape <c>[N, C]</c>
    /// (or <c>[N, C, d₁, …]</c>, with targets <c>[N, d₁, …]</c>) and <see cref="DType.Int64"/> class indices.
    /// <see cref="Reduction.None"/> gives the per-element losses (shape of the targets); <see cref="Reduction.Sum"/> their
    /// sum; <see cref="Reduction.Mean"/> (default) their sum divided by the sum of the weights of the non-ignored targets
    /// (the count when there are no weights), so a batch whose targets are all ignored gives NaN, as in PyTorch. The
    /// class weights (<c>[C]</c>) are not differentiated.
    /// </summary>
    /// <exception cref="ArgumentException">A shape or dtype is wrong, a target is outside [0, C) and not <paramref name="ignoreIndex"/> (the message names its position and class), or the reduction is <see cref="Reduction.BatchMean"/>.</exception>
    public static Tensor NllLoss(
        Tensor logProbabilities, Tensor targets, Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        const string op = "NllLoss";
        CheckReduction(reduction, op);
        CheckClassInput(logProbabilities, op, "input");
        CheckClassTargets(logProbabilities, targets, ignoreIndex, op, "input");
        CheckClassWeight(weight, logProbabilities, op);
        var (loss, counted) = WeightedNll(logProbabilities, targets, weight, ignoreIndex);
        return reduction switch
        {
            Reduction.None => loss,
            Reduction.Sum => loss.Sum(),
            _ => loss.Sum() / counted.Sum(),
        };
    }

    /// <summary>Cross-entropy with class indices given as a C# array, mean reduction, no weights or smoothing (kept so the method group converts to a delegate).</summary>
    /// <exception cref="ArgumentException">As <see cref="CrossEntropy(Tensor, Tensor, Tensor?, long, double, Reduction)"/>.</exception>
    public static Tensor CrossEntropy(Tensor logits, int[] targets) => CrossEntropy(logits, targets, null);

    /// <summary>Cross-entropy with mean reduction, no weights or smoothing (kept so the method group converts to a delegate).</summary>
    /// <exception cref="ArgumentException">As <see cref="CrossEntropy(Tensor, Tensor, Tensor?, long, double, Reduction)"/>.</exception>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets) => CrossEntropy(logits, targets, null);

    /// <summary>
    /// torch.nn.functional.cross_entropy with class indices given as a C# array: see
    /// <see cref="CrossEntropy(Tensor, Tensor, Tensor?, long, double, Reduction)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">As the tensor overload.</exception>
    public static Tensor CrossEntropy(
        Tensor logits, int[] targets, Tensor? weight = null, long ignoreIndex = -100, double labelSmoothing = 0,
        Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(targets);
        return CrossEntropy(logits, Tensor.FromArray(targets), weight, ignoreIndex, labelSmoothing, reduction);
    }

    /// <summary>
    /// torch.nn.functional.cross_entropy from unnormalized <paramref name="logits"/> of shape <c>[N, C]</c> (or
    /// <c>[N, C, d₁, …]</c>; the class axis is 1), with either kind of target:
    /// <list type="bullet">
    /// <item><description><b>class indices</b> (<see cref="DType.Int64"/>, shape <c>[N, d₁, …]</c>): with p = log softmax(logits)
    /// and ε = <paramref name="labelSmoothing"/>, the loss of element n is
    /// (1 − ε)·(−w[yₙ]·p[n, yₙ]) + (ε/C)·(−Σ_c w[c]·p[n, c]) (w = 1 without weights), and 0 where yₙ =
    /// <paramref name="ignoreIndex"/>. <see cref="Reduction.Mean"/> divides the sum by Σ w[yₙ] over the non-ignored
    /// targets — both terms, as PyTorch does — so all-ignored targets give NaN.</description></item>
    /// <item><description><b>class probabilities</b> (the logits' float dtype and shape): targets are first smoothed to
    /// (1 − ε)·t + ε/C; the loss of element n is −Σ_c w[c]·t[n, c]·p[n, c]; <see cref="Reduction.Mean"/> divides the sum
    /// by the number of elements N·d₁·… (not by the weights). <paramref name="ignoreIndex"/> does not apply and is
    /// ignored, as in PyTorch. The targets are differentiated too.</description></item>
    /// </list>
    /// <see cref="Reduction.None"/> gives the per-element losses (shape <c>[N, d₁, …]</c>). The class weights (<c>[C]</c>)
    /// are not differentiated. A masked logit of −∞ is fine for class-index targets without smoothing.
    /// </summary>
    /// <exception cref="ArgumentException">A shape or dtype is wrong (the message names both shapes), a class index is outside [0, C) and not <paramref name="ignoreIndex"/> (the message names its position and class), or the reduction is <see cref="Reduction.BatchMean"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1].</exception>
    public static Tensor CrossEntropy(
        Tensor logits, Tensor targets, Tensor? weight = null, long ignoreIndex = -100, double labelSmoothing = 0,
        Reduction reduction = Reduction.Mean)
    {
        const string op = "CrossEntropy";
        CheckReduction(reduction, op);
        CheckClassInput(logits, op, "logits");
        Ops.Checks.NotNull(targets, op, "targets");
        CheckClassWeight(weight, logits, op);
        if (!(labelSmoothing is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing,
                $"{op}: labelSmoothing must lie in [0, 1], got {labelSmoothing}.");
        }
        int c = logits.Shape[1];
        var weightView = weight is null ? null : ClassWeightView(weight.Detach(), logits.Rank);
        var logP = LogSoftmax(logits, axis: 1);

        if (targets.DType.IsFloatingPoint())
        {
            if (targets.Shape != logits.Shape)
            {
                throw new ArgumentException(
                    $"{op}: class-probability targets of shape {targets.Shape} must have the logits' shape {logits.Shape} " +
                    "(for class indices pass an Int64 tensor).", nameof(targets));
            }
            DTypes.Promote(logits, targets, op);
            var smoothed = labelSmoothing > 0 ? targets * (1 - labelSmoothing) + labelSmoothing / c : targets;
            var product = logP * smoothed;
            if (weightView is not null) product = product * weightView;
            var perElement = -product.Sum(1);
            return reduction switch
            {
                Reduction.None => perElement,
                Reduction.Sum => perElement.Sum(),
                _ => perElement.Mean(),
            };
        }

        CheckClassTargets(logits, targets, ignoreIndex, op, "logits");
        var (nll, counted) = WeightedNll(logP, targets, weight, ignoreIndex);
        if (labelSmoothing == 0)
        {
            return reduction switch
            {
                Reduction.None => nll,
                Reduction.Sum => nll.Sum(),
                _ => nll.Sum() / counted.Sum(),
            };
        }
        // PyTorch's smoothing term: −Σ_c w[c]·p[n, c], zero at ignored targets, reduced like the nll term.
        var ignored = targets.ElementwiseEquals(Tensor.Scalar(ignoreIndex, DType.Int64));
        var smooth = -(weightView is null ? logP : logP * weightView).Sum(1);
        smooth = smooth.MaskedFill(ignored, 0);
        double keep = 1 - labelSmoothing, spread = labelSmoothing / c;
        return reduction switch
        {
            Reduction.None => keep * nll + spread * smooth,
            Reduction.Sum => keep * nll.Sum() + spread * smooth.Sum(),
            _ => (keep * nll.Sum() + spread * smooth.Sum()) / counted.Sum(),
        };
    }

    /// <summary>
    /// torch.nn.functional.kl_div: the pointwise KL divergence between <paramref name="target"/> and the distribution
    /// whose log-probabilities are <paramref name="input"/>: t·(ln t − x) per element (0 where t = 0, PyTorch's xlogy),
    /// or with <paramref name="logTarget"/> (the target given as log-probabilities) eᵗ·(t − x). Then
    /// <paramref name="reduction"/>: <see cref="Reduction.BatchMean"/> (the sum over the size of axis 0) is the
    /// mathematical KL divergence per sample; <see cref="Reduction.Mean"/> (PyTorch's default, kept here) divides by the
    /// number of elements instead. Shapes must match. Differentiable in both arguments.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes or dtypes differ.</exception>
    public static Tensor KlDivLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, bool logTarget = false)
    {
        const string op = "KlDivLoss";
        CheckSameShape(input, target, op);
        CheckReduction(reduction, op, allowBatchMean: true);
        Tensor loss;
        if (logTarget)
        {
            loss = target.Exp() * (target - input);
        }
        else
        {
            // xlogy(t, t): ln only ever sees t ≠ 0, so t = 0 gives 0 with a finite gradient.
            var xlogy = target * Tensor.Where(target.ElementwiseEquals(Tensor.Scalar(0, target.DType)), 1.0, target).Log();
            loss = xlogy - target * input;
        }
        return Reduce(loss, reduction, op);
    }

    /// <summary>
    /// The per-element −w[yₙ]·p[n, yₙ] (0 at ignored targets) and the weights that count (w[yₙ], 0 at ignored
    /// targets), both of the targets' shape.
    /// </summary>
    private static (Tensor Loss, Tensor Counted) WeightedNll(Tensor logP, Tensor targets, Tensor? weight, long ignoreIndex)
    {
        var ignored = targets.ElementwiseEquals(Tensor.Scalar(ignoreIndex, DType.Int64));
        var safe = Tensor.Where(ignored, Tensor.Scalar(0, DType.Int64), targets); // ignored targets read class 0, then are masked
        var picked = logP.Gather(1, safe.Unsqueeze(1)).Squeeze(1);
        var counted = weight is null
            ? Tensor.Where(ignored, 0.0, 1.0, logP.DType)
            : weight.Detach().IndexSelect(0, safe.Flatten()).Reshape(targets.Shape).MaskedFill(ignored, 0);
        // Masking the product, not just the weight, keeps an ignored row's −∞ log-probability from giving 0·(−∞) = NaN.
        var loss = (-(picked * counted)).MaskedFill(ignored, 0);
        return (loss, counted);
    }

    /// <summary>The class weights shaped <c>[1, C, 1, …]</c> to broadcast along axis 1 of a rank-<paramref name="rank"/> input.</summary>
    private static Tensor ClassWeightView(Tensor weight, int rank)
    {
        var shape = new int[rank];
        Array.Fill(shape, 1);
        shape[1] = weight.Shape[0];
        return weight.Reshape(shape);
    }

    private static void CheckClassInput(Tensor input, string op, string name)
    {
        Ops.Checks.NotNull(input, op, name);
        if (input.Rank < 2)
            throw new ArgumentException($"{op}: {name} must have shape [N, C] or [N, C, d1, ...], got {input.Shape}.", name);
        if (!input.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: {name} must be floating point, got {input.DType} (shape {input.Shape}).", name);
    }

    private static void CheckClassWeight(Tensor? weight, Tensor input, string op)
    {
        if (weight is null) return;
        int c = input.Shape[1];
        if (weight.Rank != 1 || weight.Shape[0] != c)
            throw new ArgumentException($"{op}: the class weight must have shape [{c}] (one per class) for input of shape {input.Shape}, got {weight.Shape}.", nameof(weight));
        if (weight.DType != input.DType)
            throw new ArgumentException($"{op}: the class weight has dtype {weight.DType} but the input has dtype {input.DType}; they must match.", nameof(weight));
    }

    /// <summary>
    /// Class-index targets: Int64, of the input's shape without axis 1, each in [0, C) or equal to
    /// <paramref name="ignoreIndex"/>; the first bad one is named with its position.
    /// </summary>
    private static void CheckClassTargets(Tensor input, Tensor targets, long ignoreIndex, string op, string inputName)
    {
        Ops.Checks.NotNull(targets, op, "targets");
        if (targets.DType != DType.Int64)
        {
            throw new ArgumentException(
                $"{op}: targets must be Int64 class indices{(op == "CrossEntropy" ? " or floating-point class probabilities" : "")}, " +
                $"got {targets.DType} (shape {targets.Shape}).", nameof(targets));
        }
        var expected = new Shape([input.Shape[0], .. input.Shape.ToArray()[2..]]);
        if (targets.Shape != expected)
        {
            throw new ArgumentException(
                $"{op}: targets of shape {targets.Shape} do not fit {inputName} of shape {input.Shape} (expected {expected}).", nameof(targets));
        }
        int c = input.Shape[1];
        var classes = targets.Dense<long>();
        for (var i = 0; i < classes.Length; i++)
        {
            var v = classes[i];
            if (v == ignoreIndex || (v >= 0 && v < c)) continue;
            throw new ArgumentException(
                $"{op}: the target at position {new Shape(Ops.IndexChecks.Position(targets.Shape, i))} is class {v}, outside [0, {c}) " +
                $"for {inputName} of shape {input.Shape} (and not ignoreIndex {ignoreIndex}).", nameof(targets));
        }
    }
}
