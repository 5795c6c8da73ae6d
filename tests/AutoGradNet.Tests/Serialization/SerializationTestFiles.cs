using System.Buffers.Binary;
using System.Text;

namespace AutoGradNet.Tests.Serialization;

/// <summary>Temporary directories and hand-crafted safetensors bytes for the checkpoint tests.</summary>
internal static class SerializationTestFiles
{
    /// <summary>A fresh empty directory under the system temp directory; delete it with <see cref="Delete"/>.</summary>
    public static string NewDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"autogradnet-ckpt-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void Delete(string dir)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    /// <summary>A safetensors file built by hand: the 8-byte length (given or the header's), the header, the data.</summary>
    public static byte[] Craft(string header, byte[]? data = null, ulong? headerLength = null) =>
        Craft(Encoding.UTF8.GetBytes(header), data, headerLength);

    public static byte[] Craft(byte[] header, byte[]? data = null, ulong? headerLength = null)
    {
        data ??= [];
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, headerLength ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    /// <summary>The little-endian bytes of <paramref name="values"/>.</summary>
    public static byte[] Float64Bytes(params double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        return bytes;
    }

    /// <summary>Bit-exact equality of two tensors (NaN payloads and -0 included): same dtype, shape and bits.</summary>
    public static void ShouldBeBitwiseEqual(this Tensor actual, Tensor expected, string name = "")
    {
        actual.DType.ShouldBe(expected.DType, name);
        actual.Shape.ShouldBe(expected.Shape, name);
        switch (expected.DType)
        {
            case DType.Float64:
                actual.Dense<double>().ToArray().Select(BitConverter.DoubleToInt64Bits)
                    .ShouldBe(expected.Dense<double>().ToArray().Select(BitConverter.DoubleToInt64Bits), name);
                break;
            case DType.Float32:
                actual.Dense<float>().ToArray().Select(BitConverter.SingleToInt32Bits)
                    .ShouldBe(expected.Dense<float>().ToArray().Select(BitConverter.SingleToInt32Bits), name);
                break;
            case DType.Int64:
                actual.Dense<long>().ToArray().ShouldBe(expected.Dense<long>().ToArray(), name);
                break;
            default:
                actual.Dense<bool>().ToArray().ShouldBe(expected.Dense<bool>().ToArray(), name);
                break;
        }
    }

    /// <summary>Every IEEE corner case: signed zeros, infinities, NaN, subnormals, extremes, values with long expansions.</summary>
    public static double[] HardDoubles() =>
    [
        0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3, Math.PI, -Math.E, double.Epsilon, -double.Epsilon, 2.2250738585072014e-308,
        2.2250738585072009e-308, double.MaxValue, double.MinValue, double.PositiveInfinity, double.NegativeInfinity,
        double.NaN, 1e-300, 123456789.123456789, 9007199254740993.0, 5e-324 * 3, 0.30000000000000004,
    ];

    public static float[] HardFloats() =>
    [
        0f, -0f, 1f, 0.1f, 1f / 3, float.Epsilon, -float.Epsilon, 1.17549435e-38f, float.MaxValue, float.MinValue,
        float.PositiveInfinity, float.NegativeInfinity, float.NaN, 16777217f, 3.4028235e38f, 1e-45f,
    ];

    /// <summary>A state with every dtype, a non-contiguous view, a 0-d scalar and an empty tensor.</summary>
    public static Dictionary<string, Tensor> MixedState()
    {
        var wide = Tensor.FromArray(HardDoubles()[..20], 4, 5);
        var transposed = wide.T.Detach();
        transposed.IsContiguous.ShouldBeFalse();
        return new Dictionary<string, Tensor>
        {
            ["layer.weight"] = transposed,
            ["layer.bias"] = Tensor.FromArray(HardFloats()),
            ["steps"] = Tensor.FromArray(new long[] { long.MinValue, -1, 0, 1, long.MaxValue }, 5),
            ["mask"] = Tensor.FromArray(new[] { true, false, true }, 3),
            ["scale"] = Tensor.Scalar(0.5),
            ["empty"] = Tensor.Zeros([0, 3]),
        };
    }
}
