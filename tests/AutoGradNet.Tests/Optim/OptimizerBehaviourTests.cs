using AutoGradNet.Optim;
using static AutoGradNet.Tests.Optim.OptimizerTestSupport;

namespace AutoGradNet.Tests.Optim;

/// <summary>Parameter groups, skipped parameters, in-place updates, ZeroGrad, state dictionaries and errors.</summary>
public class OptimizerBehaviourTests
{
    [Fact]
    public void Parameter_groups_use_their_own_hyperparameters_and_defaults_for_the_rest()
    {
        var a = Parameter([1.0, 2.0], DType.Float64);
        var b = Parameter([1.0, 2.0], DType.Float64);
        var sgd = new SGD([new ParameterGroup([a]), new ParameterGroup([b]) { LearningRate = 0.5, ["momentum"] = 0.9 }], lr: 0.1);
        sgd.ParamGroups[0].Options["momentum"].ShouldBe(0);
        sgd.ParamGroups[1].Options["momentum"].ShouldBe(0.9);
        for (var t = 0; t < 2; t++)
        {
            a.Grad = Tensor.FromArray([1.0, -1.0], 2);
            b.Grad = Tensor.FromArray([1.0, -1.0], 2);
            sgd.Step();
        }
        // a: two plain steps of 0.1. b: buf = g, then 0.9 g + g; p = 1 - 0.5 (1 + 1.9).
        a.ToArray().ShouldBe([1 - 0.1 - 0.1, 2 + 0.1 + 0.1], 1e-15);
        b.ToArray().ShouldBe([1 - 0.5 * 2.9, 2 + 0.5 * 2.9], 1e-15);
    }

    [Fact]
    public void A_parameter_without_gradient_is_skipped_and_keeps_its_own_step_count()
    {
        var a = Parameter([1.0], DType.Float64);
        var b = Parameter([1.0], DType.Float64);
        var adam = new Adam([a, b], lr: 0.1);
        a.Grad = Tensor.FromArray([2.0], 1);
        adam.Step(); // b has no gradient: untouched, no state
        b.ToArray().ShouldBe([1.0]);
        adam.GetState(b).ShouldBeNull();
        b.Grad = Tensor.FromArray([2.0], 1);
        adam.Step();
        adam.GetState(a)!.Step.ShouldBe(2);
        adam.GetState(b)!.Step.ShouldBe(1);
        b.ToArray()[0].ShouldBe(1 - 0.1 * 2 / (2 + 1e-8), 1e-15); // b's first step: bias correction of t = 1
    }

    [Fact]
    public void Updates_happen_in_place_on_the_same_leaf_even_when_it_is_a_strided_view()
    {
        var p = TestData.Random(1, [3, 2]).T.Detach().RequireGrad();
        p.IsContiguous.ShouldBeFalse();
        var before = p.ToArray();
        var versionBefore = p.Version;
        var sgd = new SGD([p], lr: 0.5);
        p.Grad = Tensor.Ones(p.Shape);
        sgd.Step();
        p.IsLeaf.ShouldBeTrue();
        p.RequiresGrad.ShouldBeTrue();
        p.IsContiguous.ShouldBeFalse();
        p.Version.ShouldBeGreaterThan(versionBefore);
        p.ToArray().ShouldBe([.. before.Select(x => x - 0.5)], 1e-15);

        var q = Parameter([1.0, 2.0], DType.Float32);
        var version = q.Version;
        q.Grad = Tensor.FromArray([1f, 1f], 2);
        new SGD([q], lr: 1).Step();
        q.Version.ShouldBeGreaterThan(version);
        q.ToArray().ShouldBe([0.0, 1.0]);
    }

    [Fact]
    public void Step_runs_without_recording_while_grad_mode_is_on()
    {
        var x = Parameter([3.0], DType.Float64);
        var adam = new Adam([x], lr: 0.1);
        for (var i = 0; i < 3; i++)
        {
            adam.ZeroGrad();
            (x * x).Sum().Backward();
            adam.Step();
        }
        x.IsLeaf.ShouldBeTrue();
        x.ToArray()[0].ShouldBeLessThan(3.0);
    }

    [Fact]
    public void ZeroGrad_sets_gradients_to_null_or_fills_them_with_zeros()
    {
        var a = Parameter([1.0, 2.0], DType.Float64);
        var b = Parameter([1.0], DType.Float64);
        var sgd = new SGD([a, b], lr: 0.1);
        a.Grad = Tensor.FromArray([3.0, 4.0], 2);
        sgd.ZeroGrad(setToNull: false);
        a.Grad!.ToArray().ShouldBe([0.0, 0.0]);
        b.Grad.ShouldBeNull();
        sgd.ZeroGrad();
        a.Grad.ShouldBeNull();
    }

    public static TheoryData<string> OptimizerNames() => ["SGD", "SGDNesterov", "Adam", "AdamAmsgrad", "AdamW", "RMSprop", "RMSpropCentered", "Adagrad"];

    private static Optimizer Make(string name, IEnumerable<ParameterGroup> groups) => name switch
    {
        "SGD" => new SGD(groups, lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01),
        "SGDNesterov" => new SGD(groups, lr: 0.05, momentum: 0.9, nesterov: true),
        "Adam" => new Adam(groups, lr: 0.05, weightDecay: 0.01),
        "AdamAmsgrad" => new Adam(groups, lr: 0.05, amsgrad: true),
        "AdamW" => new AdamW(groups, lr: 0.05, amsgrad: true),
        "RMSprop" => new RMSprop(groups, lr: 0.01, momentum: 0.5),
        "RMSpropCentered" => new RMSprop(groups, lr: 0.01, momentum: 0.5, centered: true, weightDecay: 0.1),
        _ => new Adagrad(groups, lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1),
    };

    private static (Tensor[] Parameters, Optimizer Optimizer) Setup(string name)
    {
        Tensor[] ps =
        [
            TestData.Random(3, [2, 3]).RequireGrad(),
            TestData.Random(4, [3]).ConvertedTo(DType.Float32).RequireGrad(),
            TestData.Random(5, [2]).RequireGrad(),
        ];
        var optimizer = Make(name, [new ParameterGroup([ps[0], ps[1]]), new ParameterGroup([ps[2]]) { LearningRate = 0.02 }]);
        return (ps, optimizer);
    }

    private static void TrainSteps(Tensor[] ps, Optimizer optimizer, int from, int count)
    {
        for (var t = from; t < from + count; t++)
        {
            optimizer.ZeroGrad();
            var loss = ((ps[0] * ps[0]).Sum() * (t + 1)) + (ps[0].Sin().Sum() * ps[2].Sum());
            loss.Backward();
            ps[1].Grad = (ps[1] * ps[1] - (0.1 * t)).Detach();
            if (t % 3 == 1) ps[2].Grad = null; // a skipped parameter in the middle of the run
            optimizer.Step();
        }
    }

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void Two_n_steps_equal_n_steps_save_load_n_steps_bit_for_bit(string name)
    {
        const int N = 4;
        var (straight, straightOpt) = Setup(name);
        TrainSteps(straight, straightOpt, 0, 2 * N);

        var (first, firstOpt) = Setup(name);
        TrainSteps(first, firstOpt, 0, N);
        var saved = firstOpt.StateDict();
        var savedWeights = first.Select(p => p.Detach().Clone()).ToArray();
        TrainSteps(first, firstOpt, N, 1); // a step after saving must not change what was saved

        var (resumed, resumedOpt) = Setup(name);
        using (Tensor.NoGrad())
        {
            for (var i = 0; i < resumed.Length; i++) resumed[i].CopyFrom(savedWeights[i]);
        }
        resumedOpt.LoadStateDict(saved);
        TrainSteps(resumed, resumedOpt, N, N);

        for (var i = 0; i < straight.Length; i++)
        {
            resumed[i].DType.ShouldBe(straight[i].DType);
            resumed[i].ToArray().ShouldBe(straight[i].ToArray()); // exact equality
        }
    }

    [Fact]
    public void StateDict_names_scalars_and_buffers_like_pytorch()
    {
        var (ps, adam) = Setup("AdamAmsgrad");
        TrainSteps(ps, adam, 0, 1);
        var state = adam.StateDict();
        state.Keys.Order(StringComparer.Ordinal).ShouldBe(
        [
            "param_groups.0.amsgrad", "param_groups.0.beta1", "param_groups.0.beta2", "param_groups.0.eps", "param_groups.0.lr",
            "param_groups.0.param_count", "param_groups.0.weight_decay",
            "param_groups.1.amsgrad", "param_groups.1.beta1", "param_groups.1.beta2", "param_groups.1.eps", "param_groups.1.lr",
            "param_groups.1.param_count", "param_groups.1.weight_decay",
            "state.0.0.exp_avg", "state.0.0.exp_avg_sq", "state.0.0.max_exp_avg_sq", "state.0.0.step",
            "state.0.1.exp_avg", "state.0.1.exp_avg_sq", "state.0.1.max_exp_avg_sq", "state.0.1.step",
            "state.1.0.exp_avg", "state.1.0.exp_avg_sq", "state.1.0.max_exp_avg_sq", "state.1.0.step",
        ]);
        state["param_groups.1.lr"].Rank.ShouldBe(0);
        state["param_groups.1.lr"].DType.ShouldBe(DType.Float64);
        state["param_groups.1.lr"].Item().ShouldBe(0.02);
        state["param_groups.0.amsgrad"].Item().ShouldBe(1);
        state["state.0.1.step"].Item().ShouldBe(1);
        state["state.0.1.exp_avg"].DType.ShouldBe(DType.Float32);
        state["state.0.0.exp_avg"].Shape.ShouldBe(new Shape(2, 3));
    }

    [Fact]
    public void LoadStateDict_restores_hyperparameters()
    {
        var (ps, sgd) = Setup("SGD");
        TrainSteps(ps, sgd, 0, 1);
        var state = sgd.StateDict();
        state["param_groups.1.lr"] = Tensor.Scalar(0.125);
        var (_, other) = Setup("SGD");
        other.LoadStateDict(state);
        other.ParamGroups[1].LearningRate.ShouldBe(0.125);
        other.GetState(other.ParamGroups[0].Parameters[0])!.Step.ShouldBe(1);
    }

    public static TheoryData<string, string> BadStates() => new()
    {
        { "missing:state.0.1.exp_avg_sq", "missing key 'state.0.1.exp_avg_sq'" },
        { "missing:param_groups.1.eps", "missing key 'param_groups.1.eps'" },
        { "shape:state.0.0.exp_avg", "'state.0.0.exp_avg' has shape [3]" },
        { "dtype:state.0.1.exp_avg", "'state.0.1.exp_avg' has shape [3] and dtype Float64" },
        { "extra:state.0.7.exp_avg", "unexpected key 'state.0.7.exp_avg'" },
        { "extra:state.0.0.momentum_buffer", "unexpected key 'state.0.0.momentum_buffer'" },
        { "extra:lr", "unexpected key 'lr'" },
        { "count:param_groups.0.param_count", "'param_groups.0.param_count' is 3" },
        { "value:param_groups.0.beta1", "invalid beta1 1.5 in parameter group 0" },
        { "rank:param_groups.0.lr", "'param_groups.0.lr' must be a 0-d number" },
    };

    [Theory]
    [MemberData(nameof(BadStates))]
    public void LoadStateDict_rejects_a_mismatched_state_naming_the_key_and_changes_nothing(string change, string message)
    {
        var (ps, adam) = Setup("Adam");
        TrainSteps(ps, adam, 0, 2);
        var state = adam.StateDict();
        var parts = change.Split(':');
        var key = parts[1];
        switch (parts[0])
        {
            case "missing": state.Remove(key); break;
            case "shape": state[key] = Tensor.Zeros(new Shape(3)); break;
            case "dtype": state[key] = Tensor.Zeros(new Shape(3)); break;
            case "extra": state[key] = Tensor.Zeros(new Shape(2, 3)); break;
            case "count": state[key] = Tensor.Scalar(3); break;
            case "value": state[key] = Tensor.Scalar(1.5); break;
            default: state[key] = Tensor.Zeros(new Shape(2)); break;
        }

        var (_, target) = Setup("Adam");
        target.ParamGroups[0].LearningRate = 0.3;
        var ex = Should.Throw<ArgumentException>(() => target.LoadStateDict(state));
        ex.Message.ShouldStartWith("LoadStateDict: ");
        ex.Message.ShouldContain(message);
        target.ParamGroups[0].LearningRate.ShouldBe(0.3);
        target.GetState(target.ParamGroups[0].Parameters[0]).ShouldBeNull();
    }

    public static TheoryData<string, string> BadConstructions() => new()
    {
        { "sgd-lr", "SGD: invalid lr -0.1 in the defaults; it must be >= 0." },
        { "adam-lr", "Adam: invalid lr -1 in the defaults" },
        { "adam-beta1", "Adam: invalid beta1 1 in the defaults; it must be in [0, 1)." },
        { "adam-beta2", "Adam: invalid beta2 -0.5 in the defaults" },
        { "adamw-eps", "AdamW: invalid eps -1E-08" },
        { "rmsprop-alpha", "RMSprop: invalid alpha -0.9" },
        { "adagrad-decay", "Adagrad: invalid lr_decay -1" },
        { "empty", "SGD: got an empty parameter list" },
        { "nesterov", "SGD: Nesterov momentum requires a momentum > 0 and zero dampening" },
        { "group-lr", "Adam: invalid lr -2 in parameter group 1" },
        { "unknown", "Adam: parameter group 0 sets 'momentum', which is not a hyperparameter of Adam" },
        { "duplicate", "appears more than once" },
        { "nonleaf", "Adam: parameter 0 of parameter group 0 (shape [1]) was produced by" },
        { "int", "Adam: parameter 0 of parameter group 0 (shape [2]) is Int64" },
    };

    [Theory]
    [MemberData(nameof(BadConstructions))]
    public void Bad_hyperparameters_and_parameter_lists_are_rejected(string which, string message)
    {
        var p = Parameter([1.0], DType.Float64);
        Action build = which switch
        {
            "sgd-lr" => () => _ = new SGD([p], lr: -0.1),
            "adam-lr" => () => _ = new Adam([p], lr: -1),
            "adam-beta1" => () => _ = new Adam([p], betas: (1.0, 0.9)),
            "adam-beta2" => () => _ = new Adam([p], betas: (0.9, -0.5)),
            "adamw-eps" => () => _ = new AdamW([p], eps: -1e-8),
            "rmsprop-alpha" => () => _ = new RMSprop([p], alpha: -0.9),
            "adagrad-decay" => () => _ = new Adagrad([p], lrDecay: -1),
            "empty" => () => _ = new SGD(Array.Empty<Tensor>(), lr: 0.1),
            "nesterov" => () => _ = new SGD([p], lr: 0.1, nesterov: true),
            "group-lr" => () => _ = new Adam([new ParameterGroup([p]), new ParameterGroup([Parameter([1.0], DType.Float64)]) { LearningRate = -2 }]),
            "unknown" => () => _ = new Adam([new ParameterGroup([p]) { ["momentum"] = 0.9 }]),
            "duplicate" => () => _ = new Adam([new ParameterGroup([p]), new ParameterGroup([p])]),
            "nonleaf" => () => _ = new Adam([p * 2]),
            _ => () => _ = new Adam([Tensor.FromArray([1L, 2L], 2)]),
        };
        Should.Throw<ArgumentException>(build).Message.ShouldContain(message);
    }

    [Fact]
    public void A_group_rejects_a_hyperparameter_its_optimizer_does_not_have()
    {
        var adam = new Adam([Parameter([1.0], DType.Float64)]);
        Should.Throw<KeyNotFoundException>(() => adam.ParamGroups[0]["momentum"] = 0.9).Message.ShouldContain("Adam has no hyperparameter 'momentum'");
        adam.ParamGroups[0]["beta1"] = 0.5;
        adam.ParamGroups[0]["beta1"].ShouldBe(0.5);
    }
}

/// <summary>The optimizers over a module's parameters.</summary>
public class OptimizerModuleTests
{
    [Fact]
    public void Adam_over_a_linear_modules_parameters_fits_a_line_and_keeps_the_same_leaves()
    {
        var model = new AutoGradNet.NN.Linear(1, 1, random: new Random(0));
        var parameters = model.Parameters().ToList();
        var adam = new Adam(model.Parameters(), lr: 0.1);
        var x = Tensor.FromArray([-1.0, 0.0, 1.0, 2.0], 4, 1);
        var y = 3 * x - 1;
        for (var i = 0; i < 300; i++)
        {
            adam.ZeroGrad();
            var loss = ((model.Call(x) - y) * (model.Call(x) - y)).Mean();
            loss.Backward();
            adam.Step();
        }
        model.Parameters().Zip(parameters).ShouldAllBe(pair => ReferenceEquals(pair.First, pair.Second));
        model.Call(x).ToArray().ShouldBe(y.ToArray(), 1e-3);
    }
}
