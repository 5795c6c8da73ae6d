using System.Text;
using System.Text.Json;
using AutoGradNet.Serialization;

namespace AutoGradNet.Tests.Serialization;

/// <summary>The JSON checkpoint: readable, exact for every float value, strict when reading.</summary>
public class CheckpointJsonTests
{
    [Fact]
    public void Every_dtype_round_trips_bit_for_bit_through_a_file()
    {
        var dir = SerializationTestFiles.NewDirectory();
        try
        {
            var state = SerializationTestFiles.MixedState();
            var path = Path.Combine(dir, "state.json");
            Checkpoint.SaveJson(state, path);
            var loaded = Checkpoint.LoadJson(path);
            loaded.Keys.ShouldBe(state.Keys);
            foreach (var (name, t) in state)
            {
                loaded[name].ShouldBeBitwiseEqual(t, name);
                loaded[name].RequiresGrad.ShouldBeFalse();
            }
            Directory.GetFiles(dir).ShouldBe([path]);
        }
        finally
        {
            SerializationTestFiles.Delete(dir);
        }
    }

    [Fact]
    public void Ten_thousand_random_bit_patterns_round_trip_exactly()
    {
        var rng = new Random(7);
        var doubles = new double[10_000];
        var floats = new float[10_000];
        for (var i = 0; i < doubles.Length; i++)
        {
            doubles[i] = BitConverter.Int64BitsToDouble(rng.NextInt64(long.MinValue, long.MaxValue));
            floats[i] = BitConverter.Int32BitsToSingle(rng.Next(int.MinValue, int.MaxValue));
            if (double.IsNaN(doubles[i])) doubles[i] = double.NaN; // JSON has one NaN; payloads are not kept
            if (float.IsNaN(floats[i])) floats[i] = float.NaN;
        }
        var state = new Dictionary<string, Tensor> { ["d"] = Tensor.FromArray(doubles), ["f"] = Tensor.FromArray(floats) };
        var loaded = Checkpoint.FromJson(Checkpoint.ToJson(state));
        loaded["d"].ShouldBeBitwiseEqual(state["d"]);
        loaded["f"].ShouldBeBitwiseEqual(state["f"]);
    }

    [Fact]
    public void The_document_is_readable_JSON_with_format_version_and_named_tensors()
    {
        var json = Checkpoint.ToJson(new Dictionary<string, Tensor>
        {
            ["w"] = Tensor.FromArray([0.1, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e-300], 2, 3),
            ["b"] = Tensor.FromArray(new[] { 0.1f }),
            ["n"] = Tensor.FromArray(new long[] { long.MaxValue }, 1),
            ["m"] = Tensor.FromArray(new[] { true, false }, 2),
        });
        json.ShouldContain("\n  \"tensors\": {");
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        root.GetProperty("format").GetString().ShouldBe("AutoGradNet.StateDict");
        root.GetProperty("version").GetInt32().ShouldBe(1);
        var w = root.GetProperty("tensors").GetProperty("w");
        w.GetProperty("dtype").GetString().ShouldBe("Float64");
        w.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ShouldBe([2, 3]);
        w.GetProperty("data").EnumerateArray().Select(v => v.GetRawText()).ShouldBe(["0.1", "-0", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "1E-300"]);
        var b = root.GetProperty("tensors").GetProperty("b");
        b.GetProperty("dtype").GetString().ShouldBe("Float32");
        b.GetProperty("data")[0].GetRawText().ShouldBe("0.1"); // the float's shortest form, not 0.10000000149011612
        root.GetProperty("tensors").GetProperty("n").GetProperty("data")[0].GetRawText().ShouldBe("9223372036854775807");
        root.GetProperty("tensors").GetProperty("m").GetProperty("data").GetRawText().ShouldBe("[\n        true,\n        false\n      ]");
    }

    [Fact]
    public void The_dtype_may_come_after_the_data()
    {
        var loaded = Checkpoint.FromJson("""{"format":"AutoGradNet.StateDict","version":1,"tensors":{"w":{"shape":[2],"data":[1.5,"NaN"],"dtype":"Float64"}}}""");
        loaded["w"].ToArray().ShouldBe([1.5, double.NaN]);
    }

    private const string Head = """{"format":"AutoGradNet.StateDict","version":1,"tensors":""";

    public static TheoryData<string, string, string> BadDocuments => new()
    {
        { "truncated", Head + """{"w":{"dtype":"Float64","shape":[2],"data":[1,""", "is not a valid checkpoint" },
        { "empty", "", "is not a valid checkpoint" },
        { "null", "null", "holds JSON null" },
        { "wrong format", """{"format":"Other","version":1,"tensors":{}}""", "has format 'Other'; expected 'AutoGradNet.StateDict'" },
        { "future version", """{"format":"AutoGradNet.StateDict","version":2,"tensors":{}}""", "has version 2; this AutoGradNet reads version 1" },
        { "unknown dtype", Head + """{"w":{"dtype":"Float16","shape":[1],"data":[1]}}}""", "Float16" },
        { "missing dtype", Head + """{"w":{"shape":[1],"data":[1]}}}""", "is not a valid checkpoint: a tensor has no 'dtype'" },
        { "missing data", Head + """{"w":{"dtype":"Float64","shape":[1]}}}""", "data" },
        { "null data", Head + """{"w":{"dtype":"Float64","shape":[1],"data":null}}}""", "data" },
        { "missing tensors", """{"format":"AutoGradNet.StateDict","version":1}""", "tensors" },
        { "unknown property", Head + """{"w":{"dtype":"Float64","shape":[1],"data":[1],"grad":[0]}}}""", "grad" },
        { "duplicate tensor", Head + """{"w":{"dtype":"Float64","shape":[1],"data":[1]},"w":{"dtype":"Float64","shape":[1],"data":[2]}}}""", "w" },
        { "count mismatch", Head + """{"w":{"dtype":"Float64","shape":[2,2],"data":[1,2,3]}}}""", "tensor 'w' has shape [2, 2] (4 elements) but 3 data values" },
        { "negative dimension", Head + """{"w":{"dtype":"Float64","shape":[-1],"data":[]}}}""", "tensor 'w' has an invalid shape" },
        { "string number", Head + """{"w":{"dtype":"Float64","shape":[1],"data":["1.5"]}}}""", "$.tensors.w.data[0]" },
        { "float in Int64", Head + """{"w":{"dtype":"Int64","shape":[1],"data":[1.5]}}}""", "$.tensors.w.data[0]" },
        { "number in Bool", Head + """{"w":{"dtype":"Bool","shape":[1],"data":[1]}}}""", "$.tensors.w.data[0]" },
        { "NaN in Int64", Head + """{"w":{"dtype":"Int64","shape":[1],"data":["NaN"]}}}""", "$.tensors.w.data[0]" },
    };

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public void A_bad_document_is_rejected_with_the_reason(string name, string json, string expected)
    {
        var e = Should.Throw<InvalidDataException>(() => Checkpoint.FromJson(json), name);
        e.Message.ShouldStartWith("Checkpoint.FromJson: the JSON text");
        e.Message.ShouldContain(expected, Case.Sensitive, name);
    }

    [Fact]
    public void A_file_that_is_not_UTF8_or_truncated_is_rejected_naming_the_file()
    {
        var dir = SerializationTestFiles.NewDirectory();
        try
        {
            var path = Path.Combine(dir, "state.json");
            var good = Encoding.UTF8.GetBytes(Checkpoint.ToJson(new Dictionary<string, Tensor> { ["wx"] = Tensor.FromArray([1.0, 2.0]) }));
            File.WriteAllBytes(path, good[..^10]);
            Should.Throw<InvalidDataException>(() => Checkpoint.LoadJson(path)).Message.ShouldStartWith($"Checkpoint.LoadJson: '{path}' is not a valid checkpoint: ");

            var bad = (byte[])good.Clone();
            bad[Encoding.UTF8.GetString(bad).IndexOf("wx", StringComparison.Ordinal)] = 0xFF;
            File.WriteAllBytes(path, bad);
            Should.Throw<InvalidDataException>(() => Checkpoint.LoadJson(path)).Message.ShouldStartWith($"Checkpoint.LoadJson: '{path}' is not a valid checkpoint: ");
        }
        finally
        {
            SerializationTestFiles.Delete(dir);
        }
    }

    [Fact]
    public void SaveJson_rejects_a_null_state_and_a_null_tensor()
    {
        Should.Throw<ArgumentNullException>(() => Checkpoint.SaveJson(null!, "x.json")).Message.ShouldStartWith("Checkpoint.SaveJson: the state dictionary is null");
        Should.Throw<ArgumentException>(() => Checkpoint.ToJson(new Dictionary<string, Tensor> { ["w"] = null! })).Message.ShouldStartWith("Checkpoint.ToJson: the tensor 'w' is null");
    }
}
