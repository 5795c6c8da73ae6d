using System.Text.Json;

namespace AutoGradNet.Serialization;

/// <summary>
/// Saves and loads a state dictionary (name → tensor, as <c>Module.StateDict()</c> produces) as human-readable JSON:
/// <c>{ "format": "AutoGradNet.StateDict", "version": 1, "tensors": { "name": { "dtype": "Float64", "shape": [2, 3],
/// "data": [...] } } }</c>, the data row-major. Float64 and Float32 values are written in their shortest round-trip
/// form, so every value (subnormals and -0 included) reads back bit for bit; NaN, Infinity and -Infinity are written
/// as those strings. For large models or exchange with PyTorch use <see cref="Safetensors"/>.
/// </summary>
public static class Checkpoint
{
    /// <summary>The value of the document's <c>format</c> property.</summary>
    public const string FormatName = "AutoGradNet.StateDict";

    /// <summary>The document version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>
    /// Writes <paramref name="state"/> to <paramref name="path"/> as JSON. The file is replaced atomically: the JSON
    /// goes to a temporary file in the same directory first, so a failure never leaves a half-written file in place
    /// of the old one. Tensors are read as they are (views and non-contiguous tensors are written row-major); nothing
    /// is recorded in the autograd graph.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="ArgumentException">A tensor is null, or the path is empty.</exception>
    public static void SaveJson(IReadOnlyDictionary<string, Tensor> state, string path)
    {
        const string op = "Checkpoint.SaveJson";
        StateChecks.Validate(state, op);
        StateChecks.ValidatePath(path, op);
        var document = ToDocument(state);
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, document, CheckpointJsonContext.Default.JsonCheckpoint));
    }

    /// <summary>The JSON text <see cref="SaveJson"/> writes for <paramref name="state"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="ArgumentException">A tensor is null.</exception>
    public static string ToJson(IReadOnlyDictionary<string, Tensor> state)
    {
        StateChecks.Validate(state, "Checkpoint.ToJson");
        return JsonSerializer.Serialize(ToDocument(state), CheckpointJsonContext.Default.JsonCheckpoint);
    }

    /// <summary>
    /// Reads a state dictionary written by <see cref="SaveJson"/>: new contiguous tensors that do not require grad,
    /// in the file's order. Either every tensor loads or an error names the file, the tensor and what is wrong.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON, not an AutoGradNet state document of this
    /// version, or a tensor is malformed (unknown dtype, negative dimension, data length ≠ shape's element count).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Dictionary<string, Tensor> LoadJson(string path)
    {
        const string op = "Checkpoint.LoadJson";
        StateChecks.ValidatePath(path, op);
        return Parse(File.ReadAllBytes(path), op, $"'{path}'");
    }

    /// <summary>Reads a state dictionary from JSON text, as <see cref="LoadJson"/> reads a file.</summary>
    /// <exception cref="InvalidDataException">As for <see cref="LoadJson"/>.</exception>
    public static Dictionary<string, Tensor> FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(System.Text.Encoding.UTF8.GetBytes(json), "Checkpoint.FromJson", "the JSON text");
    }

    private static JsonCheckpoint ToDocument(IReadOnlyDictionary<string, Tensor> state)
    {
        var tensors = new Dictionary<string, JsonTensor>(state.Count);
        foreach (var (name, t) in state)
        {
            var shape = t.Shape.Dims.ToArray();
            tensors[name] = t.DType switch
            {
                DType.Float64 => new Float64JsonTensor(shape, t.Dense<double>().ToArray()),
                DType.Float32 => new Float32JsonTensor(shape, t.Dense<float>().ToArray()),
                DType.Int64 => new Int64JsonTensor(shape, t.Dense<long>().ToArray()),
                DType.Bool => new BoolJsonTensor(shape, t.Dense<bool>().ToArray()),
                _ => throw new ArgumentOutOfRangeException(nameof(state), t.DType, "Unknown dtype."),
            };
        }
        return new JsonCheckpoint(FormatName, FormatVersion, tensors);
    }

    private static Dictionary<string, Tensor> Parse(byte[] utf8, string op, string source)
    {
        JsonCheckpoint? document;
        try
        {
            document = JsonSerializer.Deserialize(utf8, CheckpointJsonContext.Default.JsonCheckpoint);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{op}: {source} is not a valid checkpoint: {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            // What System.Text.Json throws for a tensor object without its "dtype" discriminator.
            throw new InvalidDataException(
                $"{op}: {source} is not a valid checkpoint: a tensor has no 'dtype' (one of Float64, Float32, Int64, Bool). {e.Message}", e);
        }
        if (document is null)
            throw new InvalidDataException($"{op}: {source} holds JSON null, not a checkpoint.");
        if (document.Format != FormatName)
            throw new InvalidDataException($"{op}: {source} has format '{document.Format}'; expected '{FormatName}'.");
        if (document.Version != FormatVersion)
        {
            throw new InvalidDataException(
                $"{op}: {source} has version {document.Version}; this AutoGradNet reads version {FormatVersion}.");
        }

        var result = new Dictionary<string, Tensor>(document.Tensors.Count);
        foreach (var (name, entry) in document.Tensors)
            result[name] = ToTensor(name, entry, op, source);
        return result;
    }

    private static Tensor ToTensor(string name, JsonTensor entry, string op, string source)
    {
        var (data, dtype) = entry switch
        {
            Float64JsonTensor f => ((Array)f.Data, DType.Float64),
            Float32JsonTensor f => (f.Data, DType.Float32),
            Int64JsonTensor i => (i.Data, DType.Int64),
            BoolJsonTensor b => (b.Data, DType.Bool),
            _ => throw new InvalidDataException($"{op}: {source}: tensor '{name}' has an unknown dtype."),
        };
        Shape shape;
        try
        {
            shape = new Shape(entry.Shape);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{op}: {source}: tensor '{name}' has an invalid shape: {e.Message}", e);
        }
        if (shape.Rank > Tensor.MaxRank)
            throw new InvalidDataException($"{op}: {source}: tensor '{name}' has rank {shape.Rank}, above the maximum of {Tensor.MaxRank}.");
        if (data.Length != shape.Size)
        {
            throw new InvalidDataException(
                $"{op}: {source}: tensor '{name}' has shape {shape} ({shape.Size} elements) but {data.Length} data values.");
        }
        return new Tensor(new Storage(data), shape, dtype);
    }
}
