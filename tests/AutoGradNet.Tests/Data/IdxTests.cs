using AutoGradNet.Data;

namespace AutoGradNet.Tests.Data;

public sealed class IdxTests
{
    /// <summary>Two 2×3 images holding 0, 1, ..., 10, 255, written by hand in the IDX layout.</summary>
    private static readonly byte[] Images =
    [
        0x00, 0x00, 0x08, 0x03,
        0x00, 0x00, 0x00, 0x02,
        0x00, 0x00, 0x00, 0x02,
        0x00, 0x00, 0x00, 0x03,
        0, 1, 2, 3, 4, 5,
        6, 7, 8, 9, 10, 255,
    ];

    private static readonly byte[] Labels = [0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x00, 0x03, 7, 0, 9];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_raw_or_gzip(bool gzip)
    {
        using var dir = new TempDir();
        var path = dir.Write("images.idx", Images, gzip);
        var images = Idx.LoadImages(path);
        images.DType.ShouldBe(DType.Float64);
        images.Shape.ToArray().ShouldBe([2, 2, 3]);
        images.ToArray().ShouldBe([0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
    }

    [Fact]
    public void Scales_to_the_unit_interval_in_float32_and_float64()
    {
        using var dir = new TempDir();
        var path = dir.Write("images.idx", Images);
        Idx.Load(path, scale: true).ToArray()[^1].ShouldBe(1.0);
        Idx.Load(path, scale: true).ToArray()[1].ShouldBe(1 / 255.0);
        var f = Idx.Load(path, DType.Float32, scale: true);
        f.DType.ShouldBe(DType.Float32);
        f.ToArray<float>()[3].ShouldBe(3f / 255f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_labels_as_int64(bool gzip)
    {
        using var dir = new TempDir();
        var labels = Idx.LoadLabels(dir.Write("labels.idx", Labels, gzip));
        labels.DType.ShouldBe(DType.Int64);
        labels.ToArray<long>().ShouldBe([7L, 0, 9]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Save_writes_the_layout_byte_for_byte_and_round_trips(bool gzip)
    {
        using var dir = new TempDir();
        var path = dir.File("out.idx");
        var tensor = Tensor.FromArray([0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255], 2, 2, 3);
        Idx.Save(path, tensor, gzip);

        var bytes = File.ReadAllBytes(path);
        if (gzip)
        {
            bytes[..2].ShouldBe(new byte[] { 0x1f, 0x8b });
            using var zip = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
            using var plain = new MemoryStream();
            zip.CopyTo(plain);
            bytes = plain.ToArray();
        }
        bytes.ShouldBe(Images);
        Idx.Load(path).ToArray().ShouldBe(tensor.ToArray());
        Directory.GetFiles(dir.Path).ShouldBe([path]);
    }

    [Fact]
    public void Save_of_int64_labels_round_trips()
    {
        using var dir = new TempDir();
        var path = dir.File("labels.idx.gz");
        Idx.Save(path, Tensor.FromArray(new long[] { 7, 0, 9 }), gzip: true);
        Idx.LoadLabels(path).ToArray<long>().ShouldBe([7L, 0, 9]);
    }

    [Theory]
    [InlineData(256.0)]
    [InlineData(-1.0)]
    [InlineData(0.5)]
    [InlineData(double.NaN)]
    public void Save_rejects_values_that_are_not_bytes(double bad)
    {
        using var dir = new TempDir();
        var e = Should.Throw<ArgumentException>(() => Idx.Save(dir.File("x.idx"), Tensor.FromArray([1.0, bad])));
        e.Message.ShouldContain("Idx.Save: ");
        e.Message.ShouldContain("x.idx: element 1");
        e.Message.ShouldContain("[0, 255]");
        Directory.GetFiles(dir.Path).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_data_names_the_file_and_offsets(bool gzip)
    {
        using var dir = new TempDir();
        var path = dir.Write("short.idx", Images[..^2], gzip);
        var e = Should.Throw<DataFormatException>(() => Idx.Load(path));
        e.Message.ShouldContain(path);
        e.Message.ShouldContain("truncated");
        e.Message.ShouldContain("dims [2, 2, 3] need 12 data bytes from byte offset 16");
        e.Message.ShouldContain("ends at byte offset 26");
        if (gzip) e.Message.ShouldContain("gzip");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_header_names_the_offset(bool gzip)
    {
        using var dir = new TempDir();
        var e = Should.Throw<DataFormatException>(() => Idx.Load(dir.Write("h.idx", Images[..10], gzip)));
        e.Message.ShouldContain("truncated at byte offset 10");
        e.Message.ShouldContain("3 big-endian 32-bit dimensions");
        Should.Throw<DataFormatException>(() => Idx.Load(dir.Write("m.idx", Images[..3], gzip))).Message.ShouldContain("truncated at byte offset 3");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Wrong_magic_number_is_reported(bool gzip)
    {
        using var dir = new TempDir();
        var bytes = (byte[])Images.Clone();
        bytes[0] = 0x12;
        var path = dir.Write("magic.idx", bytes, gzip);
        var e = Should.Throw<DataFormatException>(() => Idx.Load(path));
        e.Message.ShouldContain(path);
        e.Message.ShouldContain("magic number 0x12000803 at byte offset 0");
        e.Message.ShouldContain("0x00000803");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Unsupported_type_code_is_reported(bool gzip)
    {
        using var dir = new TempDir();
        var bytes = (byte[])Images.Clone();
        bytes[2] = 0x0D;
        var e = Should.Throw<DataFormatException>(() => Idx.Load(dir.Write("float.idx", bytes, gzip)));
        e.Message.ShouldContain("unsupported IDX type code 0x0D at byte offset 2");
        e.Message.ShouldContain("0x08");
    }

    [Fact]
    public void Trailing_bytes_are_reported()
    {
        using var dir = new TempDir();
        var e = Should.Throw<DataFormatException>(() => Idx.Load(dir.Write("long.idx", [.. Labels, 1, 2])));
        e.Message.ShouldContain("2 bytes after the data");
        e.Message.ShouldContain("byte offset 11");
    }

    [Fact]
    public void Huge_dims_are_rejected_before_allocating()
    {
        using var dir = new TempDir();
        byte[] bytes = [0, 0, 8, 2, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 1, 2];
        var e = Should.Throw<DataFormatException>(() => Idx.Load(dir.Write("huge.idx", bytes)));
        e.Message.ShouldContain("more elements than an array can hold");
    }

    [Fact]
    public void Corrupt_gzip_is_reported()
    {
        using var dir = new TempDir();
        var path = dir.Write("ok.idx", Images, gzip: true);
        var bytes = File.ReadAllBytes(path);
        for (var i = 10; i < bytes.Length - 8; i++) bytes[i] ^= 0x5a;
        File.WriteAllBytes(path, bytes);
        var e = Should.Throw<DataFormatException>(() => Idx.Load(path));
        e.Message.ShouldContain(path);
    }

    [Fact]
    public void Cut_off_gzip_file_is_reported()
    {
        using var dir = new TempDir();
        var path = dir.Write("cut.idx.gz", Images, gzip: true);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Should.Throw<DataFormatException>(() => Idx.Load(path));
        e.Message.ShouldContain(path);
        e.Message.ShouldContain("gzip");
    }

    [Fact]
    public void Wrong_rank_for_images_or_labels_is_reported()
    {
        using var dir = new TempDir();
        var labels = dir.Write("labels.idx", Labels);
        var images = dir.Write("images.idx", Images);
        Should.Throw<DataFormatException>(() => Idx.LoadImages(labels)).Message.ShouldContain("expected 3 dims [N, rows, cols]");
        Should.Throw<DataFormatException>(() => Idx.LoadLabels(images)).Message.ShouldContain("expected 1 dim [N]");
    }

    [Fact]
    public void Bad_dtypes_are_rejected()
    {
        using var dir = new TempDir();
        var path = dir.Write("labels.idx", Labels);
        Should.Throw<ArgumentException>(() => Idx.Load(path, DType.Bool)).Message.ShouldContain("Float64, Float32 or Int64");
        Should.Throw<ArgumentException>(() => Idx.Load(path, DType.Int64, scale: true)).Message.ShouldContain("float dtype");
        Should.Throw<ArgumentException>(() => Idx.Save(dir.File("b.idx"), Tensor.FromArray([true]))).Message.ShouldContain("Bool");
    }
}
