using System.Globalization;

namespace AutoGradNet.Optim;

/// <summary>
/// The base of the learning-rate schedules. A schedule remembers each group's learning rate when it is built (the
/// base rates), sets every group's <see cref="ParameterGroup.LearningRate"/> to its value at step 0 right away, and to
/// its value at the next step on each <see cref="Step"/> (call it after <see cref="Optimizer.Step"/>, as in PyTorch).
/// Each schedule is computed from its closed form in the step count, so it does not drift.
/// </summary>
public abstract class LRScheduler
{
    private double[] _baseLearningRates = [];
    private double[] _last = [];

    /// <summary>Takes the optimizer's current learning rates as the base rates.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    private protected LRScheduler(Optimizer optimizer, string name)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer), $"{name}: the optimizer is null.");
        Name = name;
        _baseLearningRates = [.. optimizer.ParamGroups.Select(g => g.LearningRate)];
    }

    /// <summary>The optimizer whose learning rates this schedule sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The schedule's name, used in error messages.</summary>
    public string Name { get; }

    /// <summary>The number of <see cref="Step"/> calls so far (PyTorch's <c>last_epoch</c>): 0 right after construction.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>Each group's learning rate when the schedule was built.</summary>
    public IReadOnlyList<double> BaseLearningRates => _baseLearningRates;

    /// <summary>The learning rates this schedule last set, one per group (PyTorch's <c>get_last_lr()</c>).</summary>
    public IReadOnlyList<double> LastLearningRates => _last;

    /// <summary>Advances the schedule one step and sets every group's learning rate.</summary>
    public void Step()
    {
        Apply(LastEpoch + 1);
    }

    /// <summary>The learning rate of group <paramref name="group"/> at step <paramref name="epoch"/>.</summary>
    private protected abstract double LearningRateAt(int epoch, int group, double baseLearningRate);

    /// <summary>Sets the rates for step 0: derived constructors call this last, once their fields are set.</summary>
    private protected void Start() => Apply(0);

    private void Apply(int epoch)
    {
        var groups = Optimizer.ParamGroups;
        if (groups.Count != _baseLearningRates.Length)
        {
            throw new InvalidOperationException(
                $"{Name}.Step: the optimizer has {groups.Count} parameter groups, but the schedule was built for {_baseLearningRates.Length}; build a new schedule after AddParamGroup.");
        }
        var rates = new double[groups.Count];
        for (var g = 0; g < groups.Count; g++) rates[g] = LearningRateAt(epoch, g, _baseLearningRates[g]);
        for (var g = 0; g < groups.Count; g++) groups[g].LearningRate = rates[g];
        LastEpoch = epoch;
        _last = rates;
    }

    /// <summary>The schedule's position as 0-d Float64 tensors: <c>last_epoch</c> and <c>base_lrs.{g}</c>.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var dict = new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["last_epoch"] = Tensor.Scalar(LastEpoch) };
        for (var g = 0; g < _baseLearningRates.Length; g++) dict[$"base_lrs.{g}"] = Tensor.Scalar(_baseLearningRates[g]);
        return dict;
    }

    /// <summary>Restores a position saved by <see cref="StateDict"/> and sets the groups' learning rates to match.</summary>
    /// <exception cref="ArgumentException">A key is missing, unexpected or not a 0-d number; the message names it.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        if (state is null) throw new ArgumentNullException(nameof(state), "LoadStateDict: the state dictionary is null.");
        var expected = new HashSet<string>(StringComparer.Ordinal) { "last_epoch" };
        for (var g = 0; g < _baseLearningRates.Length; g++) expected.Add($"base_lrs.{g}");
        foreach (var key in state.Keys)
        {
            if (!expected.Contains(key)) throw new ArgumentException($"LoadStateDict: unexpected key '{key}' for {Name} (expected {string.Join(", ", expected)}).");
        }
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var key in expected)
        {
            if (!state.TryGetValue(key, out var t) || t is null) throw new ArgumentException($"LoadStateDict: missing key '{key}'.");
            if (t.Rank != 0 || t.DType == DType.Bool) throw new ArgumentException($"LoadStateDict: '{key}' must be a 0-d number, but has shape {t.Shape} and dtype {t.DType}.");
            values[key] = t.Item();
        }
        var epoch = values["last_epoch"];
        if (!(epoch >= 0 && epoch <= int.MaxValue && epoch == Math.Floor(epoch)))
            throw new ArgumentException($"LoadStateDict: 'last_epoch' is {epoch.ToString("R", CultureInfo.InvariantCulture)}; it must be a non-negative integer.");
        var previous = _baseLearningRates;
        _baseLearningRates = [.. Enumerable.Range(0, previous.Length).Select(g => values[$"base_lrs.{g}"])];
        Apply((int)epoch);
    }
}

/// <summary>PyTorch's <c>StepLR</c>: <c>lr = base_lr * gamma^floor(t / stepSize)</c>.</summary>
public sealed class StepLR : LRScheduler
{
    private readonly int _stepSize;
    private readonly double _gamma;

    /// <summary>Multiplies the rates by <paramref name="gamma"/> every <paramref name="stepSize"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepSize"/> is below 1.</exception>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer, "StepLR")
    {
        if (stepSize < 1) throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "StepLR: stepSize must be at least 1.");
        _stepSize = stepSize;
        _gamma = gamma;
        Start();
    }

    private protected override double LearningRateAt(int epoch, int group, double baseLearningRate) =>
        baseLearningRate * Math.Pow(_gamma, epoch / _stepSize);
}

/// <summary>PyTorch's <c>ExponentialLR</c>: <c>lr = base_lr * gamma^t</c>.</summary>
public sealed class ExponentialLR : LRScheduler
{
    private readonly double _gamma;

    /// <summary>Multiplies the rates by <paramref name="gamma"/> every step.</summary>
    public ExponentialLR(Optimizer optimizer, double gamma) : base(optimizer, "ExponentialLR")
    {
        _gamma = gamma;
        Start();
    }

    private protected override double LearningRateAt(int epoch, int group, double baseLearningRate) =>
        baseLearningRate * Math.Pow(_gamma, epoch);
}

/// <summary>
/// PyTorch's <c>CosineAnnealingLR</c>, in its closed form:
/// <c>lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * t / tMax)) / 2</c> (no restarts: past <c>tMax</c> the cosine
/// rises again).
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    private readonly int _tMax;
    private readonly double _etaMin;

    /// <summary>Anneals from the base rates to <paramref name="etaMin"/> over <paramref name="tMax"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tMax"/> is below 1.</exception>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0) : base(optimizer, "CosineAnnealingLR")
    {
        if (tMax < 1) throw new ArgumentOutOfRangeException(nameof(tMax), tMax, "CosineAnnealingLR: tMax must be at least 1.");
        _tMax = tMax;
        _etaMin = etaMin;
        Start();
    }

    private protected override double LearningRateAt(int epoch, int group, double baseLearningRate) =>
        _etaMin + (baseLearningRate - _etaMin) * (1 + Math.Cos(Math.PI * epoch / _tMax)) / 2;
}

/// <summary>
/// PyTorch's <c>LinearLR</c>, the linear warm-up: the factor on the base rates goes linearly from
/// <c>startFactor</c> to <c>endFactor</c> over <c>totalIters</c> steps, then stays:
/// <c>lr = base_lr * (start + (end - start) * min(t, totalIters) / totalIters)</c>.
/// </summary>
public sealed class LinearLR : LRScheduler
{
    private readonly double _start;
    private readonly double _end;
    private readonly int _totalIters;

    /// <summary>A linear ramp of the rates; PyTorch's defaults (1/3 to 1 over 5 steps).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="startFactor"/> is outside (0, 1], <paramref name="endFactor"/> outside [0, 1], or <paramref name="totalIters"/> below 1.</exception>
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5) : base(optimizer, "LinearLR")
    {
        if (!(startFactor > 0 && startFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "LinearLR: startFactor must be in (0, 1].");
        if (!(endFactor >= 0 && endFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(endFactor), endFactor, "LinearLR: endFactor must be in [0, 1].");
        if (totalIters < 1) throw new ArgumentOutOfRangeException(nameof(totalIters), totalIters, "LinearLR: totalIters must be at least 1.");
        _start = startFactor;
        _end = endFactor;
        _totalIters = totalIters;
        Start();
    }

    private protected override double LearningRateAt(int epoch, int group, double baseLearningRate) =>
        baseLearningRate * (_start + (_end - _start) * Math.Min(_totalIters, epoch) / _totalIters);
}

/// <summary>How <see cref="OneCycleLR"/> moves between its end points.</summary>
public enum AnnealStrategy
{
    /// <summary>Cosine: <c>end + (start - end) / 2 * (1 + cos(pi * pct))</c>.</summary>
    Cos,

    /// <summary>Linear: <c>start + (end - start) * pct</c>.</summary>
    Linear,
}

/// <summary>
/// PyTorch's <c>OneCycleLR</c> (two phases, learning rate only): from <c>maxLr / divFactor</c> up to <c>maxLr</c> over
/// the first <c>pctStart * totalSteps - 1</c> steps, then down to <c>maxLr / divFactor / finalDivFactor</c> at step
/// <c>totalSteps - 1</c>. It replaces the groups' learning rates (the base rates are not used).
/// </summary>
public sealed class OneCycleLR : LRScheduler
{
    private readonly double _maxLr;
    private readonly double _initialLr;
    private readonly double _minLr;
    private readonly double _phaseOneEnd;
    private readonly int _totalSteps;
    private readonly AnnealStrategy _strategy;

    /// <summary>A one-cycle schedule of <paramref name="totalSteps"/> steps peaking at <paramref name="maxLr"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="totalSteps"/> is below 1, <paramref name="pctStart"/> outside [0, 1], or a rate or factor not positive.</exception>
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos,
        double divFactor = 25, double finalDivFactor = 1e4) : base(optimizer, "OneCycleLR")
    {
        if (totalSteps < 1) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "OneCycleLR: totalSteps must be at least 1.");
        if (!(pctStart >= 0 && pctStart <= 1)) throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart, "OneCycleLR: pctStart must be in [0, 1].");
        if (!(maxLr >= 0)) throw new ArgumentOutOfRangeException(nameof(maxLr), maxLr, "OneCycleLR: maxLr must be >= 0.");
        if (!(divFactor > 0)) throw new ArgumentOutOfRangeException(nameof(divFactor), divFactor, "OneCycleLR: divFactor must be > 0.");
        if (!(finalDivFactor > 0)) throw new ArgumentOutOfRangeException(nameof(finalDivFactor), finalDivFactor, "OneCycleLR: finalDivFactor must be > 0.");
        _maxLr = maxLr;
        _initialLr = maxLr / divFactor;
        _minLr = _initialLr / finalDivFactor;
        _phaseOneEnd = pctStart * totalSteps - 1;
        _totalSteps = totalSteps;
        _strategy = annealStrategy;
        Start();
    }

    private protected override double LearningRateAt(int epoch, int group, double baseLearningRate)
    {
        if (epoch > _totalSteps)
        {
            throw new InvalidOperationException(
                $"OneCycleLR.Step: tried to step {epoch} times, but the schedule has {_totalSteps} steps; build it with a larger totalSteps.");
        }
        // PyTorch's phase loop: the first phase while t <= its end step, else the last phase.
        return epoch <= _phaseOneEnd
            ? Anneal(_initialLr, _maxLr, epoch / _phaseOneEnd)
            : Anneal(_maxLr, _minLr, (epoch - _phaseOneEnd) / (_totalSteps - 1 - _phaseOneEnd));
    }

    private double Anneal(double start, double end, double pct) => _strategy == AnnealStrategy.Cos
        ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
        : (end - start) * pct + start;
}
