using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using AutoGradNet.Serialization;

namespace AutoGradNet.Tests.Serialization;

/// <summary>
/// What Safetensors writes, checked byte by byte against the specification (parsed here independently of the
/// library): the 8-byte little-endian length, the JSON header padded with spaces to a multiple of 8, the offsets,
/// and the raw little-endian data.
/// </summary>
public class SafetensorsLayoutTests
{
    private static Dictionary<string, Tensor> SmallState() => new()
    {
        ["b"] = Tensor.FromArray(new[] { 1.5f, -2f, 0.25f }),
        ["a"] = Tensor.FromArray([1.0, -0.0, double.PositiveInfinity, 0.1], 2, 2),
        ["mask"] = Tensor.FromArray(new[] { true, false, true }, 3),
        ["i"] = Tensor.FromArray(new long[] { -3, long.MaxValue }, 2),
    };

    [Fact]
    public void The_header_is_the_specified_JSON_padded_with_spaces_to_a_multiple_of_8()
    {
        var bytes = Safetensors.ToBytes(SmallState(), new Dictionary<string, string> { ["format"] = "pt" });

        var n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        (n % 8).ShouldBe(0UL);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        // By hand from the spec and the reference writer's order: metadata first, then I64, F64, F32, BOOL, each by name.
        const string expected =
            "{\"__metadata__\":{\"format\":\"pt\"},\"i\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}," +
            "\"a\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[16,48]},\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[48,60]}," +
            "\"mask\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[60,63]}}";
        header.TrimEnd(' ').ShouldBe(expected);
        header.Length.ShouldBe((expected.Length + 7) / 8 * 8);
        header[expected.Length..].ShouldAllBe(c => c == ' ');
        bytes.Length.ShouldBe(8 + (int)n + 63);
    }

    [Fact]
    public void The_data_is_little_endian_row_major_at_the_header_offsets()
    {
        var bytes = Safetensors.ToBytes(SmallState());
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var doc = JsonDocument.Parse(bytes.AsMemory(8, n));
        ReadOnlySpan<byte> Slice(string name)
        {
            var offsets = doc.RootElement.GetProperty(name).GetProperty("data_offsets");
            var begin = offsets[0].GetInt32();
            return bytes.AsSpan(8 + n)[begin..offsets[1].GetInt32()];
        }

        doc.RootElement.TryGetProperty("__metadata__", out _).ShouldBeFalse();
        var i = Slice("i");
        BinaryPrimitives.ReadInt64LittleEndian(i).ShouldBe(-3);
        BinaryPrimitives.ReadInt64LittleEndian(i[8..]).ShouldBe(long.MaxValue);
        var a = Slice("a");
        double[] expectedA = [1.0, -0.0, double.PositiveInfinity, 0.1];
        for (var k = 0; k < 4; k++)
            BitConverter.DoubleToInt64Bits(BinaryPrimitives.ReadDoubleLittleEndian(a[(8 * k)..])).ShouldBe(BitConverter.DoubleToInt64Bits(expectedA[k]));
        var b = Slice("b");
        BinaryPrimitives.ReadSingleLittleEndian(b).ShouldBe(1.5f);
        BinaryPrimitives.ReadSingleLittleEndian(b[4..]).ShouldBe(-2f);
        BinaryPrimitives.ReadSingleLittleEndian(b[8..]).ShouldBe(0.25f);
        Slice("mask").ToArray().ShouldBe(new byte[] { 1, 0, 1 });
    }

    [Fact]
    public void A_non_contiguous_tensor_is_written_row_major()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3).T.Detach();
        x.IsContiguous.ShouldBeFalse();
        var bytes = Safetensors.ToBytes(new Dictionary<string, Tensor> { ["x"] = x });
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Encoding.UTF8.GetString(bytes, 8, n).TrimEnd().ShouldBe("""{"x":{"dtype":"F64","shape":[3,2],"data_offsets":[0,48]}}""");
        var values = Enumerable.Range(0, 6).Select(k => BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(8 + n + 8 * k))).ToArray();
        values.ShouldBe([1.0, 4, 2, 5, 3, 6]);
    }

    [Fact]
    public void Every_tensor_starts_at_a_multiple_of_its_element_size_in_the_file()
    {
        var state = new Dictionary<string, Tensor>
        {
            ["z_bool"] = Tensor.FromArray(new[] { true }, 1),
            ["y_f32"] = Tensor.FromArray(new[] { 1f }),
            ["x_f64"] = Tensor.FromArray([1.0]),
            ["w_f32"] = Tensor.FromArray(new[] { 1f, 2f, 3f }),
            ["v_i64"] = Tensor.FromArray(new long[] { 7 }, 1),
        };
        var header = Safetensors.ReadHeader(Safetensors.ToBytes(state));
        (header.HeaderLength % 8).ShouldBe(0);
        header.Tensors.Select(e => e.Name).ShouldBe(["v_i64", "x_f64", "w_f32", "y_f32", "z_bool"]);
        foreach (var e in header.Tensors) ((8 + header.HeaderLength + e.Begin) % e.DType.ElementSize()).ShouldBe(0);
    }

    [Fact]
    public void An_empty_state_is_an_empty_header_and_no_data()
    {
        var bytes = Safetensors.ToBytes(new Dictionary<string, Tensor>());
        bytes.ShouldBe([8, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}', 32, 32, 32, 32, 32, 32]);
        Safetensors.Load(bytes).ShouldBeEmpty();
    }

    [Fact]
    public void Names_and_metadata_with_quotes_and_non_ASCII_are_valid_JSON_and_read_back()
    {
        var state = new Dictionary<string, Tensor> { ["poids \"ß\" ∂"] = Tensor.FromArray([1.0]) };
        var bytes = Safetensors.ToBytes(state, new Dictionary<string, string> { ["note"] = "café \"x\"\n" });
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var doc = JsonDocument.Parse(bytes.AsMemory(8, n));
        doc.RootElement.GetProperty("__metadata__").GetProperty("note").GetString().ShouldBe("café \"x\"\n");
        doc.RootElement.TryGetProperty("poids \"ß\" ∂", out _).ShouldBeTrue();
        var header = Safetensors.ReadHeader(bytes);
        header.Metadata["note"].ShouldBe("café \"x\"\n");
        Safetensors.Load(bytes).Keys.ShouldBe(["poids \"ß\" ∂"]);
    }
}
