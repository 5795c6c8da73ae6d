using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics.Tensors;

namespace AutoGradNet.Data;

/// <summary>
/// Reads and writes the IDX format of the MNIST files (<c>train-images-idx3-ubyte</c>, ...), raw or gzip-compressed:
/// a magic number <c>00 00 TT NN</c> (TT the element type, 0x08 for unsigned bytes, the only type supported; NN the
/// number of dimensions), the dimensions as big-endian 32-bit integers, then the elements in row-major order. An
/// images file is <c>0x00000803</c> with dims [N, rows, cols], a labels file <c>0x00000801</c> with dims [N]. A gzip
/// file is recognised by its first two bytes, <c>1f 8b</c>. Errors name the file, the byte offset (in the
/// decompressed data for gzip) and what was expected there.
/// </summary>
public static class Idx
{
    /// <summary>The IDX type code of unsigned bytes, the only element type read and written.</summary>
    public const byte UnsignedByte = 0x08;

    /// <summary>
    /// Reads the IDX file at <paramref name="path"/> as a tensor of its dims, of <paramref name="dtype"/>: values 0..255,
    /// or divided by 255 into [0, 1] when <paramref name="scale"/> is true (float dtypes only).
    /// </summary>
    /// <param name="path">The file, raw or gzip.</param>
    /// <param name="dtype">Float64, Float32 or Int64.</param>
    /// <param name="scale">Whether to divide by 255.</param>
    /// <exception cref="DataFormatException">The file is not an unsigned-byte IDX file, is truncated, or has bytes after the data.</exception>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is Bool, or Int64 with <paramref name="scale"/>.</exception>
    public static Tensor Load(string path, DType dtype = DType.Float64, bool scale = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Load(stream, path, dtype, scale);
    }

    /// <summary>Reads IDX data from <paramref name="stream"/> (raw or gzip); <paramref name="source"/> names it in errors.</summary>
    /// <inheritdoc cref="Load(string, DType, bool)"/>
    public static Tensor Load(Stream stream, string source, DType dtype = DType.Float64, bool scale = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        if (dtype is not (DType.Float64 or DType.Float32 or DType.Int64))
            throw new ArgumentException($"Idx.Load: dtype must be Float64, Float32 or Int64, got {dtype}.", nameof(dtype));
        if (scale && dtype == DType.Int64)
            throw new ArgumentException("Idx.Load: scale divides by 255, which needs a float dtype; got Int64.", nameof(dtype));

        var (memory, gzip) = ReadAll(stream, source);
        var bytes = memory.Span;
        var where = gzip ? $"{source} (gzip; offsets are in the decompressed data)" : source;
        if (bytes.Length < 4)
            throw new DataFormatException($"Idx.Load: {where} is truncated at byte offset {bytes.Length}: expected a 4-byte magic number 00 00 08 NN.");
        var magic = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new DataFormatException($"Idx.Load: {where} has magic number 0x{magic:X8} at byte offset 0; expected 0x000008NN (0x00000803 for images, 0x00000801 for labels).");
        if (bytes[2] != UnsignedByte)
            throw new DataFormatException($"Idx.Load: {where} has unsupported IDX type code 0x{bytes[2]:X2} at byte offset 2; expected 0x08 (unsigned byte), the only type supported.");
        int rank = bytes[3];
        var headerLength = 4 + (4 * rank);
        if (bytes.Length < headerLength)
            throw new DataFormatException($"Idx.Load: {where} is truncated at byte offset {bytes.Length}: expected {rank} big-endian 32-bit dimensions in bytes 4..{headerLength - 1}.");
        var dims = new int[rank];
        long count = 1;
        for (var i = 0; i < rank; i++)
        {
            var d = BinaryPrimitives.ReadUInt32BigEndian(bytes[(4 + (4 * i))..]);
            if (d > int.MaxValue)
                throw new DataFormatException($"Idx.Load: {where} has dimension {i} = {d} at byte offset {4 + (4 * i)}; expected at most {int.MaxValue}.");
            dims[i] = (int)d;
            count *= d;
            if (count > Array.MaxLength)
                throw new DataFormatException($"Idx.Load: {where} has dims [{string.Join(", ", dims[..(i + 1)])}...] with more elements than an array can hold ({Array.MaxLength}).");
        }
        var data = bytes[headerLength..];
        if (data.Length < count)
        {
            throw new DataFormatException(
                $"Idx.Load: {where} is truncated: dims [{string.Join(", ", dims)}] need {count} data bytes from byte offset {headerLength} " +
                $"(to offset {headerLength + count}), but the data ends at byte offset {bytes.Length}.");
        }
        if (data.Length > count)
        {
            throw new DataFormatException(
                $"Idx.Load: {where} has {data.Length - count} bytes after the data: dims [{string.Join(", ", dims)}] end the file at byte offset " +
                $"{headerLength + count}, but it is {bytes.Length} bytes long.");
        }

        var result = Tensor.Empty(new Shape(dims), dtype);
        switch (dtype)
        {
            case DType.Float64:
                TensorPrimitives.ConvertTruncating<byte, double>(data, result.AsSpan<double>());
                if (scale) TensorPrimitives.Divide(result.AsSpan<double>(), 255.0, result.AsSpan<double>());
                break;
            case DType.Float32:
                TensorPrimitives.ConvertTruncating<byte, float>(data, result.AsSpan<float>());
                if (scale) TensorPrimitives.Divide(result.AsSpan<float>(), 255f, result.AsSpan<float>());
                break;
            default:
                TensorPrimitives.ConvertTruncating<byte, long>(data, result.AsSpan<long>());
                break;
        }
        return result;
    }

    /// <summary>Reads an images file: an IDX file of three dims [N, rows, cols] (magic 0x00000803).</summary>
    /// <inheritdoc cref="Load(string, DType, bool)"/>
    /// <exception cref="DataFormatException">The file does not have three dims, or any <see cref="Load(string, DType, bool)"/> error.</exception>
    public static Tensor LoadImages(string path, DType dtype = DType.Float64, bool scale = false)
    {
        var images = Load(path, dtype, scale);
        if (images.Rank != 3)
            throw new DataFormatException($"Idx.LoadImages: {path} has {images.Rank} dims {images.Shape} (magic 0x000008{images.Rank:X2}); expected 3 dims [N, rows, cols] (magic 0x00000803).");
        return images;
    }

    /// <summary>Reads a labels file: an IDX file of one dim [N] (magic 0x00000801), as Int64 class indices.</summary>
    /// <exception cref="DataFormatException">The file does not have one dim, or any <see cref="Load(string, DType, bool)"/> error.</exception>
    public static Tensor LoadLabels(string path)
    {
        var labels = Load(path, DType.Int64);
        if (labels.Rank != 1)
            throw new DataFormatException($"Idx.LoadLabels: {path} has {labels.Rank} dims {labels.Shape}; expected 1 dim [N] (magic 0x00000801).");
        return labels;
    }

    /// <summary>
    /// Writes <paramref name="tensor"/> to <paramref name="path"/> as an unsigned-byte IDX file of its shape, gzip-compressed
    /// when <paramref name="gzip"/> is true. Every element must be an integer in [0, 255] (any dtype but Bool); the file
    /// is written to a temporary name and then moved into place, so a failed save leaves no half-written file.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is Bool, has more than 255 dims, or an element is not an integer in [0, 255].</exception>
    public static void Save(string path, Tensor tensor, bool gzip = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = Encode(tensor, path);
        var temp = path + ".tmp";
        try
        {
            using (var file = File.Create(temp))
            {
                if (gzip)
                {
                    using var zip = new GZipStream(file, CompressionLevel.Optimal);
                    zip.Write(bytes);
                }
                else
                {
                    file.Write(bytes);
                }
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static byte[] Encode(Tensor tensor, string path)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.DType == DType.Bool)
            throw new ArgumentException($"Idx.Save: {path}: a Bool tensor (shape {tensor.Shape}) cannot be saved; convert it to Int64 first.", nameof(tensor));
        if (tensor.Rank > 255)
            throw new ArgumentException($"Idx.Save: {path}: IDX holds at most 255 dims; the tensor has {tensor.Rank}.", nameof(tensor));
        var values = tensor.ToArray();
        var header = 4 + (4 * tensor.Rank);
        var bytes = new byte[header + values.Length];
        bytes[2] = UnsignedByte;
        bytes[3] = (byte)tensor.Rank;
        for (var i = 0; i < tensor.Rank; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), tensor.Shape[i]);
        var bad = Array.FindIndex(values, v => !(v is >= 0 and <= 255 && double.IsInteger(v)));
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"Idx.Save: {path}: element {bad} (row-major) of the tensor of shape {tensor.Shape} is {values[bad]}; expected integers in [0, 255] (unsigned bytes).",
                nameof(tensor));
        }
        TensorPrimitives.ConvertTruncating<double, byte>(values, bytes.AsSpan(header));
        return bytes;
    }

    /// <summary>All bytes of <paramref name="stream"/>, decompressed when they start with the gzip magic 1f 8b.</summary>
    private static (ReadOnlyMemory<byte> Bytes, bool Gzip) ReadAll(Stream stream, string source)
    {
        var raw = new MemoryStream();
        stream.CopyTo(raw);
        var buffer = raw.GetBuffer().AsSpan(0, (int)raw.Length);
        if (buffer.Length < 2 || buffer[0] != 0x1f || buffer[1] != 0x8b) return (raw.GetBuffer().AsMemory(0, (int)raw.Length), false);
        raw.Position = 0;
        using var zip = new GZipStream(raw, CompressionMode.Decompress);
        var decompressed = new MemoryStream();
        try
        {
            zip.CopyTo(decompressed);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException($"Idx.Load: {source} (gzip) has corrupt compressed data after {decompressed.Length} decompressed bytes: {e.Message}", e);
        }
        return (decompressed.GetBuffer().AsMemory(0, (int)decompressed.Length), true);
    }
}
