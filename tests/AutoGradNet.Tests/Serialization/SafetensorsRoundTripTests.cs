using AutoGradNet.Serialization;

namespace AutoGradNet.Tests.Serialization;

/// <summary>Safetensors save → load gives back every tensor bit for bit, through files, streams and byte arrays.</summary>
public class SafetensorsRoundTripTests
{
    [Fact]
    public void Every_dtype_round_trips_bit_for_bit_through_a_file()
    {
        var dir = SerializationTestFiles.NewDirectory();
        try
        {
            var state = SerializationTestFiles.MixedState();
            var path = Path.Combine(dir, "model.safetensors");
            Safetensors.Save(state, path, new Dictionary<string, string> { ["format"] = "pt" });

            var loaded = Safetensors.Load(path);
            loaded.Keys.Order().ShouldBe(state.Keys.Order());
            foreach (var (name, t) in state)
            {
                loaded[name].ShouldBeBitwiseEqual(t, name);
                loaded[name].IsContiguous.ShouldBeTrue();
                loaded[name].RequiresGrad.ShouldBeFalse();
            }
            Safetensors.ReadHeader(path).Metadata.ShouldBe(new Dictionary<string, string> { ["format"] = "pt" });
            Directory.GetFiles(dir).ShouldBe([path]);
        }
        finally
        {
            SerializationTestFiles.Delete(dir);
        }
    }

    [Fact]
    public void Loading_keeps_the_header_order()
    {
        var loaded = Safetensors.Load(Safetensors.ToBytes(SerializationTestFiles.MixedState()));
        // I64, F64 (by name), F32, BOOL.
        loaded.Keys.ShouldBe(["steps", "empty", "layer.weight", "scale", "layer.bias", "mask"]);
    }

    [Fact]
    public void Streams_round_trip_seekable_or_not_and_read_from_the_current_position()
    {
        var state = SerializationTestFiles.MixedState();
        using var seekable = new MemoryStream();
        seekable.Write([9, 9, 9]);
        Safetensors.Save(state, seekable);
        seekable.Position = 3;
        var fromSeekable = Safetensors.Load(seekable);

        using var forwardOnly = new ForwardOnlyStream(Safetensors.ToBytes(state));
        var fromForwardOnly = Safetensors.Load(forwardOnly);

        foreach (var (name, t) in state)
        {
            fromSeekable[name].ShouldBeBitwiseEqual(t, name);
            fromForwardOnly[name].ShouldBeBitwiseEqual(t, name);
        }
    }

    [Fact]
    public void A_parameter_that_requires_grad_is_saved_by_value_and_loads_as_a_plain_tensor()
    {
        var w = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var y = w * 3;
        var loaded = Safetensors.Load(Safetensors.ToBytes(new Dictionary<string, Tensor> { ["w"] = w, ["y"] = y }));
        loaded["y"].ToArray().ShouldBe([3.0, 6.0]);
        loaded["w"].RequiresGrad.ShouldBeFalse();
        loaded["y"].IsLeaf.ShouldBeTrue();
    }

    [Fact]
    public void ReadHeader_reports_names_dtypes_shapes_and_offsets_without_the_data()
    {
        var header = Safetensors.ReadHeader(Safetensors.ToBytes(new Dictionary<string, Tensor>
        {
            ["w"] = Tensor.Zeros([2, 3], DType.Float32),
            ["n"] = Tensor.Zeros([], DType.Int64),
        }));
        header.Tensors.ShouldBe([
            new SafetensorsEntry("n", DType.Int64, Shape.Scalar, 0, 8),
            new SafetensorsEntry("w", DType.Float32, new Shape(2, 3), 8, 32),
        ]);
        header.DataLength.ShouldBe(32);
        header.Metadata.ShouldBeEmpty();
    }

    [Fact]
    public void Save_rejects_a_null_state_a_null_tensor_the_reserved_name_and_null_metadata()
    {
        Should.Throw<ArgumentNullException>(() => Safetensors.ToBytes(null!)).Message.ShouldStartWith("Safetensors.ToBytes: the state dictionary is null");
        Should.Throw<ArgumentException>(() => Safetensors.ToBytes(new Dictionary<string, Tensor> { ["w"] = null! }))
            .Message.ShouldStartWith("Safetensors.ToBytes: the tensor 'w' is null");
        Should.Throw<ArgumentException>(() => Safetensors.ToBytes(new Dictionary<string, Tensor> { ["__metadata__"] = Tensor.Scalar(1) }))
            .Message.ShouldContain("'__metadata__' is reserved");
        Should.Throw<ArgumentException>(() => Safetensors.ToBytes(new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["k"] = null! }))
            .Message.ShouldContain("metadata 'k' is null");
        Should.Throw<ArgumentException>(() => Safetensors.Save(new Dictionary<string, Tensor>(), "")).Message.ShouldStartWith("Safetensors.Save: the path is null or empty");
    }

    /// <summary>A read-only stream that cannot seek or report its length, like a network stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
