using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoGradNet.Tests.Reference;

/// <summary>
/// The PyTorch reference data set <c>Reference/torch_reference.json</c>, written by
/// <c>generate_torch_reference.py</c> (run by hand, never in CI) and copied to the test output directory.
/// </summary>
internal static class TorchReference
{
    /// <summary>The file name, relative to the test output directory.</summary>
    public const string RelativePath = "Reference/torch_reference.json";

    private static readonly Lazy<TorchReferenceFile> s_file = new(Load);
    private static readonly Lazy<Dictionary<string, TorchCase>> s_byName = new(
        () => File.Cases.ToDictionary(c => c.Name, StringComparer.Ordinal));

    /// <summary>The whole file, loaded once.</summary>
    public static TorchReferenceFile File => s_file.Value;

    /// <summary>The case called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No case has that name.</exception>
    public static TorchCase Case(string name) =>
        s_byName.Value.TryGetValue(name, out var c)
            ? c
            : throw new KeyNotFoundException(
                $"No PyTorch reference case named '{name}' in {RelativePath}. Add it to generate_torch_reference.py and regenerate the JSON.");

    /// <summary>Every case whose <see cref="TorchCase.Op"/> is <paramref name="op"/>, in file order (empty if none).</summary>
    public static IReadOnlyList<TorchCase> Cases(string op) => [.. File.Cases.Where(c => c.Op == op)];

    /// <summary>Reads and deserializes a reference file.</summary>
    public static TorchReferenceFile Load(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        return JsonSerializer.Deserialize(stream, TorchReferenceJsonContext.Default.TorchReferenceFile)
            ?? throw new InvalidDataException($"{path} holds JSON null.");
    }

    private static TorchReferenceFile Load() => Load(Path.Combine(AppContext.BaseDirectory, RelativePath));
}

/// <summary>The root of <c>torch_reference.json</c>.</summary>
internal sealed record TorchReferenceFile(string TorchVersion, string Generator, TorchCase[] Cases);

/// <summary>
/// One op applied to <see cref="Inputs"/>. <see cref="GradOutput"/> seeds <c>Outputs[0]</c>; <see cref="Grads"/> holds one
/// entry per input (null when the input does not require grad, and all null for non-differentiable ops).
/// </summary>
internal sealed record TorchCase(
    string Name,
    string Op,
    Dictionary<string, JsonElement> Attrs,
    TorchTensor[] Inputs,
    TorchTensor[] Outputs,
    TorchTensor? GradOutput,
    TorchTensor?[] Grads,
    string? Note = null)
{
    /// <summary>An integer attribute, e.g. <c>dim</c> or <c>k</c>.</summary>
    public int IntAttr(string key) => Attrs[key].GetInt32();

    /// <summary>An integer attribute that may be null (e.g. <c>dim</c> = null for all elements).</summary>
    public int? NullableIntAttr(string key) =>
        Attrs.TryGetValue(key, out var e) && e.ValueKind != JsonValueKind.Null ? e.GetInt32() : null;

    /// <summary>An integer-list attribute, e.g. <c>dims</c> or <c>shifts</c>; null when absent or null.</summary>
    public int[]? IntArrayAttr(string key) =>
        Attrs.TryGetValue(key, out var e) && e.ValueKind == JsonValueKind.Array ? [.. e.EnumerateArray().Select(x => x.GetInt32())] : null;

    /// <summary>A boolean attribute, e.g. <c>keepdim</c> or <c>largest</c>.</summary>
    public bool BoolAttr(string key) => Attrs[key].GetBoolean();

    /// <summary>A floating-point attribute; accepts the strings "NaN", "Infinity" and "-Infinity".</summary>
    public double DoubleAttr(string key)
    {
        var e = Attrs[key];
        return e.ValueKind == JsonValueKind.String
            ? e.GetString() switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                var s => throw new FormatException($"Attribute '{key}' of case '{Name}' is the string '{s}', not a number."),
            }
            : e.GetDouble();
    }

    /// <summary>A string attribute, e.g. <c>a</c> and <c>b</c> of a result_type case.</summary>
    public string StringAttr(string key) => Attrs[key].GetString()!;

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// A tensor as flat row-major <see cref="Data"/>. <see cref="DType"/> is "float64", "float32", "int64" or "bool"
/// (int64 values are stored exactly as doubles; bool as 0/1).
/// <see cref="RequiresGrad"/> is whether the input required grad in PyTorch (always false for outputs and gradients).
/// </summary>
internal sealed record TorchTensor(
    int[] Shape,
    [property: JsonPropertyName("dtype")] string DType,
    double[] Data,
    bool RequiresGrad = false)
{
    /// <summary>The number of elements <see cref="Shape"/> describes (1 for a 0-d tensor).</summary>
    public int Size => Shape.Aggregate(1, (a, b) => a * b);

    /// <summary>
    /// A float64 or float32 <see cref="Tensor"/> with this shape and data, requiring grad when <see cref="RequiresGrad"/>
    /// is set (float32 data is stored exactly, as the doubles of float32 values).
    /// </summary>
    /// <exception cref="NotSupportedException">The tensor is neither float64 nor float32.</exception>
    public Tensor ToTensor()
    {
        if (DType is not ("float64" or "float32"))
        {
            throw new NotSupportedException(
                $"ToTensor supports float64 and float32 reference tensors only; this one is {DType}. Build it from Shape and Data.");
        }
        var tensor = DType == "float32"
            ? Tensor.FromArray(Array.ConvertAll(Data, v => (float)v), Shape)
            : Tensor.FromArray((double[])Data.Clone(), Shape);
        return RequiresGrad ? tensor.RequireGrad() : tensor;
    }

    /// <summary>The data as 64-bit integers (for int64 and bool tensors).</summary>
    public long[] ToInt64() => [.. Data.Select(v => checked((long)v))];
}

/// <summary>Source-generated System.Text.Json metadata for the reference file.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(TorchReferenceFile))]
internal sealed partial class TorchReferenceJsonContext : JsonSerializerContext;
