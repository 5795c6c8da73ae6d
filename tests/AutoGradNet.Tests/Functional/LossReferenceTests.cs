using AutoGradNet.Tests.Reference;
using static AutoGradNet.Tests.Ops.SelectionTestSupport;
using F = AutoGradNet.Functional;

namespace AutoGradNet.Tests;

/// <summary>Every loss against PyTorch 1.13 (float64 values and input gradients, 1e-12 relative).</summary>
public class LossReferenceTests
{
    private static readonly string[] s_ops =
    [
        "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
        "nll_loss", "cross_entropy", "cross_entropy_probs", "kl_div",
    ];

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var op in s_ops)
        {
            foreach (var c in OptionCases(op)) data.Add(c.Name);
        }
        return data;
    }

    /// <summary>
    /// The option-by-option cases of a loss; the default-option cases recorded in float64 and float32 (<c>name</c> and
    /// <c>name_f32</c>) are LossFormulaAndFloat32ReferenceTests'.
    /// </summary>
    private static IEnumerable<TorchCase> OptionCases(string op)
    {
        var cases = TorchReference.Cases(op);
        var names = cases.Select(c => c.Name).ToHashSet();
        return cases.Where(c => !c.Name.EndsWith("_f32", StringComparison.Ordinal) && !names.Contains(c.Name + "_f32"));
    }

    [Fact]
    public void Every_loss_has_reference_cases_with_every_reduction()
    {
        foreach (var op in s_ops)
        {
            var reductions = OptionCases(op).Select(c => c.StringAttr("reduction")).ToHashSet();
            foreach (var r in new[] { "mean", "sum", "none" }) reductions.ShouldContain(r, op);
        }
        TorchReference.Cases("kl_div").Select(c => c.StringAttr("reduction")).ShouldContain("batchmean");
        CaseNames().Count.ShouldBeGreaterThan(80);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Loss_matches_PyTorch_value_and_gradients(string name)
    {
        var c = TorchReference.Case(name);
        var inputs = c.Inputs.Select(ToTyped).ToArray();
        var output = Apply(c, inputs);
        output.Shape.ToArray().ShouldBe(c.Outputs[0].Shape, $"{name}: output shape");
        output.DType.ShouldBe(DType.Float64);
        // 1e-12 relative, plus 1e-14 absolute: for a logit of 60 PyTorch's backward rounds −2σ(−60) ≈ −2e-26 to 0.
        TorchCaseRunner.ShouldBeCloseWithNaN(output.ToArray(), c.Outputs[0].Data, 1e-12, $"{name}: value");
        if (c.GradOutput is null) return;
        output.Backward(c.GradOutput.ToTensor());
        var checkedGradients = 0;
        for (var i = 0; i < inputs.Length; i++)
        {
            if (c.Grads[i] is not { } grad)
            {
                inputs[i].Grad.ShouldBeNull($"{name}: input {i} (a weight, target or index) must get no gradient");
                continue;
            }
            inputs[i].Grad.ShouldNotBeNull($"{name}: gradient of input {i}");
            TorchCaseRunner.ShouldBeCloseWithNaN(inputs[i].Grad!.ToArray(), grad.Data, 1e-12, $"{name}: gradient of input {i}");
            checkedGradients++;
        }
        checkedGradients.ShouldBeGreaterThan(0);
    }

    internal static Reduction ParseReduction(string r) => r switch
    {
        "none" => Reduction.None,
        "sum" => Reduction.Sum,
        "mean" => Reduction.Mean,
        "batchmean" => Reduction.BatchMean,
        _ => throw new ArgumentException($"unknown reduction {r}"),
    };

    private static Tensor Apply(TorchCase c, Tensor[] x)
    {
        var r = ParseReduction(c.StringAttr("reduction"));
        Tensor? At(int i) => x.Length > i ? x[i] : null;
        return c.Op switch
        {
            "mse_loss" => F.MseLoss(x[0], x[1], r),
            "l1_loss" => F.L1Loss(x[0], x[1], r),
            "smooth_l1_loss" => F.SmoothL1Loss(x[0], x[1], c.DoubleAttr("beta"), r),
            "huber_loss" => F.HuberLoss(x[0], x[1], c.DoubleAttr("delta"), r),
            "binary_cross_entropy" => F.BinaryCrossEntropy(x[0], x[1], At(2), r),
            "binary_cross_entropy_with_logits" => x.Length == 3
                ? F.BinaryCrossEntropyWithLogits(x[0], x[1], posWeight: x[2], reduction: r)
                : F.BinaryCrossEntropyWithLogits(x[0], x[1], At(2), At(3), r),
            "nll_loss" => F.NllLoss(x[0], x[1], At(2), c.IntAttr("ignore_index"), r),
            "cross_entropy" => F.CrossEntropy(x[0], x[1], At(2), c.IntAttr("ignore_index"), c.DoubleAttr("label_smoothing"), r),
            "cross_entropy_probs" => F.CrossEntropy(x[0], x[1], At(2), labelSmoothing: c.DoubleAttr("label_smoothing"), reduction: r),
            "kl_div" => F.KlDivLoss(x[0], x[1], r, c.BoolAttr("log_target")),
            _ => throw new ArgumentException(c.Op),
        };
    }
}
