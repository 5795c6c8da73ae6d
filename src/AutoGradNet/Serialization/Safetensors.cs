using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AutoGradNet.Serialization;

/// <summary>
/// Reads and writes state dictionaries in safetensors, the format of PyTorch and Hugging Face
/// (<c>safetensors.torch.save_file</c> / <c>load_file</c>): an 8-byte little-endian header length N, N bytes of UTF-8
/// JSON <c>{"name": {"dtype": "F64", "shape": [2, 3], "data_offsets": [begin, end]}, ..., "__metadata__": {...}}</c>
/// padded with spaces to a multiple of 8, then the tensors' bytes, little-endian and row-major, tiling the rest of the
/// file without gaps. AutoGradNet's dtypes map to <c>F64</c>, <c>F32</c>, <c>I64</c> and <c>BOOL</c>; files holding
/// other dtypes (F16, BF16, I32, ...) are rejected with an error naming the tensor.
/// </summary>
public static class Safetensors
{
    private static readonly JsonWriterOptions HeaderWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes <paramref name="state"/> to <paramref name="path"/>, laid out as the reference writer does (tensors by
    /// dtype, widest first, then by name; the header padded with spaces to a multiple of 8 bytes). The file is
    /// replaced atomically: everything goes to a temporary file in the same directory first, so a failure never
    /// leaves a half-written file in place of the old one. Nothing is recorded in the autograd graph.
    /// </summary>
    /// <param name="state">The tensors by name; views and non-contiguous tensors are written row-major.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="metadata">Optional free-form strings for the header's <c>__metadata__</c> entry
    /// (PyTorch writes <c>{"format": "pt"}</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="ArgumentException">A tensor is null, a name is <c>__metadata__</c>, a metadata value is null, or the path is empty.</exception>
    public static void Save(IReadOnlyDictionary<string, Tensor> state, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        const string op = "Safetensors.Save";
        StateChecks.ValidatePath(path, op);
        var (header, layout) = Prepare(state, metadata, op);
        AtomicFile.Write(path, stream => Write(stream, header, layout));
    }

    /// <summary>Writes <paramref name="state"/> to <paramref name="stream"/> in the layout of <see cref="Save(IReadOnlyDictionary{string, Tensor}, string, IReadOnlyDictionary{string, string}?)"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException">As for the file overload.</exception>
    public static void Save(IReadOnlyDictionary<string, Tensor> state, Stream stream, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (header, layout) = Prepare(state, metadata, "Safetensors.Save");
        Write(stream, header, layout);
    }

    /// <summary>The bytes <see cref="Save(IReadOnlyDictionary{string, Tensor}, string, IReadOnlyDictionary{string, string}?)"/> writes.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="ArgumentException">As for <c>Save</c>.</exception>
    public static byte[] ToBytes(IReadOnlyDictionary<string, Tensor> state, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var (header, layout) = Prepare(state, metadata, "Safetensors.ToBytes");
        using var stream = new MemoryStream();
        Write(stream, header, layout);
        return stream.ToArray();
    }

    /// <summary>
    /// Reads every tensor of a safetensors file: new contiguous tensors that do not require grad, in the header's
    /// order. The header is validated in full against the file's length before any tensor is allocated, so a crafted
    /// file cannot make this allocate more than the file's size; either every tensor loads or an error names the
    /// file, the tensor or byte offset, and what is wrong.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is truncated or corrupt: a header length beyond the file,
    /// invalid UTF-8 or JSON, an unknown dtype, a repeated name, a shape whose element count overflows or disagrees
    /// with its data_offsets, offsets out of range, overlapping or leaving gaps, or a BOOL byte other than 0 or 1.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Dictionary<string, Tensor> Load(string path)
    {
        const string op = "Safetensors.Load";
        StateChecks.ValidatePath(path, op);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, stream.Length, Failure(op, $"'{path}'"), loadData: true).Tensors;
    }

    /// <summary>
    /// Reads every tensor from <paramref name="stream"/>, from its current position to its end, validated as
    /// <see cref="Load(string)"/> does. A stream that cannot seek is first copied to memory.
    /// </summary>
    /// <exception cref="InvalidDataException">As for <see cref="Load(string)"/>.</exception>
    public static Dictionary<string, Tensor> Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var fail = Failure("Safetensors.Load", "the stream");
        if (stream.CanSeek) return Read(stream, stream.Length - stream.Position, fail, loadData: true).Tensors;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return Read(copy, copy.Length, fail, loadData: true).Tensors;
    }

    /// <summary>Reads every tensor from the bytes of a safetensors file, validated as <see cref="Load(string)"/> does.</summary>
    /// <exception cref="InvalidDataException">As for <see cref="Load(string)"/>.</exception>
    public static Dictionary<string, Tensor> Load(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        return Read(stream, bytes.Length, Failure("Safetensors.Load", "the byte array"), loadData: true).Tensors;
    }

    /// <summary>
    /// Reads and validates only the header of a safetensors file (names, dtypes, shapes, offsets, metadata), without
    /// reading the tensors' data.
    /// </summary>
    /// <exception cref="InvalidDataException">The header is invalid, as for <see cref="Load(string)"/>.</exception>
    public static SafetensorsHeader ReadHeader(string path)
    {
        const string op = "Safetensors.ReadHeader";
        StateChecks.ValidatePath(path, op);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Read(stream, stream.Length, Failure(op, $"'{path}'"), loadData: false).Header;
    }

    /// <summary>Reads and validates the header of safetensors bytes, as <see cref="ReadHeader(string)"/> does.</summary>
    /// <exception cref="InvalidDataException">The header is invalid.</exception>
    public static SafetensorsHeader ReadHeader(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        return Read(stream, bytes.Length, Failure("Safetensors.ReadHeader", "the byte array"), loadData: false).Header;
    }

    /// <summary>The safetensors name of <paramref name="dtype"/>: <c>F64</c>, <c>F32</c>, <c>I64</c> or <c>BOOL</c>.</summary>
    public static string DTypeName(DType dtype) => SafetensorsFormat.Name(dtype);

    private static SafetensorsFormat.Fail Failure(string op, string source) =>
        what => new InvalidDataException($"{op}: {source}: {what}.");

    private static (SafetensorsHeader Header, Dictionary<string, Tensor> Tensors) Read(Stream stream, long length, SafetensorsFormat.Fail fail, bool loadData)
    {
        Span<byte> prefix = stackalloc byte[8];
        if (length >= 8) ReadExactly(stream, prefix, 0, fail);
        var n = SafetensorsFormat.ReadHeaderLength(prefix, length, fail);
        var headerBytes = new byte[n];
        ReadExactly(stream, headerBytes, 8, fail);
        var header = SafetensorsFormat.ParseHeader(headerBytes, length - 8 - n, fail);
        var tensors = new Dictionary<string, Tensor>(header.Tensors.Count, StringComparer.Ordinal);
        if (!loadData) return (header, tensors);

        // The entries tile the buffer, so reading them in offset order reads the stream front to back.
        var dataStart = 8 + n;
        foreach (var e in header.Tensors.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            var t = Tensor.Empty(e.Shape, e.DType);
            var bytes = SafetensorsFormat.Bytes(t);
            ReadExactly(stream, bytes, dataStart + e.Begin, fail);
            if (e.DType == DType.Bool) SafetensorsFormat.CheckBools(e, bytes, dataStart, fail);
            SafetensorsFormat.SwapIfBigEndian(bytes, e.DType.ElementSize());
            tensors[e.Name] = t;
        }
        var ordered = new Dictionary<string, Tensor>(tensors.Count, StringComparer.Ordinal);
        foreach (var e in header.Tensors) ordered[e.Name] = tensors[e.Name];
        return (header, ordered);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, long offset, SafetensorsFormat.Fail fail)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw fail($"the file ends before the {buffer.Length} bytes at offset {offset} (truncated)");
        }
    }

    private sealed record Placed(string Name, Tensor Tensor, long Begin, long End);

    private static (byte[] Header, List<Placed> Layout) Prepare(
        IReadOnlyDictionary<string, Tensor> state, IReadOnlyDictionary<string, string>? metadata, string op)
    {
        StateChecks.Validate(state, op);
        if (state.ContainsKey(SafetensorsFormat.MetadataKey))
            throw new ArgumentException($"{op}: '{SafetensorsFormat.MetadataKey}' is reserved for the header's metadata and cannot name a tensor.", nameof(state));
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                if (value is null)
                    throw new ArgumentException($"{op}: metadata '{key}' is null; safetensors metadata values are strings.", nameof(metadata));
            }
        }

        var layout = new List<Placed>(state.Count);
        long offset = 0;
        foreach (var (name, t) in state.OrderBy(p => SafetensorsFormat.LayoutRank(p.Value.DType)).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            var end = offset + (long)t.Size * t.DType.ElementSize();
            layout.Add(new Placed(name, t, offset, end));
            offset = end;
        }

        var json = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(json, HeaderWriterOptions))
        {
            w.WriteStartObject();
            if (metadata is not null)
            {
                w.WriteStartObject(SafetensorsFormat.MetadataKey);
                foreach (var (key, value) in metadata) w.WriteString(key, value);
                w.WriteEndObject();
            }
            foreach (var p in layout)
            {
                w.WriteStartObject(p.Name);
                w.WriteString("dtype", SafetensorsFormat.Name(p.Tensor.DType));
                w.WriteStartArray("shape");
                foreach (var d in p.Tensor.Shape.Dims) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(p.Begin);
                w.WriteNumberValue(p.End);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        // Pad with spaces so the data buffer starts 8-byte aligned, as the reference writer does.
        var padded = (json.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        json.WrittenSpan.CopyTo(header);
        header.AsSpan(json.WrittenCount).Fill((byte)' ');
        return (header, layout);
    }

    private static void Write(Stream stream, byte[] header, List<Placed> layout)
    {
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (var p in layout)
        {
            var t = p.Tensor;
            switch (t.DType)
            {
                case DType.Float64: WriteData(stream, t.Dense<double>()); break;
                case DType.Float32: WriteData(stream, t.Dense<float>()); break;
                case DType.Int64: WriteData(stream, t.Dense<long>()); break;
                case DType.Bool: WriteData(stream, t.Dense<bool>()); break;
                default: throw new InvalidOperationException($"Unknown dtype {t.DType}.");
            }
        }
        stream.Flush();
    }

    private static void WriteData<T>(Stream stream, ReadOnlySpan<T> values) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values);
        if (BitConverter.IsLittleEndian || bytes.Length == values.Length)
        {
            stream.Write(bytes);
            return;
        }
        var copy = bytes.ToArray();
        SafetensorsFormat.SwapIfBigEndian(copy, bytes.Length / values.Length);
        stream.Write(copy);
    }
}
