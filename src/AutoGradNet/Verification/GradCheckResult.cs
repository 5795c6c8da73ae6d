using System.Globalization;
using System.Text;

namespace AutoGradNet.Verification;

/// <summary>
/// One Jacobian entry of a <see cref="GradCheck"/>: ∂(output element)/∂(input element) as the backward pass computed it
/// (<see cref="Analytic"/>) and as central finite differences estimate it (<see cref="Numeric"/>).
/// </summary>
/// <param name="Output">The output's label: "output" for <see cref="GradCheck.Run"/>, "the gradient for input k" for <see cref="GradCheck.SecondOrder"/>.</param>
/// <param name="OutputShape">That output's shape.</param>
/// <param name="OutputIndex">The output element's multi-dimensional index (empty for a scalar output).</param>
/// <param name="InputIndex">The input element's multi-dimensional index (empty for a scalar input).</param>
/// <param name="Analytic">The backward pass's value.</param>
/// <param name="Numeric">The central difference (f(x + ε) − f(x − ε)) / 2ε.</param>
public sealed record GradCheckEntry(string Output, Shape OutputShape, int[] OutputIndex, int[] InputIndex, double Analytic, double Numeric)
{
    /// <summary>|analytic − numeric| (+∞ when either is NaN).</summary>
    public double AbsoluteError => Math.Abs(Analytic - Numeric) is var e && double.IsNaN(e) ? double.PositiveInfinity : e;

    /// <summary>Formats the entry on one line: both indices and both values.</summary>
    public override string ToString() => OutputShape.Rank == 0
        ? $"input element {Indices.Format(InputIndex)} (of the scalar {Output}): analytic {Indices.Number(Analytic)} vs numeric {Indices.Number(Numeric)}"
        : $"input element {Indices.Format(InputIndex)}, {Output} element {Indices.Format(OutputIndex)}: analytic {Indices.Number(Analytic)} vs numeric {Indices.Number(Numeric)}";
}

/// <summary>The gradient check of one input: how the two Jacobian blocks ∂outputs/∂input compare.</summary>
public sealed class GradCheckInputResult
{
    internal GradCheckInputResult(int index, Shape shape, bool upcast, bool hasGradientPath)
    {
        Index = index;
        Shape = shape;
        WasUpcast = upcast;
        HasGradientPath = hasGradientPath;
    }

    /// <summary>The input's position in the inputs array.</summary>
    public int Index { get; }

    /// <summary>The input's shape.</summary>
    public Shape Shape { get; }

    /// <summary>Whether the input was Float32 and was checked on a Float64 copy (<c>upcast: true</c>).</summary>
    public bool WasUpcast { get; }

    /// <summary>
    /// Whether the recorded graph connects the outputs to this input. When it does not, the backward gives no gradient
    /// (zeros); the check still passes if the finite differences are zero too, as in PyTorch, but the report says so.
    /// </summary>
    public bool HasGradientPath { get; }

    /// <summary>Whether every entry of this input's Jacobian block agreed within tolerance.</summary>
    public bool Passed => FailingCount == 0;

    /// <summary>The largest |analytic − numeric| over this input's entries (+∞ if a value is NaN).</summary>
    public double MaxAbsoluteError { get; internal set; }

    /// <summary>
    /// The largest |analytic − numeric| / |numeric|. Where the numeric value is within the absolute tolerance of 0 the
    /// ratio is meaningless: such an entry counts as 0 when it agrees within that tolerance and as +∞ when it does not.
    /// </summary>
    public double MaxRelativeError { get; internal set; }

    /// <summary>The entry with the largest absolute error (<see langword="null"/> for an empty input or output).</summary>
    public GradCheckEntry? Worst { get; internal set; }

    /// <summary>The number of entries that failed the tolerance.</summary>
    public int FailingCount { get; internal set; }

    /// <summary>The number of entries checked: output size × input size.</summary>
    public int TotalCount { get; internal set; }

    /// <summary>The first failing entries, in row-major order (at most the <c>maxListed</c> given to the check).</summary>
    public IReadOnlyList<GradCheckEntry> Failures => _failures;

    internal readonly List<GradCheckEntry> _failures = [];

    /// <summary>A readable summary of this input's check, with its failing entries.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        Append(text);
        return text.ToString();
    }

    internal void Append(StringBuilder text)
    {
        var dtype = WasUpcast ? "Float32, checked as a Float64 copy" : "Float64";
        text.Append(CultureInfo.InvariantCulture, $"input {Index}, shape {Shape} ({dtype}): ");
        const string noPath = "  no gradient path: the recorded graph does not connect the output to this input, so the backward gives 0.";
        if (Passed)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"passed ({TotalCount} entries, max absolute error {Indices.Error(MaxAbsoluteError)}, max relative error {Indices.Error(MaxRelativeError)}).");
            if (!HasGradientPath) text.AppendLine(noPath);
            return;
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"FAILED, {FailingCount} of {TotalCount} entries disagree.");
        if (!HasGradientPath) text.AppendLine(noPath);
        text.AppendLine(CultureInfo.InvariantCulture, $"  max absolute error {Indices.Error(MaxAbsoluteError)}, max relative error {Indices.Error(MaxRelativeError)}");
        if (Worst is { } w)
            text.AppendLine(CultureInfo.InvariantCulture, $"  worst at {w}");
        text.AppendLine("  failing entries:");
        foreach (var f in _failures) text.AppendLine(CultureInfo.InvariantCulture, $"    {f}");
        if (FailingCount > _failures.Count)
            text.AppendLine(CultureInfo.InvariantCulture, $"    ... and {FailingCount - _failures.Count} more.");
    }
}

/// <summary>
/// The outcome of a <see cref="GradCheck"/>: per checked input, how the backward pass's Jacobian compares with central
/// finite differences. <see cref="ToString"/> prints the whole report.
/// </summary>
public sealed class GradCheckResult
{
    internal GradCheckResult(string title, IReadOnlyList<GradCheckInputResult> inputs, double epsilon,
        double absoluteTolerance, double relativeTolerance, int maxListed)
    {
        Title = title;
        Inputs = inputs;
        Epsilon = epsilon;
        AbsoluteTolerance = absoluteTolerance;
        RelativeTolerance = relativeTolerance;
        Report = BuildLegacyReport(maxListed);
    }

    /// <summary>What was checked: "GradCheck" (first derivatives) or "GradCheck.SecondOrder" (derivatives of the backward).</summary>
    public string Title { get; }

    /// <summary>Whether every entry of every checked input agreed within tolerance.</summary>
    public bool Passed => Inputs.All(i => i.Passed);

    /// <summary>The largest |analytic − numeric| over all entries.</summary>
    public double MaxAbsoluteError => Inputs.Max(i => i.MaxAbsoluteError); // a check has at least one input

    /// <summary>The largest relative error over all entries (see <see cref="GradCheckInputResult.MaxRelativeError"/>).</summary>
    public double MaxRelativeError => Inputs.Max(i => i.MaxRelativeError);

    /// <summary>The number of failing entries, over all inputs.</summary>
    public int FailingCount => Inputs.Sum(i => i.FailingCount);

    /// <summary>The number of entries checked, over all inputs.</summary>
    public int TotalCount => Inputs.Sum(i => i.TotalCount);

    /// <summary>One result per checked input, in the order of the inputs array.</summary>
    public IReadOnlyList<GradCheckInputResult> Inputs { get; }

    /// <summary>The finite-difference step ε.</summary>
    public double Epsilon { get; }

    /// <summary>The absolute tolerance: an entry fails when |analytic − numeric| &gt; atol + rtol·|numeric|.</summary>
    public double AbsoluteTolerance { get; }

    /// <summary>The relative tolerance.</summary>
    public double RelativeTolerance { get; }

    /// <summary>
    /// Empty when passed; otherwise one line per failing entry, "input k (shape S), output element i (output shape T),
    /// input element j: analytic a vs numeric n" (indices are numbers for vectors and [i, j, ...] otherwise), the first
    /// ones only, followed by "... and K more failing entries" when there are more. <see cref="ToString"/> gives the
    /// full report with per-input statistics.
    /// </summary>
    public string Report { get; }

    /// <summary>The full report: the verdict, the tolerance used, and per input its statistics, worst entry and failing entries.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var verdict = Passed ? "passed" : $"FAILED: {FailingCount} of {TotalCount} Jacobian entries disagree";
        text.AppendLine(CultureInfo.InvariantCulture, $"{Title} {verdict}.");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  central differences with ε = {Indices.Error(Epsilon)}; an entry fails when |analytic − numeric| > {Indices.Error(AbsoluteTolerance)} + {Indices.Error(RelativeTolerance)}·|numeric|.");
        foreach (var input in Inputs) input.Append(text);
        return text.ToString();
    }

    private string BuildLegacyReport(int maxListed)
    {
        var text = new StringBuilder();
        var listed = 0;
        var total = 0;
        foreach (var input in Inputs)
        {
            total += input.FailingCount;
            foreach (var f in input._failures)
            {
                if (listed == maxListed) break;
                listed++;
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"input {input.Index} (shape {input.Shape}), {f.Output} element {Indices.Format(f.OutputIndex)} ({f.Output} shape {f.OutputShape}), input element {Indices.Format(f.InputIndex)}: analytic {f.Analytic.ToString("R", CultureInfo.InvariantCulture)} vs numeric {f.Numeric.ToString("R", CultureInfo.InvariantCulture)}");
            }
        }
        if (total > listed)
            text.AppendLine(CultureInfo.InvariantCulture, $"... and {total - listed} more failing entries ({total} in all; see Inputs or ToString() for each input's statistics).");
        return text.ToString();
    }
}
