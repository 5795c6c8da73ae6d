using F = AutoGradNet.Functional;

namespace AutoGradNet.Tests;

/// <summary>
/// The argument checks of the activations and losses that FunctionalCheckTests does not cover, found by mutation
/// testing: null inputs, reductions a loss does not define, label smoothing at its bounds, dtypes of class weights and
/// of class-probability targets, and the wording that tells CrossEntropy's targets from NllLoss's.
/// </summary>
public class FunctionalArgumentTests
{
    private static readonly Tensor X = Tensor.FromArray([0.5, 0.25, -1.0, 2.0], 2, 2);
    private static readonly Tensor Classes = Tensor.FromArray([1L, 0], 2);

    public static TheoryData<string> NullArguments =>
    [
        "LeakyRelu.input", "Elu.input", "Gelu.input", "Silu.input",
        "L1Loss.prediction", "L1Loss.target", "SmoothL1Loss.prediction", "SmoothL1Loss.target",
        "HuberLoss.prediction", "HuberLoss.target", "KlDivLoss.prediction", "KlDivLoss.target",
        "NllLoss.input", "NllLoss.targets", "CrossEntropy.targets",
    ];

    [Theory]
    [MemberData(nameof(NullArguments))]
    public void A_null_argument_is_named_with_the_op(string which)
    {
        Tensor n = null!;
        Action call = which switch
        {
            "LeakyRelu.input" => () => F.LeakyRelu(n),
            "Elu.input" => () => F.Elu(n),
            "Gelu.input" => () => F.Gelu(n),
            "Silu.input" => () => F.Silu(n),
            "L1Loss.prediction" => () => F.L1Loss(n, X),
            "L1Loss.target" => () => F.L1Loss(X, n),
            "SmoothL1Loss.prediction" => () => F.SmoothL1Loss(n, X),
            "SmoothL1Loss.target" => () => F.SmoothL1Loss(X, n),
            "HuberLoss.prediction" => () => F.HuberLoss(n, X),
            "HuberLoss.target" => () => F.HuberLoss(X, n),
            "KlDivLoss.prediction" => () => F.KlDivLoss(n, X),
            "KlDivLoss.target" => () => F.KlDivLoss(X, n),
            "NllLoss.input" => () => F.NllLoss(n, Classes),
            "NllLoss.targets" => () => F.NllLoss(X, n),
            "CrossEntropy.targets" => () => F.CrossEntropy(X, n, weight: null),
            _ => throw new ArgumentOutOfRangeException(nameof(which)),
        };
        var (op, argument) = (which.Split('.')[0], which.Split('.')[1]);
        var e = Should.Throw<ArgumentNullException>(call);
        e.ParamName.ShouldBe(argument);
        e.Message.ShouldStartWith($"{op}: the {argument} is null");
    }

    /// <summary>Every loss with a reduction argument, called on valid inputs with <paramref name="reduction"/>.</summary>
    private static readonly Dictionary<string, Func<Reduction, Tensor>> s_losses = new()
    {
        ["MseLoss"] = r => F.MseLoss(X, X * 0.5, r),
        ["L1Loss"] = r => F.L1Loss(X, X * 0.5, r),
        ["SmoothL1Loss"] = r => F.SmoothL1Loss(X, X * 0.5, reduction: r),
        ["HuberLoss"] = r => F.HuberLoss(X, X * 0.5, reduction: r),
        ["BinaryCrossEntropy"] = r => F.BinaryCrossEntropy(X.Sigmoid(), X.Sigmoid(), reduction: r),
        ["BinaryCrossEntropyWithLogits"] = r => F.BinaryCrossEntropyWithLogits(X, X.Sigmoid(), reduction: r),
        ["NllLoss"] = r => F.NllLoss(F.LogSoftmax(X, 1), Classes, reduction: r),
        ["CrossEntropy"] = r => F.CrossEntropy(X, Classes, reduction: r),
        ["KlDivLoss"] = r => F.KlDivLoss(F.LogSoftmax(X, 1), F.Softmax(X * 0.5, 1), r),
    };

    public static TheoryData<string> LossNames => [.. s_losses.Keys];

    [Theory]
    [MemberData(nameof(LossNames))]
    public void An_undefined_reduction_is_refused_and_BatchMean_only_by_KlDivLoss_accepted(string name)
    {
        var loss = s_losses[name];
        var e = Should.Throw<ArgumentOutOfRangeException>(() => loss((Reduction)17));
        e.ParamName.ShouldBe("reduction");
        e.Message.ShouldStartWith($"{name}: unknown reduction 17; use None, Sum or Mean.");
        if (name == "KlDivLoss")
        {
            // batchmean = sum / batch size (PyTorch's recommended reduction for KL divergence).
            loss(Reduction.BatchMean).Item().ShouldBe(loss(Reduction.Sum).Item() / 2, 1e-15);
            return;
        }
        var batchMean = Should.Throw<ArgumentException>(() => loss(Reduction.BatchMean));
        batchMean.ParamName.ShouldBe("reduction");
        batchMean.Message.ShouldStartWith($"{name}: Reduction.BatchMean applies only to KlDivLoss");
    }

    [Fact]
    public void Label_smoothing_accepts_0_and_1_and_refuses_what_lies_outside()
    {
        // With smoothing 1 the target is uniform: the loss is the mean over classes of −log p, per sample.
        var logP = F.LogSoftmax(X, 1).ToArray();
        var uniform = (-(logP[0] + logP[1]) / 2 - (logP[2] + logP[3]) / 2) / 2;
        F.CrossEntropy(X, Classes, labelSmoothing: 1).Item().ShouldBe(uniform, 1e-15);
        F.CrossEntropy(X, Classes, labelSmoothing: 0).Item().ShouldBe(-(logP[1] + logP[2]) / 2, 1e-15);
        foreach (var bad in new[] { -1e-9, 1 + 1e-9, double.NaN })
        {
            var e = Should.Throw<ArgumentOutOfRangeException>(() => F.CrossEntropy(X, Classes, labelSmoothing: bad));
            e.ParamName.ShouldBe("labelSmoothing");
            e.Message.ShouldStartWith("CrossEntropy: labelSmoothing must lie in [0, 1]");
        }
    }

    [Fact]
    public void A_class_weight_of_another_dtype_is_refused()
    {
        var weight = Tensor.FromArray([1f, 2f]);
        foreach (var (op, call) in new (string, Action)[]
        {
            ("CrossEntropy", () => F.CrossEntropy(X, Classes, weight)),
            ("NllLoss", () => F.NllLoss(F.LogSoftmax(X, 1), Classes, weight)),
        })
        {
            var e = Should.Throw<ArgumentException>(call);
            e.ParamName.ShouldBe("weight");
            e.Message.ShouldBe($"{op}: the class weight has dtype Float32 but the input has dtype Float64; they must match. (Parameter 'weight')");
        }
    }

    [Fact]
    public void Class_probability_targets_of_another_float_dtype_are_refused()
    {
        var e = Should.Throw<ArgumentException>(() => F.CrossEntropy(X, Tensor.FromArray([0.5f, 0.5f, 1f, 0f], 2, 2)));
        e.Message.ShouldStartWith("CrossEntropy:");
        e.Message.ShouldContain("Float32");
    }

    [Fact]
    public void Only_CrossEntropy_offers_floating_point_class_probabilities_when_targets_have_the_wrong_dtype()
    {
        var boolTargets = Tensor.FromArray([true, false], 2);
        Should.Throw<ArgumentException>(() => F.CrossEntropy(X, boolTargets)).Message
            .ShouldStartWith("CrossEntropy: targets must be Int64 class indices or floating-point class probabilities, got Bool (shape [2]).");
        Should.Throw<ArgumentException>(() => F.NllLoss(X, boolTargets)).Message
            .ShouldStartWith("NllLoss: targets must be Int64 class indices, got Bool (shape [2]).");
    }

    [Fact]
    public void Element_weights_of_another_dtype_or_shape_are_refused_naming_the_weight()
    {
        var p = X.Sigmoid();
        var weight32 = Tensor.Ones([2, 2], DType.Float32);
        var wrongShape = Tensor.Ones([3]);
        foreach (var (what, call, name, message) in new (string, Action, string, string)[]
        {
            ("BCE weight dtype", () => F.BinaryCrossEntropy(p, p, weight32), "weight",
                "BinaryCrossEntropy: weight has dtype Float32 (shape [2, 2]) but the input has dtype Float64; they must match."),
            ("BCE weight shape", () => F.BinaryCrossEntropy(p, p, wrongShape), "weight",
                "BinaryCrossEntropy: weight of shape [3] does not broadcast to the input's shape [2, 2]."),
            ("logits weight shape", () => F.BinaryCrossEntropyWithLogits(X, p, weight: wrongShape), "weight",
                "BinaryCrossEntropyWithLogits: weight of shape [3] does not broadcast to the input's shape [2, 2]."),
            ("posWeight dtype", () => F.BinaryCrossEntropyWithLogits(X, p, posWeight: weight32), "posWeight",
                "BinaryCrossEntropyWithLogits: posWeight has dtype Float32 (shape [2, 2]) but the input has dtype Float64; they must match."),
        })
        {
            var e = Should.Throw<ArgumentException>(call, what);
            e.ParamName.ShouldBe(name, what);
            e.Message.ShouldBe($"{message} (Parameter '{name}')", what);
        }
    }

    [Fact]
    public void SmoothL1_beta_and_Huber_delta_out_of_range_are_named_with_their_value()
    {
        var beta = Should.Throw<ArgumentOutOfRangeException>(() => F.SmoothL1Loss(X, X, beta: -0.5));
        beta.ParamName.ShouldBe("beta");
        beta.Message.ShouldStartWith("SmoothL1Loss: beta must be at least 0, got -0.5.");
        var delta = Should.Throw<ArgumentOutOfRangeException>(() => F.HuberLoss(X, X, delta: 0));
        delta.ParamName.ShouldBe("delta");
        delta.Message.ShouldStartWith("HuberLoss: delta must be positive, got 0.");
    }

    [Fact]
    public void KlDivLoss_batchmean_of_a_0_d_input_is_its_sum()
    {
        // PyTorch divides by the batch size only when the input has one: a 0-d pointwise loss is returned as it is.
        var input = Tensor.Scalar(-0.5);
        var target = Tensor.Scalar(0.25);
        var expected = 0.25 * (Math.Log(0.25) - -0.5);
        F.KlDivLoss(input, target, Reduction.BatchMean).Item().ShouldBe(expected, 1e-15);
    }

    [Fact]
    public void Class_index_targets_that_do_not_fit_name_the_input_as_each_loss_calls_it()
    {
        var targets = Tensor.FromArray([1L, 0, 1], 3);
        var e = Should.Throw<ArgumentException>(() => F.CrossEntropy(X, targets));
        e.Message.ShouldStartWith("CrossEntropy: targets of shape [3] do not fit logits of shape [2, 2] (expected [2]).");
        e = Should.Throw<ArgumentException>(() => F.NllLoss(X, targets));
        e.Message.ShouldStartWith("NllLoss: targets of shape [3] do not fit input of shape [2, 2] (expected [2]).");
        e = Should.Throw<ArgumentException>(() => F.CrossEntropy(X, Tensor.FromArray([1L, 2], 2)));
        e.Message.ShouldStartWith("CrossEntropy: the target at position [1] is class 2, outside [0, 2) for logits of shape [2, 2] (and not ignoreIndex -100).");
    }

    [Fact]
    public void Losses_refuse_shapes_that_would_broadcast_and_say_why()
    {
        var e = Should.Throw<ArgumentException>(() => F.L1Loss(X, Tensor.Ones([2])));
        e.Message.ShouldBe("L1Loss: input shape [2, 2] and target shape [2] differ. " +
            "Reshape one of them: a silent broadcast here would compute a different loss.");
    }
}
