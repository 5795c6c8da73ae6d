using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace AutoGradNet.Serialization;

/// <summary>
/// The safetensors layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON (space-padded to a multiple
/// of 8), then the data buffer, each tensor little-endian row-major at its <c>data_offsets</c>. Parsing validates the
/// whole header against the file's real length before anything larger than the header is allocated.
/// </summary>
internal static class SafetensorsFormat
{
    /// <summary>The reference implementation's limit on N (it refuses larger headers too).</summary>
    public const long MaxHeaderLength = 100_000_000;

    public const string MetadataKey = "__metadata__";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Name(DType dtype) => dtype switch
    {
        DType.Float64 => "F64",
        DType.Float32 => "F32",
        DType.Int64 => "I64",
        DType.Bool => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    private static DType? Parse(string name) => name switch
    {
        "F64" => DType.Float64,
        "F32" => DType.Float32,
        "I64" => DType.Int64,
        "BOOL" => DType.Bool,
        _ => null,
    };

    /// <summary>
    /// The order the reference writer lays tensors out in: by dtype, widest first (I64, F64, F32, BOOL, as its enum
    /// sorts descending), then by name, so every tensor starts at a multiple of its element size.
    /// </summary>
    public static int LayoutRank(DType dtype) => dtype switch
    {
        DType.Int64 => 0,
        DType.Float64 => 1,
        DType.Float32 => 2,
        _ => 3,
    };

    /// <summary>
    /// Validates the first 8 bytes of a file of <paramref name="fileLength"/> bytes and returns N, the header length.
    /// </summary>
    public static long ReadHeaderLength(ReadOnlySpan<byte> prefix, long fileLength, Fail fail)
    {
        if (fileLength < 8)
            throw fail($"the file is {fileLength} bytes long, too short for the 8-byte header length (truncated or not a safetensors file)");
        var n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > (ulong)(fileLength - 8))
            throw fail($"the header length at offset 0 is {n} bytes, beyond the {fileLength - 8} bytes that follow it (truncated or corrupt file)");
        if (n > MaxHeaderLength)
            throw fail($"the header length at offset 0 is {n} bytes, above the limit of {MaxHeaderLength}");
        if (n < 2)
            throw fail($"the header length at offset 0 is {n} bytes, too short for a JSON object");
        return (long)n;
    }

    /// <summary>Parses and validates the JSON header against a data buffer of <paramref name="dataLength"/> bytes.</summary>
    public static SafetensorsHeader ParseHeader(ReadOnlySpan<byte> header, long dataLength, Fail fail)
    {
        try
        {
            StrictUtf8.GetCharCount(header);
        }
        catch (DecoderFallbackException e)
        {
            throw fail($"the header is not valid UTF-8 (invalid byte at file offset {8 + e.Index})");
        }
        if (header[0] != (byte)'{')
            throw fail($"the header does not start with '{{' (byte 0x{header[0]:X2} at file offset 8)");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw fail($"the header is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw fail($"the header is a JSON {root.ValueKind}, not an object");

            var seen = new HashSet<string>(StringComparer.Ordinal);
            var entries = new List<SafetensorsEntry>();
            IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw fail($"the header names '{property.Name}' twice");
                if (property.Name == MetadataKey)
                    metadata = ParseMetadata(property.Value, fail);
                else
                    entries.Add(ParseEntry(property.Name, property.Value, dataLength, fail));
            }
            CheckContiguous(entries, dataLength, fail);
            return new SafetensorsHeader(entries, metadata, header.Length, dataLength);
        }
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement value, Fail fail)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw fail($"'{MetadataKey}' is a JSON {value.ValueKind}, not an object of strings");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in value.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
                throw fail($"'{MetadataKey}' entry '{p.Name}' is a JSON {p.Value.ValueKind}, not a string");
            if (!metadata.TryAdd(p.Name, p.Value.GetString()!))
                throw fail($"'{MetadataKey}' names '{p.Name}' twice");
        }
        return metadata;
    }

    private static SafetensorsEntry ParseEntry(string name, JsonElement value, long dataLength, Fail fail)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw fail($"tensor '{name}': the entry is a JSON {value.ValueKind}, not an object");
        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (var p in value.EnumerateObject())
        {
            switch (p.Name)
            {
                case "dtype" when dtypeElement is null: dtypeElement = p.Value; break;
                case "shape" when shapeElement is null: shapeElement = p.Value; break;
                case "data_offsets" when offsetsElement is null: offsetsElement = p.Value; break;
                case "dtype" or "shape" or "data_offsets": throw fail($"tensor '{name}': '{p.Name}' is given twice");
                default: throw fail($"tensor '{name}': unknown field '{p.Name}' (expected dtype, shape, data_offsets)");
            }
        }

        if (dtypeElement is not { ValueKind: JsonValueKind.String } dt)
            throw fail($"tensor '{name}': 'dtype' is missing or not a string");
        var dtypeName = dt.GetString()!;
        if (Parse(dtypeName) is not { } dtype)
            throw fail($"tensor '{name}': unknown or unsupported dtype '{dtypeName}' (AutoGradNet reads F64, F32, I64 and BOOL)");

        if (shapeElement is not { ValueKind: JsonValueKind.Array } sh)
            throw fail($"tensor '{name}': 'shape' is missing or not an array");
        if (sh.GetArrayLength() > Tensor.MaxRank)
            throw fail($"tensor '{name}': shape has {sh.GetArrayLength()} dimensions, above the maximum of {Tensor.MaxRank}");
        var dims = new int[sh.GetArrayLength()];
        ulong count = 1;
        var overflow = false;
        var i = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetUInt64(out var dim))
                throw fail($"tensor '{name}': shape entry {i} ({d.GetRawText()}) is not a non-negative integer");
            overflow |= dim != 0 && count > ulong.MaxValue / dim;
            count = overflow ? count : count * dim;
            dims[i++] = dim <= int.MaxValue ? (int)dim : -1;
        }
        var shapeText = sh.GetRawText();
        if (overflow)
            throw fail($"tensor '{name}': the element count of shape {shapeText} overflows a 64-bit integer");
        var elementSize = (ulong)dtype.ElementSize();
        if (count > ulong.MaxValue / elementSize)
            throw fail($"tensor '{name}': shape {shapeText} of {dtypeName} needs more bytes than a 64-bit integer can count");
        var bytes = count * elementSize;

        if (offsetsElement is not { ValueKind: JsonValueKind.Array } off || off.GetArrayLength() != 2)
            throw fail($"tensor '{name}': 'data_offsets' is missing or not an array [begin, end]");
        if (!off[0].TryGetUInt64IfNumber(out var begin) || !off[1].TryGetUInt64IfNumber(out var end))
            throw fail($"tensor '{name}': data_offsets {off.GetRawText()} are not non-negative integers");
        if (begin > end || end > (ulong)dataLength)
        {
            throw fail(
                $"tensor '{name}': data_offsets [{begin}, {end}] lie outside the data buffer of {dataLength} bytes (or end before they begin)");
        }
        if (end - begin != bytes)
        {
            throw fail(
                $"tensor '{name}': data_offsets [{begin}, {end}] span {end - begin} bytes, but shape {shapeText} of {dtypeName} needs {count} × {elementSize} = {bytes}");
        }
        // The bytes fit in the file, so the count is small; a dimension past int range can only be one of size 0.
        Shape shape;
        try
        {
            shape = new Shape(dims);
        }
        catch (ArgumentException)
        {
            throw fail($"tensor '{name}': shape {shapeText} has a dimension or element count too large for an AutoGradNet tensor");
        }
        return new SafetensorsEntry(name, dtype, shape, (long)begin, (long)end);
    }

    private static bool TryGetUInt64IfNumber(this JsonElement e, out ulong value)
    {
        value = 0;
        return e.ValueKind == JsonValueKind.Number && e.TryGetUInt64(out value);
    }

    /// <summary>The tensors must tile the data buffer exactly: from 0, no gaps, no overlaps, up to its end.</summary>
    private static void CheckContiguous(List<SafetensorsEntry> entries, long dataLength, Fail fail)
    {
        var byOffset = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long expected = 0;
        SafetensorsEntry? previous = null;
        foreach (var e in byOffset)
        {
            if (e.Begin > expected)
            {
                var after = previous is null ? "the start of the data buffer" : $"the end of '{previous.Name}'";
                throw fail($"tensor '{e.Name}': data_offsets begin at {e.Begin}, leaving a gap of {e.Begin - expected} bytes after {after} (offset {expected})");
            }
            if (e.Begin < expected)
                throw fail($"tensor '{e.Name}': data_offsets [{e.Begin}, {e.End}] overlap '{previous!.Name}' [{previous.Begin}, {previous.End}]");
            expected = e.End;
            previous = e;
        }
        if (expected != dataLength)
        {
            throw fail(
                $"the tensors end at data offset {expected}, but the data buffer holds {dataLength} bytes ({dataLength - expected} unaccounted for)");
        }
    }

    /// <summary>The bytes of a fresh contiguous tensor's storage, to be filled from the file.</summary>
    public static Span<byte> Bytes(Tensor t) => t.DType switch
    {
        DType.Float64 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.AsSpan<double>()),
        DType.Float32 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.AsSpan<float>()),
        DType.Int64 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.AsSpan<long>()),
        DType.Bool => System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.AsSpan<bool>()),
        _ => throw new ArgumentOutOfRangeException(nameof(t), t.DType, "Unknown dtype."),
    };

    /// <summary>Converts a tensor's storage between little-endian and the host order (a no-op on little-endian hosts).</summary>
    public static void SwapIfBigEndian(Span<byte> bytes, int elementSize)
    {
        if (BitConverter.IsLittleEndian || elementSize == 1) return;
        for (var i = 0; i < bytes.Length; i += elementSize)
            bytes.Slice(i, elementSize).Reverse();
    }

    /// <summary>Checks that a Bool tensor's bytes are 0 or 1 (anything else is not a C# bool).</summary>
    public static void CheckBools(SafetensorsEntry e, ReadOnlySpan<byte> bytes, long dataStart, Fail fail)
    {
        var bad = bytes.IndexOfAnyExcept((byte)0, (byte)1);
        if (bad >= 0)
            throw fail($"tensor '{e.Name}': BOOL byte 0x{bytes[bad]:X2} at file offset {dataStart + e.Begin + bad} is neither 0 nor 1");
    }

    /// <summary>Makes the exception for a malformed file; the message says what is wrong.</summary>
    public delegate Exception Fail(string what);
}
