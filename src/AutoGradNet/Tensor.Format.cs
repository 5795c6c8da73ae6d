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
    /// dtype (when not Float64), <c>requires_grad</c> or <c>grad_fn</c> appended. Int64 values print as integers
    /// (<c>tensor([ 1, -2], shape=[2], dtype=Int64)</c>) and Bool values as <c>True</c>/<c>False</c>, both padded to
    /// a common width as PyTorch does; unlike PyTorch, which leaves out the dtype of int64 and bool tensors (its
    /// defaults), every dtype other than Float64 (this library's default) is named. Views print their logical
    /// elements. Only the printed elements are read (through the strides), so printing a huge tensor or a broadcast
    /// view costs no more than printing its summary.
    /// </summary>
    public override string ToString()
    {
        var summarize = Size > SummarizeAbove;
        var shown = new List<int>[Rank];
        for (var axis = 0; axis < Rank; axis++) shown[axis] = Shown(Shape[axis], summarize);
        var sb = new StringBuilder("tensor(");
        if (Size == 0)
        {
            sb.Append("[]"); // like PyTorch, an empty tensor of any rank prints as [] (its shape follows)
        }
        else
        {
            var format = ElementFormat.For(this, VisibleStorageIndices(shown));
            if (Rank == 0) sb.Append(format.Format(StorageOffset));
            else AppendElements(sb, shown, format);
        }
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

    /// <summary>
    /// Writes the nested brackets of a tensor of rank ≥ 1, walking the axes with an explicit position per axis rather
    /// than recursion, so no rank can overflow the stack. <paramref name="shown"/> holds the indices printed along each
    /// axis (−1 for the ellipsis); elements are read at their storage index, so views print their logical elements.
    /// </summary>
    private void AppendElements(StringBuilder sb, List<int>[] shown, ElementFormat format)
    {
        const int baseIndent = 8; // "tensor([".Length: each nested level indents one more
        var last = Rank - 1;
        var position = new int[Rank]; // position[a]: which entry of shown[a] is being printed
        var offsets = new int[Rank + 1]; // offsets[a + 1]: storage index of the element prefix fixed by axes 0..a
        offsets[0] = StorageOffset;
        var axis = 0;
        sb.Append('[');
        while (axis >= 0)
        {
            if (axis == last)
            {
                AppendRow(sb, shown[last], offsets[last], _strides[last], format, baseIndent + last);
                sb.Append(']');
                if (--axis >= 0) position[axis]++;
                continue;
            }
            var k = position[axis];
            if (k == shown[axis].Count)
            {
                sb.Append(']');
                if (--axis >= 0) position[axis]++;
                continue;
            }
            if (k > 0) sb.Append(',').Append('\n', last - axis).Append(' ', baseIndent + axis);
            if (shown[axis][k] < 0)
            {
                sb.Append("...");
                position[axis]++;
                continue;
            }
            offsets[axis + 1] = offsets[axis] + shown[axis][k] * _strides[axis];
            axis++;
            position[axis] = 0;
            sb.Append('[');
        }
    }

    /// <summary>Writes the entries of one innermost row, wrapped at the line width like PyTorch.</summary>
    private static void AppendRow(StringBuilder sb, List<int> shown, int offset, int stride, ElementFormat format, int indent)
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
            sb.Append(shown[k] < 0 ? " ..." : format.Format(offset + shown[k] * stride).PadLeft(format.Width));
            onLine++;
        }
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

    /// <summary>
    /// The storage indices of the elements the print shows (every element unless summarized), so the number format
    /// depends on them only and nothing else is read. Walks the index combinations like an odometer (no recursion).
    /// </summary>
    private List<int> VisibleStorageIndices(List<int>[] shown)
    {
        var result = new List<int>();
        var visible = new List<int>[Rank];
        for (var axis = 0; axis < Rank; axis++) visible[axis] = shown[axis].FindAll(i => i >= 0);
        var position = new int[Rank];
        while (true)
        {
            var index = StorageOffset;
            for (var axis = 0; axis < Rank; axis++) index += visible[axis][position[axis]] * _strides[axis];
            result.Add(index);
            var a = Rank - 1;
            while (a >= 0 && ++position[a] == visible[a].Count) position[a--] = 0;
            if (a < 0) return result;
        }
    }

    /// <summary>How the elements of one tensor print: the number format for floats, plain integers or True/False.</summary>
    private sealed class ElementFormat
    {
        private readonly Tensor _tensor;
        private readonly NumberFormat? _number;

        private ElementFormat(Tensor tensor, NumberFormat? number, int width)
        {
            _tensor = tensor;
            _number = number;
            Width = width;
        }

        /// <summary>The column width every entry is padded to.</summary>
        public int Width { get; }

        /// <summary>
        /// Floats use PyTorch's <c>_Formatter</c> rules (<see cref="NumberFormat"/>). Int64 and Bool entries print as
        /// <c>str(value)</c> would in Python (<c>-3</c>, <c>True</c>), padded to the widest shown entry, zeros included.
        /// </summary>
        public static ElementFormat For(Tensor tensor, List<int> visible)
        {
            if (tensor.DType.IsFloatingPoint())
            {
                var values = new double[visible.Count];
                for (var i = 0; i < visible.Count; i++) values[i] = tensor.ReadAsDouble(visible[i]);
                var number = NumberFormat.For(values);
                return new ElementFormat(tensor, number, number.Width);
            }
            var probe = new ElementFormat(tensor, null, 0);
            var width = 1;
            foreach (var i in visible) width = Math.Max(width, probe.Format(i).Length);
            return new ElementFormat(tensor, null, width);
        }

        /// <summary>The text of the element at storage index <paramref name="storageIndex"/>, unpadded.</summary>
        public string Format(int storageIndex) => _tensor.DType switch
        {
            DType.Int64 => ((long[])_tensor.Storage.Data)[storageIndex].ToString(CultureInfo.InvariantCulture),
            DType.Bool => ((bool[])_tensor.Storage.Data)[storageIndex] ? "True" : "False",
            _ => _number!.Format(_tensor.ReadAsDouble(storageIndex)),
        };
    }

    /// <summary>The floating-point element at a storage index, as a double.</summary>
    private double ReadAsDouble(int storageIndex) => DType == DType.Float32
        ? ((float[])Storage.Data)[storageIndex]
        : ((double[])Storage.Data)[storageIndex];

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
        public static NumberFormat For(double[] values)
        {
            var nonZeroFinite = new List<double>();
            foreach (var v in values) if (double.IsFinite(v) && v != 0) nonZeroFinite.Add(v);
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
