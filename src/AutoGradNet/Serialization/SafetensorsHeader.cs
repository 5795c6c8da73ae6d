namespace AutoGradNet.Serialization;

/// <summary>One tensor's entry in a safetensors header.</summary>
/// <param name="Name">The tensor's name (the header key).</param>
/// <param name="DType">Its element type (safetensors <c>F64</c>, <c>F32</c>, <c>I64</c> or <c>BOOL</c>).</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Begin">The first byte of its data, counted from the start of the data buffer (after the header).</param>
/// <param name="End">One past its last byte, counted the same way.</param>
public sealed record SafetensorsEntry(string Name, DType DType, Shape Shape, long Begin, long End);

/// <summary>
/// A validated safetensors header: the tensors in the order the header lists them, the free-form
/// <c>__metadata__</c> strings, and the sizes of the two parts of the file.
/// </summary>
public sealed class SafetensorsHeader
{
    internal SafetensorsHeader(IReadOnlyList<SafetensorsEntry> tensors, IReadOnlyDictionary<string, string> metadata, long headerLength, long dataLength)
    {
        Tensors = tensors;
        Metadata = metadata;
        HeaderLength = headerLength;
        DataLength = dataLength;
    }

    /// <summary>The tensors, in the order the header lists them.</summary>
    public IReadOnlyList<SafetensorsEntry> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>N, the length in bytes of the JSON header (padding included), as stored in the file's first 8 bytes.</summary>
    public long HeaderLength { get; }

    /// <summary>The length in bytes of the data buffer that follows the header.</summary>
    public long DataLength { get; }
}
