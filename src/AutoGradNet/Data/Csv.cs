using System.Globalization;
using System.Text;

namespace AutoGradNet.Data;

/// <summary>
/// Reads numeric CSV files into tensors: every column but the label column becomes a Float64 feature, numbers are
/// read in the invariant culture (<c>1.5</c>, <c>-2e-3</c>, <c>NaN</c>), fields may be double-quoted, and blank lines
/// are skipped. Errors name the file, the 1-based line and the column.
/// </summary>
public static class Csv
{
    /// <summary>Reads the CSV file at <paramref name="path"/>, taking the column named <paramref name="labelColumn"/> (in the header) as the labels.</summary>
    /// <param name="path">The file.</param>
    /// <param name="labelColumn">The label column's name in the header.</param>
    /// <param name="hasHeader">Whether the first line names the columns; a name needs one.</param>
    /// <param name="delimiter">The field separator.</param>
    /// <param name="labelDType">Int64 (class targets; <c>2</c> and <c>2.0</c> both read as 2) or Float64 (regression targets).</param>
    /// <exception cref="DataFormatException">The file is empty, has no such column, a row has a different number of fields from the first, or a cell is not a number.</exception>
    /// <exception cref="ArgumentException"><paramref name="labelDType"/> is not Int64 or Float64, or a name is given without a header.</exception>
    public static CsvTable Load(string path, string labelColumn, bool hasHeader = true, char delimiter = ',', DType labelDType = DType.Int64)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Load(reader, labelColumn, hasHeader, delimiter, labelDType, path);
    }

    /// <summary>Reads the CSV file at <paramref name="path"/>, taking column <paramref name="labelColumn"/> (0-based; negative counts from the end) as the labels.</summary>
    /// <inheritdoc cref="Load(string, string, bool, char, DType)"/>
    public static CsvTable Load(string path, int labelColumn, bool hasHeader = true, char delimiter = ',', DType labelDType = DType.Int64)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Load(reader, labelColumn, hasHeader, delimiter, labelDType, path);
    }

    /// <summary>Reads CSV text from <paramref name="reader"/>; <paramref name="source"/> names it in error messages.</summary>
    /// <inheritdoc cref="Load(string, string, bool, char, DType)"/>
    public static CsvTable Load(TextReader reader, string labelColumn, bool hasHeader = true, char delimiter = ',', DType labelDType = DType.Int64, string source = "<reader>")
    {
        ArgumentNullException.ThrowIfNull(labelColumn);
        if (!hasHeader)
            throw new ArgumentException($"Csv.Load: the label column '{labelColumn}' is given by name, which needs a header (hasHeader: true); give its index instead.", nameof(labelColumn));
        return Read(reader, new LabelRef(labelColumn, 0), hasHeader, delimiter, labelDType, source);
    }

    /// <summary>Reads CSV text from <paramref name="reader"/>; <paramref name="source"/> names it in error messages.</summary>
    /// <inheritdoc cref="Load(string, int, bool, char, DType)"/>
    public static CsvTable Load(TextReader reader, int labelColumn, bool hasHeader = true, char delimiter = ',', DType labelDType = DType.Int64, string source = "<reader>")
        => Read(reader, new LabelRef(null, labelColumn), hasHeader, delimiter, labelDType, source);

    private readonly record struct LabelRef(string? Name, int Index);

    private static CsvTable Read(TextReader reader, LabelRef label, bool hasHeader, char delimiter, DType labelDType, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        if (labelDType is not (DType.Int64 or DType.Float64))
            throw new ArgumentException($"Csv.Load: labelDType must be Int64 or Float64, got {labelDType}.", nameof(labelDType));

        var lineNumber = 0;
        string[]? first = null;
        var firstLine = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            first = Split(line, delimiter, source, lineNumber);
            firstLine = lineNumber;
            break;
        }
        if (first is null)
            throw new DataFormatException($"Csv.Load: {source} is empty; expected {(hasHeader ? "a header line" : "at least one row")} of comma-separated columns.");

        var width = first.Length;
        var names = hasHeader ? first : [.. Enumerable.Range(1, width).Select(i => $"column{i}")];
        var labelIndex = ResolveLabel(label, names, source, firstLine);
        var features = new List<double>();
        var labels = new List<double>();
        var rows = 0;
        if (!hasHeader) AddRow(first, firstLine);
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = Split(line, delimiter, source, lineNumber);
            if (fields.Length != width)
            {
                throw new DataFormatException(
                    $"Csv.Load: {source} line {lineNumber} has {fields.Length} fields, expected {width} " +
                    $"(as the {(hasHeader ? "header" : "first row")} on line {firstLine}).");
            }
            AddRow(fields, lineNumber);
        }

        var featureCount = width - 1;
        var featureTensor = Tensor.FromArray(features.ToArray(), rows, featureCount);
        var labelTensor = labelDType == DType.Int64
            ? Tensor.FromArray(labels.Select(v => (long)v).ToArray(), rows)
            : Tensor.FromArray(labels.ToArray(), rows);
        return new CsvTable(featureTensor, labelTensor, [.. names.Where((_, i) => i != labelIndex)], names[labelIndex]);

        void AddRow(string[] fields, int at)
        {
            for (var c = 0; c < fields.Length; c++)
            {
                var value = Parse(fields[c], c == labelIndex && labelDType == DType.Int64, at, names[c], source);
                (c == labelIndex ? labels : features).Add(value);
            }
            rows++;
        }
    }

    private static int ResolveLabel(LabelRef label, string[] names, string source, int headerLine)
    {
        if (label.Name is not null)
        {
            var index = Array.IndexOf(names, label.Name);
            if (index < 0)
                throw new DataFormatException($"Csv.Load: {source} has no column named '{label.Name}'; its header (line {headerLine}) has: {string.Join(", ", names)}.");
            return index;
        }
        var i = label.Index < 0 ? label.Index + names.Length : label.Index;
        if (i < 0 || i >= names.Length)
            throw new DataFormatException($"Csv.Load: {source} has {names.Length} columns, so there is no label column {label.Index} (expected an index in [{-names.Length}, {names.Length})).");
        return i;
    }

    private static double Parse(string cell, bool integer, int line, string column, string source)
    {
        var text = cell.AsSpan().Trim();
        if (integer)
        {
            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole)) return whole;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsInteger(d) && Math.Abs(d) < 9.007199254740992e15)
                return d;
            throw new DataFormatException($"Csv.Load: {source} line {line}, column '{column}': cannot read '{cell}' as an integer label (labelDType Int64).");
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
        throw new DataFormatException($"Csv.Load: {source} line {line}, column '{column}': cannot read '{cell}' as a number.");
    }

    /// <summary>Splits one line into fields; a field may be double-quoted (<c>""</c> inside quotes is a quote).</summary>
    private static string[] Split(string line, char delimiter, string source, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"' && field.ToString().Trim().Length == 0) { field.Clear(); quoted = true; }
            else if (c == delimiter) { fields.Add(field.ToString().Trim()); field.Clear(); }
            else field.Append(c);
        }
        if (quoted)
            throw new DataFormatException($"Csv.Load: {source} line {lineNumber}: a quoted field is not closed (expected a closing '\"' before the end of the line).");
        fields.Add(field.ToString().Trim());
        return [.. fields];
    }
}
