using System.Globalization;
using System.Text;
using AutoGradNet.Ops;

namespace AutoGradNet.Verification;

/// <summary>What the user's hand-derived values are: the gradient ∂L/∂x, or the descent direction −∂L/∂x.</summary>
public enum GradientConvention
{
    /// <summary>The gradient ∂L/∂x, as autograd computes it.</summary>
    Gradient,

    /// <summary>
    /// The descent direction −∂L/∂x: what the tutorial's formulas give (its deltas and d_weights, added to the weights).
    /// The values are negated before the comparison.
    /// </summary>
    DescentDirection,
}

/// <summary>
/// Compares gradients derived by hand with autograd's, element by element, names the classic slip when they differ
/// (a flipped sign, a constant factor, a batch sum vs mean, a transpose, a broadcast, one wrong element, row or
/// column), and locates the first intermediate of a forward pass where a derivation goes wrong.
/// </summary>
/// <example>
/// <code>
/// var report = GradientComparison.For(loss)
///     .Convention(GradientConvention.DescentDirection) // the tutorial's d_weights are −∇L
///     .Add("W1", w1, handW1)
///     .Add("W2", w2, handW2)
///     .Compare();
/// Console.Write(report);
/// </code>
/// </example>
public sealed class GradientComparison
{
    private const string Op = "GradientComparison";
    private readonly Tensor _loss;
    private readonly List<(string Name, Tensor Target, Tensor Hand)> _entries = [];
    private GradientConvention _convention = GradientConvention.Gradient;
    private int? _batchSize;
    private double _absoluteTolerance = 1e-8;
    private double _relativeTolerance = 1e-5;

    private GradientComparison(Tensor loss) => _loss = loss;

    /// <summary>Starts a comparison of hand-derived gradients of <paramref name="loss"/> (a single-element tensor).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> is null.</exception>
    /// <exception cref="ArgumentException">The loss has more than one element, or has no graph.</exception>
    public static GradientComparison For(Tensor loss)
    {
        Checks.NotNull(loss, Op, "loss");
        if (loss.Size != 1)
            throw new ArgumentException($"{Op}: the loss must be a single-element tensor; got shape {loss.Shape}. Reduce it first (e.g. .Sum()).", nameof(loss));
        if (!loss.RequiresGrad)
            throw new ArgumentException($"{Op}: the loss does not require grad, so it has no graph: mark the parameters RequiresGrad before computing it.", nameof(loss));
        return new GradientComparison(loss);
    }

    /// <summary>Declares once what the hand-derived values are (default: <see cref="GradientConvention.Gradient"/>).</summary>
    public GradientComparison Convention(GradientConvention convention)
    {
        _convention = convention;
        return this;
    }

    /// <summary>Declares the batch size N, so that a ratio of N or 1/N is diagnosed as a batch sum vs mean.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    public GradientComparison BatchSize(int batchSize)
    {
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"{Op}: the batch size must be positive.");
        _batchSize = batchSize;
        return this;
    }

    /// <summary>An element matches when |hand − autograd| ≤ atol + rtol·|autograd| (defaults 1e-8 and 1e-5).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A tolerance is negative or NaN.</exception>
    public GradientComparison Tolerance(double absolute, double relative)
    {
        if (!(absolute >= 0)) throw new ArgumentOutOfRangeException(nameof(absolute), absolute, $"{Op}: the absolute tolerance must be non-negative.");
        if (!(relative >= 0)) throw new ArgumentOutOfRangeException(nameof(relative), relative, $"{Op}: the relative tolerance must be non-negative.");
        (_absoluteTolerance, _relativeTolerance) = (absolute, relative);
        return this;
    }

    /// <summary>
    /// Adds a tensor to compare: a parameter (a leaf that requires grad) or an intermediate result of the forward pass,
    /// with its hand-derived gradient (or descent direction, per <see cref="Convention"/>). For <see cref="Locate"/>,
    /// add the intermediates in forward order.
    /// </summary>
    /// <param name="name">The name shown in the report (W1, z1, a1...).</param>
    /// <param name="target">The tensor in the loss's graph.</param>
    /// <param name="handDerived">Your gradient for it; any shape (a wrong shape is diagnosed, not refused).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The target does not require grad, or the name is used twice.</exception>
    public GradientComparison Add(string name, Tensor target, Tensor handDerived)
    {
        ArgumentNullException.ThrowIfNull(name);
        Checks.NotNull(target, Op, "target");
        Checks.NotNull(handDerived, Op, "handDerived");
        if (!target.RequiresGrad)
            throw new ArgumentException($"{Op}: '{name}' (shape {target.Shape}) does not require grad, so it has no gradient: mark it RequiresGrad before the forward pass.", nameof(target));
        if (_entries.Exists(e => e.Name == name))
            throw new ArgumentException($"{Op}: the name '{name}' is already used.", nameof(name));
        _entries.Add((name, target, handDerived));
        return this;
    }

    /// <summary>Compares every added tensor's hand-derived gradient with autograd's and diagnoses each mismatch.</summary>
    /// <exception cref="InvalidOperationException">Nothing was added.</exception>
    public GradientComparisonResult Compare()
    {
        if (_entries.Count == 0)
            throw new InvalidOperationException($"{Op}: nothing to compare; Add a tensor and its hand-derived gradient first.");
        var grads = AutoGrad.Grad(_loss, [.. _entries.Select(e => e.Target)], retainGraph: true, allowUnused: true);
        var results = new TensorGradientComparison[_entries.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var (name, _, hand) = _entries[i];
            var handValues = hand.ToArray();
            if (_convention == GradientConvention.DescentDirection) handValues = Array.ConvertAll(handValues, v => -v);
            results[i] = new TensorGradientComparison(name, handValues, hand.Shape, grads[i].ToArray(), grads[i].Shape,
                _absoluteTolerance, _relativeTolerance, _batchSize, _convention);
        }
        return new GradientComparisonResult(results, _convention);
    }

    /// <summary>
    /// Treats the added tensors as the forward pass's intermediates in forward order (z1, a1, z2, output), with your
    /// hand-derived deltas for them, and walks from the loss backwards: the first intermediate whose delta disagrees with
    /// autograd's is where the derivation goes wrong (the deltas before it in the forward pass inherit the error).
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing was added.</exception>
    public SlipLocation Locate() => new(Compare());

    /// <summary>
    /// Compares hand-derived gradients given by name with autograd's: each entry is the tensor in the loss's graph and
    /// your gradient for it.
    /// </summary>
    /// <param name="loss">The single-element loss.</param>
    /// <param name="gradients">Per name, the tensor and your gradient for it.</param>
    /// <param name="convention">What your values are.</param>
    /// <param name="batchSize">The batch size, to recognise a batch sum vs mean.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">As for <see cref="For"/> and <see cref="Add"/>.</exception>
    public static GradientComparisonResult Compare(Tensor loss, IReadOnlyDictionary<string, (Tensor Target, Tensor HandDerived)> gradients,
        GradientConvention convention = GradientConvention.Gradient, int? batchSize = null)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        var comparison = For(loss).Convention(convention);
        if (batchSize is { } n) comparison.BatchSize(n);
        foreach (var (name, (target, hand)) in gradients) comparison.Add(name, target, hand);
        return comparison.Compare();
    }

    /// <summary>
    /// Compares hand-derived gradients given as a function with autograd's: <paramref name="loss"/> and
    /// <paramref name="handGradients"/> are both evaluated at <paramref name="parameters"/> (marked RequiresGrad for the
    /// call only; restored afterwards), and the parameters are named "parameter 0", "parameter 1"... unless
    /// <paramref name="names"/> is given.
    /// </summary>
    /// <param name="loss">The loss as a function of the parameters.</param>
    /// <param name="parameters">The floating-point parameters.</param>
    /// <param name="handGradients">Your gradients, one per parameter, as a function of the parameters.</param>
    /// <param name="names">Optional names, one per parameter.</param>
    /// <param name="convention">What your values are.</param>
    /// <param name="batchSize">The batch size, to recognise a batch sum vs mean.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The functions return the wrong number of tensors, or a name count differs.</exception>
    public static GradientComparisonResult Compare(Func<Tensor[], Tensor> loss, Tensor[] parameters, Func<Tensor[], Tensor[]> handGradients,
        string[]? names = null, GradientConvention convention = GradientConvention.Gradient, int? batchSize = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(handGradients);
        for (var i = 0; i < parameters.Length; i++) Checks.NotNull(parameters[i], Op, $"parameter {i}");
        names ??= [.. Enumerable.Range(0, parameters.Length).Select(i => $"parameter {i}")];
        if (names.Length != parameters.Length)
            throw new ArgumentException($"{Op}: {names.Length} name(s) for {parameters.Length} parameter(s).", nameof(names));
        var flags = Array.ConvertAll(parameters, p => p.RequiresGrad);
        try
        {
            foreach (var p in parameters.Where(p => p.IsLeaf && !p.RequiresGrad)) p.RequiresGrad = true;
            var comparison = For(loss(parameters)).Convention(convention);
            if (batchSize is { } n) comparison.BatchSize(n);
            Tensor[] hand;
            using (Tensor.NoGrad()) hand = handGradients(parameters);
            if (hand is null || hand.Length != parameters.Length)
                throw new ArgumentException($"{Op}: handGradients returned {hand?.Length ?? 0} tensor(s) for {parameters.Length} parameter(s).", nameof(handGradients));
            for (var i = 0; i < parameters.Length; i++) comparison.Add(names[i], parameters[i], hand[i]);
            return comparison.Compare();
        }
        finally
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                if (parameters[i].IsLeaf) parameters[i].RequiresGrad = flags[i];
            }
        }
    }
}

/// <summary>How one tensor's hand-derived gradient compares with autograd's, and the slip when they differ.</summary>
public sealed class TensorGradientComparison
{
    internal TensorGradientComparison(string name, double[] hand, Shape handShape, double[] auto, Shape shape,
        double atol, double rtol, int? batchSize, GradientConvention convention)
    {
        Name = name;
        Shape = shape;
        HandShape = handShape;
        TotalCount = shape.Size;
        if (handShape == shape)
        {
            var worst = -1.0;
            for (var i = 0; i < hand.Length; i++)
            {
                var error = Math.Abs(hand[i] - auto[i]);
                if (double.IsNaN(error)) error = double.PositiveInfinity;
                if (Math.Abs(auto[i]) > atol && error / Math.Abs(auto[i]) > MaxRelativeError) MaxRelativeError = error / Math.Abs(auto[i]);
                if (!SlipDiagnosis.Close(hand[i], auto[i], atol, rtol)) MismatchCount++;
                if (error > worst)
                {
                    worst = error;
                    MaxAbsoluteError = error;
                    WorstIndex = Indices.Unravel(i, shape);
                    HandAtWorst = hand[i];
                    AutogradAtWorst = auto[i];
                }
            }
        }
        else
        {
            MismatchCount = TotalCount;
            MaxAbsoluteError = MaxRelativeError = double.NaN;
        }
        (Slip, Diagnosis) = SlipDiagnosis.Diagnose(hand, handShape, auto, shape, atol, rtol, batchSize, convention == GradientConvention.DescentDirection);
        Convention = convention;
    }

    /// <summary>The name given to the tensor.</summary>
    public string Name { get; }

    /// <summary>The tensor's shape (and autograd's gradient's).</summary>
    public Shape Shape { get; }

    /// <summary>The shape of the hand-derived gradient.</summary>
    public Shape HandShape { get; }

    /// <summary>What the hand-derived values were declared to be.</summary>
    public GradientConvention Convention { get; }

    /// <summary>Whether every element matched.</summary>
    public bool Passed => Slip == SlipKind.None;

    /// <summary>The slip recognised, <see cref="SlipKind.None"/> when the gradients match.</summary>
    public SlipKind Slip { get; }

    /// <summary>The diagnosis in plain words.</summary>
    public string Diagnosis { get; }

    /// <summary>The largest |hand − autograd| (NaN when the shapes differ).</summary>
    public double MaxAbsoluteError { get; }

    /// <summary>The largest |hand − autograd| / |autograd| over elements where autograd's value exceeds the absolute tolerance (NaN when the shapes differ).</summary>
    public double MaxRelativeError { get; }

    /// <summary>The multi-dimensional index of the element with the largest absolute error (empty when the shapes differ).</summary>
    public int[] WorstIndex { get; } = [];

    /// <summary>Your value at <see cref="WorstIndex"/> (in the gradient convention).</summary>
    public double HandAtWorst { get; }

    /// <summary>Autograd's value at <see cref="WorstIndex"/>.</summary>
    public double AutogradAtWorst { get; }

    /// <summary>How many elements differ beyond the tolerance (all of them when the shapes differ).</summary>
    public int MismatchCount { get; }

    /// <summary>The number of elements compared.</summary>
    public int TotalCount { get; }

    /// <summary>One or two lines: the verdict, the error statistics and the diagnosis.</summary>
    public override string ToString()
    {
        if (Passed)
            return $"{Name} {Shape}: matches autograd (max abs error {Indices.Error(MaxAbsoluteError)}).";
        var negated = Convention == GradientConvention.DescentDirection ? "your value negated" : "yours";
        var stats = HandShape == Shape
            ? $"{MismatchCount} of {TotalCount} elements differ; max abs error {Indices.Error(MaxAbsoluteError)}, max rel error {Indices.Error(MaxRelativeError)}, worst at {Indices.Bracketed(WorstIndex)}: {negated} {Indices.Number(HandAtWorst)} vs autograd {Indices.Number(AutogradAtWorst)}"
            : $"yours has shape {HandShape}";
        return $"{Name} {Shape}: MISMATCH, {stats}.\n  diagnosis: {Diagnosis}";
    }
}

/// <summary>The result of <see cref="GradientComparison.Compare()"/>: one comparison per tensor, in the order added.</summary>
public sealed class GradientComparisonResult
{
    internal GradientComparisonResult(IReadOnlyList<TensorGradientComparison> tensors, GradientConvention convention)
    {
        Tensors = tensors;
        Convention = convention;
    }

    /// <summary>The comparisons, in the order the tensors were added.</summary>
    public IReadOnlyList<TensorGradientComparison> Tensors { get; }

    /// <summary>What the hand-derived values were declared to be.</summary>
    public GradientConvention Convention { get; }

    /// <summary>Whether every tensor matched.</summary>
    public bool Passed => Tensors.All(t => t.Passed);

    /// <summary>The comparison of the tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public TensorGradientComparison this[string name] =>
        Tensors.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"GradientComparison: no tensor named '{name}'; the names are {string.Join(", ", Tensors.Select(t => t.Name))}.");

    /// <summary>The report: one entry per tensor.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var what = Convention == GradientConvention.DescentDirection ? "descent directions (−∇L, negated before comparing)" : "gradients";
        var failed = Tensors.Count(t => !t.Passed);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Hand-derived {what} vs autograd: {(failed == 0 ? "all match" : $"{failed} of {Tensors.Count} differ")}.");
        foreach (var t in Tensors) text.AppendLine(CultureInfo.InvariantCulture, $"{t}");
        return text.ToString();
    }
}

/// <summary>
/// The result of <see cref="GradientComparison.Locate"/>: walking from the loss backwards through the intermediates, the
/// first whose hand-derived delta disagrees with autograd's.
/// </summary>
public sealed class SlipLocation
{
    internal SlipLocation(GradientComparisonResult comparison)
    {
        Comparison = comparison;
        var forward = comparison.Tensors;
        for (var i = forward.Count - 1; i >= 0; i--)
        {
            if (forward[i].Passed) continue;
            FirstWrong = forward[i];
            Position = i switch
            {
                _ when forward.Count == 1 => "",
                0 => $" (the first intermediate, computed from the inputs, before {forward[1].Name})",
                _ when i == forward.Count - 1 => $" (the last intermediate, after {forward[i - 1].Name}, right before the loss)",
                _ => $" (between {forward[i - 1].Name} and {forward[i + 1].Name})",
            };
            break;
        }
    }

    /// <summary>Every comparison, in forward order.</summary>
    public GradientComparisonResult Comparison { get; }

    /// <summary>The first intermediate, walking back from the loss, whose delta disagrees; <see langword="null"/> when all match.</summary>
    public TensorGradientComparison? FirstWrong { get; }

    /// <summary>Whether every delta matched.</summary>
    public bool Passed => FirstWrong is null;

    private string Position { get; } = "";

    /// <summary>The walk, from the loss backwards, and the verdict.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine("Walking back from the loss, comparing your deltas with autograd's:");
        foreach (var t in Comparison.Tensors.Reverse())
        {
            var mark = t.Passed ? "matches" : ReferenceEquals(t, FirstWrong) ? "DIFFERS  <- first wrong" : "differs (inherits the error above)";
            text.AppendLine(CultureInfo.InvariantCulture, $"  {t.Name,-8} {t.Shape,-8} {mark}");
        }
        if (FirstWrong is not { } w)
        {
            text.AppendLine("Every delta matches autograd's: the derivation is right.");
            return text.ToString();
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"The derivation first goes wrong at {w.Name}{Position}:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {w}");
        return text.ToString();
    }
}
