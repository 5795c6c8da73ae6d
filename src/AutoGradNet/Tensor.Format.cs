using System.Globalization;
using System.Text;

namespace AutoGradNet;

// PyTorch-style printing.
public sealed partial class Tensor
{
    private const int SummarizeAbove = 1000;
    private const int EdgeItems = 3;
    private const int LineWidth = 80;

    /// <summary>
    /// Prints like PyTorch: <c>tensor([[0.1000, 0.2000], ...], shape=[2, 2])</c>, with a common number format,
    /// tensors of more than 1000 elements abbreviated to their first and last three entries per axis, and the
    /// dtype (when not Float64), <c>requires_grad</c> or <c>grad_fn</c> appended.
    /// </summary>
    public override string ToString()
    {
        var values = ToArray();
        var summarize = Size > SummarizeAbove;
        var format = NumberFormat.For(values, summarize ? VisibleIndices() : null);
        var sb = new StringBuilder("tensor(");
        if (Size == 0) sb.Append("[]"); // like PyTorch, an empty tensor of any rank prints as [] (its shape follows)
        else if (Rank == 0) sb.Append(format.Format(values[0]));
        else AppendAxis(sb, values, 0, 0, format, summarize, indent: 8);
        var suffixes = new List<string> { "shape=" + Shape };
        if (DType != DType.Float64) suffixes.Add("dtype=" + DType);
        if (GradFn is not null) suffixes.Add("grad_fn=<" + GradFn.Name + ">");
        else if (RequiresGrad) suffixes.Add("requires_grad=True");
        AppendSuffixes(sb, suffixes);
        return sb.Append(')').ToString();
    }

    /// <summary>
    /// Appends <c>, suffix</c> for each suffix, moving a suffix to its own line (indented under the first
    /// value) when it would push the current line past the line width, as PyTorch's <c>_add_suffixes</c> does.
    /// </summary>
    private static void AppendSuffixes(StringBuilder sb, List<string> suffixes)
    {
        const int indent = 7; // "tensor(".Length
        var text = sb.ToString();
        var lastLineLength = text.Length - text.LastIndexOf('\n') + 1; // PyTorch's own arithmetic, kept for identical output
        foreach (var suffix in suffixes)
        {
            if (lastLineLength + suffix.Length + 2 > LineWidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLength = indent + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLength += suffix.Length + 2;
            }
        }
    }

    private void AppendAxis(StringBuilder sb, double[] values, int axis, int offset, NumberFormat format, bool summarize, int indent)
    {
        var n = Shape[axis];
        var stride = 1;
        for (var i = axis + 1; i < Rank; i++) stride *= Shape[i];
        var shown = Shown(n, summarize);
        sb.Append('[');
        if (axis == Rank - 1)
        {
            // PyTorch's indent for this row is one less than ours (it counts up to the bracket, we past it).
            var perLine = Math.Max(1, (LineWidth - (indent - 1)) / (format.Width + 2));
            var onLine = 0;
            for (var k = 0; k < shown.Count; k++)
            {
                if (k > 0)
                {
                    sb.Append(',');
                    if (onLine == perLine) { sb.Append('\n').Append(' ', indent); onLine = 0; }
                    else sb.Append(' ');
                }
                sb.Append(shown[k] < 0 ? " ..." : format.Format(values[offset + shown[k]]).PadLeft(format.Width));
                onLine++;
            }
        }
        else
        {
            var newlines = new string('\n', Rank - axis - 1);
            for (var k = 0; k < shown.Count; k++)
            {
                if (k > 0) sb.Append(',').Append(newlines).Append(' ', indent);
                if (shown[k] < 0) sb.Append("...");
                else AppendAxis(sb, values, axis + 1, offset + shown[k] * stride, format, summarize, indent + 1);
            }
        }
        sb.Append(']');
    }

    /// <summary>The indices printed along an axis of length <paramref name="n"/>; −1 marks the ellipsis.</summary>
    private static List<int> Shown(int n, bool summarize)
    {
        var shown = new List<int>(n);
        if (summarize && n > 2 * EdgeItems)
        {
            for (var i = 0; i < EdgeItems; i++) shown.Add(i);
            shown.Add(-1);
            for (var i = n - EdgeItems; i < n; i++) shown.Add(i);
        }
        else
        {
            for (var i = 0; i < n; i++) shown.Add(i);
        }
        return shown;
    }

    /// <summary>Flat indices of the elements a summarized print shows, so the number format depends on them only.</summary>
    private List<int> VisibleIndices()
    {
        var result = new List<int> { 0 };
        for (var axis = 0; axis < Rank; axis++)
        {
            var next = new List<int>();
            foreach (var prefix in result)
            {
                foreach (var i in Shown(Shape[axis], summarize: true))
                {
                    if (i >= 0) next.Add(prefix * Shape[axis] + i);
                }
            }
            result = next;
        }
        return result;
    }

    /// <summary>PyTorch's choice of number format: integers as <c>1.</c>, else 4 decimals, or scientific when the range is wide.</summary>
    private sealed class NumberFormat
    {
        private readonly Mode _mode;

        private NumberFormat(Mode mode, int width)
        {
            _mode = mode;
            Width = width;
        }

        private enum Mode { Integer, Fixed, Scientific }

        public int Width { get; }

        /// <summary>
        /// PyTorch's <c>_Formatter</c>: the mode and the column width come from the finite non-zero values only
        /// (zeros, NaN and infinities never widen the columns). Integers print as <c>1.</c> unless their magnitudes
        /// span more than a factor of 1000 or exceed 1e8; other values print with 4 decimals unless they span more
        /// than a factor of 1000, exceed 1e8 or fall below 1e-4. Both otherwise switch to scientific notation.
        /// </summary>
        public static NumberFormat For(double[] values, List<int>? visible)
        {
            var nonZeroFinite = new List<double>();
            if (visible is null)
            {
                foreach (var v in values) if (double.IsFinite(v) && v != 0) nonZeroFinite.Add(v);
            }
            else
            {
                foreach (var i in visible) if (double.IsFinite(values[i]) && values[i] != 0) nonZeroFinite.Add(values[i]);
            }
            if (nonZeroFinite.Count == 0) return new NumberFormat(Mode.Integer, 1);
            var max = nonZeroFinite.Max(Math.Abs);
            var min = nonZeroFinite.Min(Math.Abs);
            var wide = max / min > 1000 || max > 1e8;
            var mode = nonZeroFinite.TrueForAll(v => v == Math.Round(v))
                ? (wide ? Mode.Scientific : Mode.Integer)
                : (wide || min < 1e-4 ? Mode.Scientific : Mode.Fixed);
            var probe = new NumberFormat(mode, 0);
            var width = 1;
            foreach (var v in nonZeroFinite) width = Math.Max(width, probe.Format(v).Length);
            return new NumberFormat(mode, width);
        }

        public string Format(double v)
        {
            if (double.IsNaN(v)) return "nan";
            if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
            return _mode switch
            {
                Mode.Integer => v.ToString("0", CultureInfo.InvariantCulture) + ".",
                Mode.Scientific => v.ToString("0.0000e+00", CultureInfo.InvariantCulture),
                _ => v.ToString("0.0000", CultureInfo.InvariantCulture),
            };
        }
    }
}
