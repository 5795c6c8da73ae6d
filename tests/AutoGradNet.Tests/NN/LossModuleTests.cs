using AutoGradNet.NN;
using static AutoGradNet.Tests.TestData;
using F = AutoGradNet.Functional;

namespace AutoGradNet.Tests.NN;

/// <summary>The loss modules wrap the functional losses with the options given at construction.</summary>
public class LossModuleTests
{
    private static readonly Tensor s_x = Random(1, [4, 3], 0.05, 0.95);
    private static readonly Tensor s_y = Random(2, [4, 3], 0.05, 0.95);
    private static readonly Tensor s_classes = Tensor.FromArray(new long[] { 2, -100, 0, 1 });
    private static readonly Tensor s_w = Tensor.FromArray([0.5, 1.5, 2.0]);

    public static TheoryData<string> Names() => [.. Cases().Select(c => c.Name)];

    private static IEnumerable<(string Name, Loss Module, Func<Tensor> Functional, Func<Loss, Tensor> Call)> Cases()
    {
        Func<Loss, Tensor> xy = m => m.Call(s_x, s_y);
        Func<Loss, Tensor> xc = m => m.Call(s_x, s_classes);
        yield return ("MseLoss", new MseLoss(Reduction.Sum), () => F.MseLoss(s_x, s_y, Reduction.Sum), xy);
        yield return ("L1Loss", new L1Loss(), () => F.L1Loss(s_x, s_y), xy);
        yield return ("SmoothL1Loss", new SmoothL1Loss(0.2, Reduction.None), () => F.SmoothL1Loss(s_x, s_y, 0.2, Reduction.None), xy);
        yield return ("HuberLoss", new HuberLoss(0.2), () => F.HuberLoss(s_x, s_y, 0.2), xy);
        yield return ("BceLoss", new BceLoss(s_w), () => F.BinaryCrossEntropy(s_x, s_y, s_w), xy);
        yield return ("BceWithLogitsLoss", new BceWithLogitsLoss(posWeight: s_w, reduction: Reduction.Sum),
            () => F.BinaryCrossEntropyWithLogits(s_x, s_y, null, s_w, Reduction.Sum), xy);
        yield return ("NllLoss", new NllLoss(s_w), () => F.NllLoss(s_x, s_classes, s_w), xc);
        yield return ("CrossEntropyLoss", new CrossEntropyLoss(s_w, labelSmoothing: 0.1), () => F.CrossEntropy(s_x, s_classes, s_w, labelSmoothing: 0.1), xc);
        yield return ("CrossEntropyLoss(probabilities)", new CrossEntropyLoss(), () => F.CrossEntropy(s_x, s_y), xy);
        yield return ("KlDivLoss", new KlDivLoss(Reduction.BatchMean, logTarget: true), () => F.KlDivLoss(s_x, s_y, Reduction.BatchMean, true), xy);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Module_equals_its_functional_loss(string name)
    {
        var (_, module, functional, call) = Cases().Single(c => c.Name == name);
        call(module).ToArray().ShouldBe(functional().ToArray());
        module.Parameters().ShouldBeEmpty();
    }

    [Fact]
    public void Weights_are_buffers_saved_in_the_state_dict_and_converted_by_To()
    {
        var loss = new CrossEntropyLoss(s_w, ignoreIndex: 7);
        loss.StateDict().Keys.ShouldBe(["weight"]);
        new BceWithLogitsLoss(s_w, s_w).StateDict().Keys.ShouldBe(["weight", "posWeight"]);
        new MseLoss().StateDict().ShouldBeEmpty();
        loss.To(DType.Float32);
        var logits = s_x.To(DType.Float32).RequireGrad();
        var value = loss.Call(logits, Tensor.FromArray(new long[] { 2, 7, 0, 1 }));
        value.DType.ShouldBe(DType.Float32);
        value.Item().ShouldBe(F.CrossEntropy(s_x, Tensor.FromArray(new long[] { 2, 7, 0, 1 }), s_w, ignoreIndex: 7).Item(), 1e-6);
        value.Backward();
        logits.Grad.ShouldNotBeNull();
    }

    [Fact]
    public void Constructors_reject_bad_options_naming_the_loss()
    {
        Should.Throw<ArgumentException>(() => new MseLoss(Reduction.BatchMean)).Message.ShouldStartWith("MseLoss: Reduction.BatchMean");
        Should.Throw<ArgumentOutOfRangeException>(() => new L1Loss((Reduction)9)).Message.ShouldStartWith("L1Loss: unknown reduction");
        Should.Throw<ArgumentOutOfRangeException>(() => new SmoothL1Loss(-1)).Message.ShouldContain("beta");
        Should.Throw<ArgumentOutOfRangeException>(() => new HuberLoss(0)).Message.ShouldContain("delta");
        Should.Throw<ArgumentOutOfRangeException>(() => new CrossEntropyLoss(labelSmoothing: -0.1)).Message.ShouldContain("labelSmoothing");
        new KlDivLoss(Reduction.BatchMean).Reduction.ShouldBe(Reduction.BatchMean);
    }

    [Fact]
    public void A_loss_module_trains_a_parameter_through_Call()
    {
        var w = Tensor.Zeros([3]).RequireGrad();
        var loss = new MseLoss();
        loss.Call(w, Tensor.FromArray([1.0, 2.0, 3.0])).Backward();
        w.Grad!.ToArray().ShouldBe([-2.0 / 3, -4.0 / 3, -2.0], new[] { 1e-15, 1e-15, 1e-15 }.Max());
    }
}
