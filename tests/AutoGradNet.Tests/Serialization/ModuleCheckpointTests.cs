using AutoGradNet.NN;
using AutoGradNet.Serialization;

namespace AutoGradNet.Tests.Serialization;

/// <summary>A module's parameters and buffers survive a save and a load into a fresh module, in both formats.</summary>
public class ModuleCheckpointTests
{
    private sealed class Affine : Module<Tensor, Tensor>
    {
        public Affine(int seed, int inputs = 3, int outputs = 2)
        {
            RegisterParameter("weight", Tensor.Uniform([outputs, inputs], -1, 1, seed));
            RegisterParameter("bias", Tensor.Uniform([outputs], -1, 1, seed + 1));
            RegisterBuffer("calls", Tensor.Zeros([1], DType.Int64));
        }

        public override Tensor Forward(Tensor input) => input.MatMul(GetParameter("weight").T) + GetParameter("bias");
    }

    private sealed class Net : Module<Tensor, Tensor>
    {
        private readonly Affine _first;
        private readonly Affine _second;

        public Net(int seed)
        {
            _first = RegisterModule("first", new Affine(seed));
            _second = RegisterModule("second", new Affine(seed + 10, 2, 1));
        }

        public override Tensor Forward(Tensor input) => _second.Call(_first.Call(input).Tanh());
    }

    [Theory]
    [InlineData("safetensors")]
    [InlineData("json")]
    public void A_fresh_module_loaded_from_a_checkpoint_predicts_identically(string format)
    {
        var dir = SerializationTestFiles.NewDirectory();
        try
        {
            var trained = new Net(1);
            var fresh = new Net(99);
            var x = TestData.Random(5, [4, 3]);
            fresh.Call(x).ToArray().ShouldNotBe(trained.Call(x).ToArray());

            var path = Path.Combine(dir, "net." + format);
            var result = format == "json" ? Save(trained, path, json: true, fresh) : Save(trained, path, json: false, fresh);

            result.MissingKeys.ShouldBeEmpty();
            result.UnexpectedKeys.ShouldBeEmpty();
            fresh.Call(x).ToArray().ShouldBe(trained.Call(x).ToArray());
            fresh.StateDict().Keys.ShouldBe(["first.weight", "first.bias", "first.calls", "second.weight", "second.bias", "second.calls"]);
            foreach (var (name, t) in trained.StateDict()) fresh.StateDict()[name].ShouldBeBitwiseEqual(t, name);
        }
        finally
        {
            SerializationTestFiles.Delete(dir);
        }
    }

    private static LoadStateDictResult Save(Module trained, string path, bool json, Module fresh)
    {
        if (json)
        {
            trained.SaveJson(path);
            return fresh.LoadJson(path);
        }
        trained.SaveSafetensors(path);
        return fresh.LoadSafetensors(path);
    }

    [Fact]
    public void Loading_a_checkpoint_of_another_shape_names_the_key_and_changes_nothing()
    {
        var dir = SerializationTestFiles.NewDirectory();
        try
        {
            var path = Path.Combine(dir, "other.safetensors");
            new Affine(1, inputs: 4).SaveSafetensors(path);
            var module = new Affine(2);
            var before = module.StateDict().ToDictionary(p => p.Key, p => p.Value.Clone());

            Should.Throw<ArgumentException>(() => module.LoadSafetensors(path)).Message
                .ShouldBe("LoadStateDict: shape mismatch for 'weight': the state has [2, 4], the module has [2, 3]. (Parameter 'state')");
            foreach (var (name, t) in module.StateDict()) t.ShouldBeBitwiseEqual(before[name], name);
        }
        finally
        {
            SerializationTestFiles.Delete(dir);
        }
    }

    [Fact]
    public void A_corrupt_file_leaves_the_module_untouched()
    {
        var dir = SerializationTestFiles.NewDirectory();
        try
        {
            var path = Path.Combine(dir, "model.safetensors");
            new Affine(1).SaveSafetensors(path);
            File.WriteAllBytes(path, File.ReadAllBytes(path)[..^3]);
            var module = new Affine(2);
            var before = module.StateDict().ToDictionary(p => p.Key, p => p.Value.Clone());
            Should.Throw<InvalidDataException>(() => module.LoadSafetensors(path)).Message.ShouldStartWith($"Safetensors.Load: '{path}': ");
            foreach (var (name, t) in module.StateDict()) t.ShouldBeBitwiseEqual(before[name], name);
        }
        finally
        {
            SerializationTestFiles.Delete(dir);
        }
    }
}
