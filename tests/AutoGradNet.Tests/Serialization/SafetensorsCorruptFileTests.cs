using System.Text;
using AutoGradNet.Serialization;
using static AutoGradNet.Tests.Serialization.SerializationTestFiles;

namespace AutoGradNet.Tests.Serialization;

/// <summary>
/// Hand-crafted malformed files: each is rejected with an <see cref="InvalidDataException"/> naming the tensor or byte
/// offset and what is wrong, before anything larger than the file is allocated.
/// </summary>
public class SafetensorsCorruptFileTests
{
    private static string Rejects(byte[] file)
    {
        var e = Should.Throw<InvalidDataException>(() => Safetensors.Load(file));
        e.Message.ShouldStartWith("Safetensors.Load: the byte array: ");
        // The header is validated in full before data is read, so ReadHeader rejects the same files for the same reason
        // (a bad BOOL byte is the one check that needs the data).
        if (!e.Message.Contains("BOOL byte", StringComparison.Ordinal))
            Should.Throw<InvalidDataException>(() => Safetensors.ReadHeader(file)).Message.ShouldEndWith(e.Message["Safetensors.Load: the byte array: ".Length..]);
        return e.Message;
    }

    private static readonly byte[] TwoDoubles = Float64Bytes(1.0, 2.0);

    public static TheoryData<string, string, int, string> HeaderCases => new()
    {
        // name, header, data bytes, expected message fragment
        { "not JSON", """{"w": {"dtype": "F64", """, 0, "the header is not valid JSON" },
        { "not an object", """[1, 2]  """, 0, "does not start with '{'" },
        { "leading space", """ {}""", 0, "does not start with '{'" },
        { "unknown dtype", """{"w":{"dtype":"F99","shape":[2],"data_offsets":[0,16]}}""", 16, "tensor 'w': unknown or unsupported dtype 'F99'" },
        { "unsupported dtype", """{"w":{"dtype":"F16","shape":[8],"data_offsets":[0,16]}}""", 16, "tensor 'w': unknown or unsupported dtype 'F16' (AutoGradNet reads F64, F32, I64 and BOOL)" },
        { "duplicate name", """{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"w":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}""", 16, "the header names 'w' twice" },
        { "offsets beyond data", """{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}""", 8, "tensor 'w': data_offsets [0, 16] lie outside the data buffer of 8 bytes" },
        { "huge offsets", """{"w":{"dtype":"F64","shape":[2],"data_offsets":[18446744073709551600,18446744073709551615]}}""", 16, "tensor 'w': data_offsets [18446744073709551600, 18446744073709551615] lie outside" },
        { "begin after end", """{"w":{"dtype":"F64","shape":[0],"data_offsets":[16,8]}}""", 16, "tensor 'w': data_offsets [16, 8] lie outside the data buffer of 16 bytes (or end before they begin)" },
        { "negative offset", """{"w":{"dtype":"F64","shape":[2],"data_offsets":[-8,8]}}""", 16, "tensor 'w': data_offsets [-8,8] are not non-negative integers" },
        { "one offset", """{"w":{"dtype":"F64","shape":[2],"data_offsets":[0]}}""", 16, "tensor 'w': 'data_offsets' is missing or not an array [begin, end]" },
        { "overlap", """{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}""", 16, "data_offsets [8, 16] overlap 'a' [0, 16]" },
        { "gap", """{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[1],"data_offsets":[16,24]}}""", 24, "tensor 'b': data_offsets begin at 16, leaving a gap of 8 bytes after the end of 'a' (offset 8)" },
        { "gap at start", """{"a":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}""", 16, "tensor 'a': data_offsets begin at 8, leaving a gap of 8 bytes after the start of the data buffer" },
        { "trailing bytes", """{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}""", 16, "the tensors end at data offset 8, but the data buffer holds 16 bytes (8 unaccounted for)" },
        { "bytes not count x size", """{"w":{"dtype":"F64","shape":[3],"data_offsets":[0,16]}}""", 16, "tensor 'w': data_offsets [0, 16] span 16 bytes, but shape [3] of F64 needs 3 × 8 = 24" },
        { "shape product overflow", """{"w":{"dtype":"F64","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,16]}}""", 16, "tensor 'w': the element count of shape [4294967296,4294967296,4294967296] overflows a 64-bit integer" },
        { "byte count overflow", """{"w":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,16]}}""", 16, "tensor 'w': shape [4611686018427387904] of F64 needs more bytes than a 64-bit integer can count" },
        { "byte count wraps past 2^64 to 16", """{"w":{"dtype":"F64","shape":[2305843009213693954],"data_offsets":[0,16]}}""", 16, "tensor 'w': shape [2305843009213693954] of F64 needs more bytes than a 64-bit integer can count" },
        { "negative dimension", """{"w":{"dtype":"F64","shape":[-2],"data_offsets":[0,16]}}""", 16, "tensor 'w': shape entry 0 (-2) is not a non-negative integer" },
        { "fractional dimension", """{"w":{"dtype":"F64","shape":[2.5],"data_offsets":[0,16]}}""", 16, "tensor 'w': shape entry 0 (2.5) is not a non-negative integer" },
        { "too many dimensions", """{"w":{"dtype":"F64","shape":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],"data_offsets":[0,8]}}""", 8, "tensor 'w': shape has 65 dimensions, above the maximum of 64" },
        { "missing dtype", """{"w":{"shape":[2],"data_offsets":[0,16]}}""", 16, "tensor 'w': 'dtype' is missing or not a string" },
        { "missing shape", """{"w":{"dtype":"F64","data_offsets":[0,16]}}""", 16, "tensor 'w': 'shape' is missing or not an array" },
        { "unknown field", """{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16],"offsets":[0,16]}}""", 16, "tensor 'w': unknown field 'offsets'" },
        { "repeated field", """{"w":{"dtype":"F64","dtype":"F64","shape":[2],"data_offsets":[0,16]}}""", 16, "tensor 'w': 'dtype' is given twice" },
        { "entry not an object", """{"w":[1,2]}""", 0, "tensor 'w': the entry is a JSON Array, not an object" },
        { "metadata not strings", """{"__metadata__":{"epoch":3}}""", 0, "'__metadata__' entry 'epoch' is a JSON Number, not a string" },
        { "metadata twice", """{"__metadata__":{},"__metadata__":{}}""", 0, "the header names '__metadata__' twice" },
    };

    [Theory]
    [MemberData(nameof(HeaderCases))]
    public void A_malformed_header_is_rejected_with_the_reason(string name, string header, int dataBytes, string expected)
    {
        var data = Float64Bytes(new double[(dataBytes + 7) / 8])[..dataBytes];
        Rejects(Craft(header, data)).ShouldContain(expected, Case.Sensitive, name);
    }

    [Fact]
    public void A_file_shorter_than_the_length_prefix_is_truncated()
    {
        Rejects([1, 0, 0]).ShouldContain("the file is 3 bytes long, too short for the 8-byte header length");
        Rejects([]).ShouldContain("the file is 0 bytes long");
    }

    [Theory]
    [InlineData(1000UL, "the header length at offset 0 is 1000 bytes, beyond the 2 bytes that follow it")]
    [InlineData(9223372036854775808UL, "the header length at offset 0 is 9223372036854775808 bytes, beyond the 2 bytes that follow it")]
    [InlineData(ulong.MaxValue, "is 18446744073709551615 bytes, beyond")]
    [InlineData(1UL, "the header length at offset 0 is 1 bytes, too short for a JSON object")]
    public void A_header_length_beyond_the_file_or_absurd_is_rejected(ulong n, string expected)
    {
        Rejects(Craft("{}", headerLength: n)).ShouldContain(expected);
    }

    [Fact]
    public void A_header_that_is_not_UTF8_is_rejected_with_the_offset()
    {
        var header = Encoding.UTF8.GetBytes("""{"wX":{"dtype":"F64","shape":[0],"data_offsets":[0,0]}}""");
        header[3] = 0xFF;
        Rejects(Craft(header)).ShouldContain("the header is not valid UTF-8 (invalid byte at file offset 11)");
    }

    [Fact]
    public void A_truncated_file_is_detected_whatever_the_cut()
    {
        var good = Safetensors.ToBytes(new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray([1.0, 2, 3]), ["b"] = Tensor.FromArray([4.0]) });
        Safetensors.Load(good).Count.ShouldBe(2);
        for (var cut = 1; cut < good.Length; cut++)
            Should.Throw<InvalidDataException>(() => Safetensors.Load(good[..^cut]), $"cut {cut}");
        Rejects(good[..^8]).ShouldContain("tensor 'w': data_offsets [8, 32] lie outside the data buffer of 24 bytes");
    }

    [Fact]
    public void A_BOOL_byte_other_than_0_or_1_is_rejected_with_its_file_offset()
    {
        var file = Craft("""{"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}}     """, [1, 2, 0]);
        Rejects(file).ShouldContain("tensor 'm': BOOL byte 0x02 at file offset 69 is neither 0 nor 1");
    }

    [Fact]
    public void A_stream_that_ends_early_is_reported_as_truncated()
    {
        var good = Safetensors.ToBytes(new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray([1.0, 2, 3]) });
        using var lying = new LyingLengthStream(good[..^4], good.Length);
        Should.Throw<InvalidDataException>(() => Safetensors.Load(lying)).Message
            .ShouldBe($"Safetensors.Load: the stream: the file ends before the 24 bytes at offset {good.Length - 24} (truncated).");
    }

    [Fact]
    public void Crafted_files_are_rejected_without_allocating_more_than_the_file()
    {
        byte[][] files =
        [
            Craft("{}", headerLength: 1UL << 62),
            Craft("""{"w":{"dtype":"F64","shape":[1000000000],"data_offsets":[0,16]}}""", TwoDoubles),
            Craft("""{"w":{"dtype":"F64","shape":[100000,100000],"data_offsets":[0,80000000000]}}""", TwoDoubles),
            Craft("""{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"v":{"dtype":"F64","shape":[1000000000],"data_offsets":[16,8000000016]}}""", TwoDoubles),
        ];
        Safetensors.Load(files[0..0].Append(Craft("{}")).First()).ShouldBeEmpty(); // warm up the JSON machinery
        foreach (var file in files)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            Should.Throw<InvalidDataException>(() => Safetensors.Load(file));
            (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBeLessThan(256 * 1024);
        }
    }

    [Fact]
    public void A_missing_file_throws_FileNotFoundException()
    {
        Should.Throw<FileNotFoundException>(() => Safetensors.Load(Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.safetensors")));
    }

    [Fact]
    public void Errors_from_a_file_name_the_file()
    {
        var dir = NewDirectory();
        try
        {
            var path = Path.Combine(dir, "bad.safetensors");
            File.WriteAllBytes(path, Craft("""{"w":{"dtype":"Q8","shape":[0],"data_offsets":[0,0]}}"""));
            Should.Throw<InvalidDataException>(() => Safetensors.Load(path)).Message
                .ShouldBe($"Safetensors.Load: '{path}': tensor 'w': unknown or unsupported dtype 'Q8' (AutoGradNet reads F64, F32, I64 and BOOL).");
        }
        finally
        {
            Delete(dir);
        }
    }

    /// <summary>A seekable stream that claims more bytes than it has.</summary>
    private sealed class LyingLengthStream(byte[] bytes, long claimed) : MemoryStream(bytes)
    {
        public override long Length => claimed;
    }
}
