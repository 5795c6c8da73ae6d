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
        if (Rank == 0) sb.Append(format.Format(values[0]));
        else AppendAxis(sb, values, 0, 0, format, summarize, indent: 8);
        sb.Append(", shape=").Append(Shape);
        if (DType != DType.Float64) sb.Append(", dtype=").Append(DType);
        if (GradFn is not null) sb.Append(", grad_fn=<").Append(GradFn.Name).Append('>');
        else if (RequiresGrad) sb.Append(", requires_grad=True");
        return sb.Append(')').ToString();
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
            var perLine = Math.Max(1, (LineWidth - indent) / (format.Width + 2));
            var onLine = 0;
            for (var k = 0; k < shown.Count; k++)
            {
                if (k > 0)
                {
                    sb.Append(',');
                    if (onLine == perLine) { sb.Append('\n').Append(' ', indent); onLine = 0; }
                    else sb.Append(' ');
                }
                sb.Append(shown[k] < 0 ? "..." : format.Format(values[offset + shown[k]]).PadLeft(format.Width));
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

        public static NumberFormat For(double[] values, List<int>? visible)
        {
            var finite = new List<double>();
            if (visible is null)
            {
                foreach (var v in values) if (double.IsFinite(v)) finite.Add(v);
            }
            else
            {
                foreach (var i in visible) if (double.IsFinite(values[i])) finite.Add(values[i]);
            }
            Mode mode;
            if (finite.Count == 0)
            {
                mode = Mode.Integer;
            }
            else if (finite.TrueForAll(v => v == Math.Round(v)))
            {
                mode = finite.Exists(v => Math.Abs(v) > 1e8) ? Mode.Scientific : Mode.Integer;
            }
            else
            {
                var nonZero = finite.FindAll(v => v != 0).ConvertAll(Math.Abs);
                var max = nonZero.Count == 0 ? 0 : nonZero.Max();
                var min = nonZero.Count == 0 ? 0 : nonZero.Min();
                mode = nonZero.Count > 0 && (max / min > 1000 || max > 1e8 || min < 1e-4) ? Mode.Scientific : Mode.Fixed;
            }
            var probe = new NumberFormat(mode, 0);
            var width = 0;
            foreach (var v in visible is null ? values : visible.ConvertAll(i => values[i]).ToArray())
                width = Math.Max(width, probe.Format(v).Length);
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
