using AutoGradNet.NN;

namespace AutoGradNet.Tests.NN;

/// <summary>Module: registration and dotted names, train/eval, ZeroGrad, To(DType), StateDict/LoadStateDict, Summary.</summary>
public class ModuleTests
{
    /// <summary>A leaf module with one parameter, an optional second one and a buffer.</summary>
    private sealed class Leaf : Module<Tensor, Tensor>
    {
        public Leaf(int n, bool withBias = true)
        {
            RegisterParameter("weight", Tensor.Arange(0, n * 2, 1).Reshape([n, 2]));
            if (withBias) RegisterParameter("bias", Tensor.Zeros([n]));
            RegisterBuffer("count", Tensor.Zeros([], DType.Int64));
            RegisterBuffer("stat", Tensor.Ones([n]));
        }

        public Tensor Weight => GetParameter("weight");

        public override Tensor Forward(Tensor input) => input.MatMul(Weight.T);
    }

    private sealed class Net : Module<Tensor, Tensor>
    {
        public Net()
        {
            RegisterParameter("scale", Tensor.Ones([1]));
            RegisterModule("first", new Leaf(3));
            var inner = RegisterModule("inner", new Holder());
            inner.RegisterModule("deep", new Leaf(2, withBias: false));
        }

        public override Tensor Forward(Tensor input) => input;
    }

    private sealed class Holder : Module
    {
    }

    [Fact]
    public void Parameters_are_found_recursively_with_dotted_names_in_registration_order()
    {
        var net = new Net();
        net.NamedParameters().Select(p => p.Name).ShouldBe(["scale", "first.weight", "first.bias", "inner.deep.weight"]);
        net.Parameters().Count().ShouldBe(4);
        net.Parameters().ShouldAllBe(p => p.RequiresGrad && p.IsLeaf);
        net.NamedBuffers().Select(b => b.Name).ShouldBe(["first.count", "first.stat", "inner.deep.count", "inner.deep.stat"]);
        net.NamedModules().Select(m => m.Name).ShouldBe(["", "first", "inner", "inner.deep"]);
        net.NamedChildren().Select(m => m.Name).ShouldBe(["first", "inner"]);
    }

    [Fact]
    public void Registered_parameter_is_the_same_tensor_and_a_shared_one_is_listed_once()
    {
        var holder = new Holder();
        var shared = new Leaf(2);
        holder.RegisterModule("a", shared);
        holder.RegisterModule("b", shared);
        holder.NamedParameters().Select(p => p.Name).ShouldBe(["a.weight", "a.bias"]);
        ReferenceEquals(holder.Parameters().First(), shared.Weight).ShouldBeTrue();
    }

    [Fact]
    public void Registration_errors_name_the_problem()
    {
        var m = new Holder();
        m.RegisterParameter("w", Tensor.Zeros([2]));
        Should.Throw<ArgumentException>(() => m.RegisterParameter("w", Tensor.Zeros([2]))).Message.ShouldContain("'w' is already registered");
        Should.Throw<ArgumentException>(() => m.RegisterBuffer("w", Tensor.Zeros([2]))).Message.ShouldContain("already registered");
        Should.Throw<ArgumentException>(() => m.RegisterParameter("a.b", Tensor.Zeros([2]))).Message.ShouldContain("must not contain '.'");
        Should.Throw<ArgumentException>(() => m.RegisterParameter("", Tensor.Zeros([2]))).Message.ShouldContain("must not be empty");
        Should.Throw<ArgumentException>(() => m.RegisterParameter("i", Tensor.Zeros([2], DType.Int64))).Message.ShouldStartWith("RegisterParameter: parameter 'i' must be floating point");
        var x = Tensor.Ones([2]).RequireGrad();
        Should.Throw<ArgumentException>(() => m.RegisterParameter("y", x * 2)).Message.ShouldContain("must be a leaf");
        Should.Throw<ArgumentException>(() => m.RegisterBuffer("b", x)).Message.ShouldContain("requires grad");
        Should.Throw<ArgumentException>(() => m.RegisterModule("self", m)).Message.ShouldContain("its own sub-module");
        Should.Throw<ArgumentNullException>(() => m.RegisterModule<Holder>("n", null!));
        Should.Throw<ArgumentNullException>(() => m.RegisterParameter("n", null!));
    }

    [Fact]
    public void Frozen_parameter_does_not_require_grad_and_is_not_trainable_in_the_summary()
    {
        var m = new Holder();
        m.RegisterParameter("frozen", Tensor.Zeros([3]), requiresGrad: false);
        m.RegisterParameter("w", Tensor.Zeros([2]));
        m.Parameters().First().RequiresGrad.ShouldBeFalse();
        m.Summary().ShouldEndWith("Total parameters: 5 (trainable: 2)");
    }

    [Fact]
    public void Train_and_eval_propagate_to_every_submodule()
    {
        var net = new Net();
        net.Modules().ShouldAllBe(m => m.IsTraining);
        net.Eval().ShouldBeSameAs(net);
        net.Modules().ShouldAllBe(m => !m.IsTraining);
        net.Train();
        net.Modules().ShouldAllBe(m => m.IsTraining);
        net.Train(false);
        net.Modules().Count(m => m.IsTraining).ShouldBe(0);
    }

    [Fact]
    public void ZeroGrad_clears_every_gradient()
    {
        var net = new Net();
        net.Parameters().Select(p => p.Sum()).Aggregate((a, b) => a + b).Backward();
        net.Parameters().ShouldAllBe(p => p.Grad != null);
        net.ZeroGrad(setToNull: false);
        net.Parameters().ShouldAllBe(p => p.Grad!.ToArray().All(v => v == 0));
        net.ZeroGrad();
        net.Parameters().ShouldAllBe(p => p.Grad == null);
    }

    [Fact]
    public void To_converts_parameters_and_float_buffers_to_new_leaves_and_keeps_integer_buffers()
    {
        var net = new Net();
        var first = (Leaf)net.Children().First();
        var before = first.Weight;
        before.Sum().Backward();
        net.To(DType.Float32).ShouldBeSameAs(net);
        net.Parameters().ShouldAllBe(p => p.DType == DType.Float32 && p.RequiresGrad && p.IsLeaf);
        first.Weight.ShouldNotBeSameAs(before); // a reference taken before must be read again
        before.DType.ShouldBe(DType.Float64);
        first.Weight.ToArray().ShouldBe([0, 1, 2, 3, 4, 5]);
        first.Weight.Grad!.DType.ShouldBe(DType.Float32);
        first.Weight.Grad!.ToArray().ShouldBe([1, 1, 1, 1, 1, 1]);
        var buffers = net.NamedBuffers().ToDictionary(b => b.Name, b => b.Buffer);
        buffers["first.count"].DType.ShouldBe(DType.Int64);
        buffers["first.stat"].DType.ShouldBe(DType.Float32);
        first.Forward(Tensor.Ones([1, 2], DType.Float32)).ToArray().ShouldBe([1, 5, 9]);
        Should.Throw<ArgumentException>(() => net.To(DType.Int64)).Message.ShouldStartWith("To: modules can only be converted to a floating-point dtype");
    }

    [Fact]
    public void StateDict_holds_detached_views_of_parameters_and_buffers_in_order()
    {
        var net = new Net();
        var state = net.StateDict();
        state.Keys.ShouldBe(["scale", "first.weight", "first.bias", "first.count", "first.stat", "inner.deep.weight", "inner.deep.count", "inner.deep.stat"]);
        state.Values.ShouldAllBe(t => !t.RequiresGrad);
        var first = (Leaf)net.Children().First();
        using (Tensor.NoGrad()) first.Weight.AddInPlace(1.0);
        state["first.weight"].ToArray().ShouldBe([1, 2, 3, 4, 5, 6]); // a view
    }

    [Fact]
    public void StateDict_round_trip_loads_values_in_place()
    {
        var source = new Net();
        using (Tensor.NoGrad())
            foreach (var p in source.Parameters()) p.AddInPlace(10.0);
        var snapshot = source.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        var target = new Net();
        var weight = ((Leaf)target.Children().First()).Weight;
        var result = target.LoadStateDict(snapshot);
        result.MissingKeys.ShouldBeEmpty();
        result.UnexpectedKeys.ShouldBeEmpty();
        ReferenceEquals(((Leaf)target.Children().First()).Weight, weight).ShouldBeTrue();
        weight.RequiresGrad.ShouldBeTrue();
        foreach (var (key, value) in target.StateDict()) value.ToArray().ShouldBe(snapshot[key].ToArray(), key);
        target.LoadStateDict(target.StateDict()); // loading its own state is a no-op
        weight.ToArray().ShouldBe([10, 11, 12, 13, 14, 15]);
    }

    private static void ShouldFailAndLeaveUntouched(Dictionary<string, Tensor> state, string expected, bool strict = true)
    {
        var net = new Net();
        var before = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        var error = Should.Throw<ArgumentException>(() => net.LoadStateDict(state, strict));
        error.Message.ShouldStartWith("LoadStateDict: ");
        error.Message.ShouldContain(expected);
        foreach (var (key, value) in net.StateDict()) value.ToArray().ShouldBe(before[key], key);
    }

    private static Dictionary<string, Tensor> Changed()
    {
        var state = new Net().StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        using (Tensor.NoGrad()) foreach (var t in state.Values) t.AddInPlace(Tensor.Scalar(7, t.DType));
        return state;
    }

    [Fact]
    public void LoadStateDict_missing_key_throws_naming_it_and_leaves_the_module_untouched()
    {
        var state = Changed();
        state.Remove("inner.deep.stat");
        ShouldFailAndLeaveUntouched(state, "missing key 'inner.deep.stat'");
    }

    [Fact]
    public void LoadStateDict_unexpected_key_throws_when_strict()
    {
        var state = Changed();
        state["extra.weight"] = Tensor.Zeros([1]);
        ShouldFailAndLeaveUntouched(state, "unexpected key 'extra.weight'");
    }

    [Fact]
    public void LoadStateDict_shape_mismatch_throws_even_when_not_strict()
    {
        var state = Changed();
        state["inner.deep.weight"] = Tensor.Zeros([2, 3]);
        ShouldFailAndLeaveUntouched(state, "shape mismatch for 'inner.deep.weight': the state has [2, 3], the module has [2, 2]", strict: false);
    }

    [Fact]
    public void LoadStateDict_dtype_mismatch_throws()
    {
        var state = Changed();
        state["first.count"] = Tensor.Zeros([], DType.Float64);
        ShouldFailAndLeaveUntouched(state, "dtype mismatch for 'first.count': the state has Float64, the module has Int64");
        var state32 = Changed();
        state32["inner.deep.stat"] = Tensor.Ones([2], DType.Float32);
        ShouldFailAndLeaveUntouched(state32, "dtype mismatch for 'inner.deep.stat'");
    }

    [Fact]
    public void LoadStateDict_null_value_throws()
    {
        var state = Changed();
        state["scale"] = null!;
        ShouldFailAndLeaveUntouched(state, "the value of 'scale' is null");
    }

    [Fact]
    public void LoadStateDict_not_strict_reports_missing_and_unexpected_keys_and_loads_the_rest()
    {
        var state = Changed();
        state.Remove("scale");
        state["other"] = Tensor.Zeros([1]);
        var net = new Net();
        var result = net.LoadStateDict(state, strict: false);
        result.MissingKeys.ShouldBe(["scale"]);
        result.UnexpectedKeys.ShouldBe(["other"]);
        net.StateDict()["scale"].ToArray().ShouldBe([1]);
        net.StateDict()["first.weight"].ToArray().ShouldBe([7, 8, 9, 10, 11, 12]);
        net.StateDict()["first.count"].ToArray<long>().ShouldBe([7L]);
    }

    [Fact]
    public void Summary_lists_every_module_with_parameter_shapes_and_counts()
    {
        var text = new Net().Summary();
        text.ShouldBe(
            """
            Name        Type    Parameters               Count
            --------------------------------------------------
            (root)      Net     scale [1]                    1
            first       Leaf    weight [3, 2], bias [3]      9
            inner       Holder                               0
            inner.deep  Leaf    weight [2, 2]                4
            Total parameters: 14 (trainable: 14)
            """.ReplaceLineEndings("\n"));
    }
}
