using AutoGradNet.Verification;

namespace AutoGradNet.Tests.Verification;

/// <summary>
/// Hand-derived gradients compared with autograd's: each classic slip is made on purpose in the tutorial's network
/// (X 4×3, W1 3×4, W2 4×1, sigmoid, sum of squared errors) or a small synthetic case, and must be named; the slip's
/// layer must be located. The hand derivations are the tutorial's backprop formulas, written here with detached tensors.
/// </summary>
public class GradientComparisonTests
{
    private static readonly double[,] XData = { { 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, 1 }, { 1, 1, 1 } };
    private static readonly double[,] YData = { { 0 }, { 1 }, { 1 }, { 0 } };

    /// <summary>The forward pass, its intermediates, and the tutorial's hand-derived ∂L/∂· (gradient convention).</summary>
    private sealed class Net
    {
        public Net(int seed = 1)
        {
            var random = new Random(seed);
            W1 = Tensor.Uniform([3, 4], 0, 1, random).RequireGrad();
            W2 = Tensor.Uniform([4, 1], 0, 1, random).RequireGrad();
            Z1 = X.MatMul(W1);
            A1 = Z1.Sigmoid();
            Z2 = A1.MatMul(W2);
            Output = Z2.Sigmoid();
            Loss = Functional.SumSquaredError(Output, Y);

            // The tutorial's formulas, on detached values: dOut = 2(out − y), σ'(z) = σ(z)(1 − σ(z)).
            var (a1, o, w2) = (A1.Detach(), Output.Detach(), W2.Detach());
            DOutput = 2.0 * (o - Y);
            DZ2 = DOutput * o * (1.0 - o);
            DW2 = a1.T.MatMul(DZ2);
            DA1 = DZ2.MatMul(w2.T);
            DZ1 = DA1 * a1 * (1.0 - a1);
            DW1 = X.T.MatMul(DZ1);
        }

        public static Tensor X { get; } = Tensor.FromArray(XData);
        public static Tensor Y { get; } = Tensor.FromArray(YData);
        public Tensor W1 { get; }
        public Tensor W2 { get; }
        public Tensor Z1 { get; }
        public Tensor A1 { get; }
        public Tensor Z2 { get; }
        public Tensor Output { get; }
        public Tensor Loss { get; }
        public Tensor DOutput { get; }
        public Tensor DZ2 { get; }
        public Tensor DW2 { get; }
        public Tensor DA1 { get; }
        public Tensor DZ1 { get; }
        public Tensor DW1 { get; }

        public GradientComparison Weights(Tensor dW1, Tensor dW2) => GradientComparison.For(Loss).Add("W1", W1, dW1).Add("W2", W2, dW2);
    }

    [Fact]
    public void A_correct_derivation_reports_no_slip()
    {
        var net = new Net();
        var result = net.Weights(net.DW1, net.DW2).Compare();
        result.Passed.ShouldBeTrue(result.ToString());
        result["W1"].Slip.ShouldBe(SlipKind.None);
        result["W2"].MismatchCount.ShouldBe(0);
        result["W1"].MaxAbsoluteError.ShouldBeLessThan(1e-12);
        result.ToString().ShouldContain("all match");
        result.ToString().ShouldContain("W1 [3, 4]: matches autograd");
    }

    [Fact]
    public void The_tutorials_descent_direction_matches_once_declared_and_is_a_sign_flip_otherwise()
    {
        var net = new Net();
        var (tutorialW1, tutorialW2) = (-net.DW1, -net.DW2); // the tutorial adds these to the weights
        net.Weights(tutorialW1, tutorialW2).Convention(GradientConvention.DescentDirection).Compare().Passed.ShouldBeTrue();
        var result = net.Weights(tutorialW1, tutorialW2).Compare();
        result["W1"].Slip.ShouldBe(SlipKind.SignFlipped);
        result["W2"].Slip.ShouldBe(SlipKind.SignFlipped);
        result["W1"].Diagnosis.ShouldContain("descent direction −∇L");
        result["W1"].MismatchCount.ShouldBe(12);
    }

    [Fact]
    public void Forgetting_the_2_of_the_square_is_a_constant_factor_of_one_half()
    {
        var net = new Net();
        var dZ2 = (net.Output.Detach() - Net.Y) * net.Output.Detach() * (1.0 - net.Output.Detach()); // dOut without the 2
        var dW2 = net.A1.Detach().T.MatMul(dZ2);
        var dW1 = Net.X.T.MatMul(dZ2.MatMul(net.W2.Detach().T) * net.A1.Detach() * (1.0 - net.A1.Detach()));
        var result = net.Weights(dW1, dW2).Compare();
        result["W2"].Slip.ShouldBe(SlipKind.ConstantFactor);
        result["W2"].Diagnosis.ShouldContain("0.5 × autograd's");
        result["W2"].Diagnosis.ShouldContain("2 of a square forgotten");
        result["W1"].Slip.ShouldBe(SlipKind.ConstantFactor);
    }

    [Fact]
    public void A_transposed_weight_gradient_is_recognised_by_its_shape_and_by_its_values()
    {
        var net = new Net();
        var result = net.Weights(net.DZ1.T.MatMul(Net.X), net.DW2).Compare(); // (Xᵀ·δ1)ᵀ: shape [4, 3]
        result["W1"].Slip.ShouldBe(SlipKind.Transposed);
        result["W1"].Diagnosis.ShouldContain("shape [4, 3]");
        result["W1"].Diagnosis.ShouldContain("its values are autograd's transposed");

        // A square matrix: same shape, values transposed. L = Σ (A·W·B)² with A, B fixed.
        var a = Tensor.FromArray(new double[,] { { 1, 2, 0 }, { 0, 1, -1 } });
        var b = Tensor.FromArray(new double[,] { { 1 }, { -2 }, { 0.5 } });
        var w = Tensor.FromArray(new double[,] { { 0.3, -0.1, 0.2 }, { 0.5, 0.4, -0.3 }, { -0.2, 0.1, 0.6 } }).RequireGrad();
        var y = a.MatMul(w).MatMul(b);
        var dW = a.T.MatMul(2.0 * y.Detach()).MatMul(b.T); // ∂L/∂W = Aᵀ·2Y·Bᵀ
        var square = GradientComparison.For(y.Pow(2).Sum()).Add("W", w, dW.T).Compare();
        square["W"].Slip.ShouldBe(SlipKind.Transposed);
        GradientComparison.For(y.Pow(2).Sum()).Add("W", w, dW).Compare().Passed.ShouldBeTrue();
    }

    [Fact]
    public void Summing_where_the_loss_averages_is_a_batch_reduction_with_ratio_N()
    {
        var net = new Net();
        var mse = Functional.MseLoss(net.Output, Net.Y); // mean over the batch of 4
        var result = GradientComparison.For(mse).BatchSize(4).Add("W2", net.W2, net.DW2).Compare(); // summed formula
        result["W2"].Slip.ShouldBe(SlipKind.BatchReduction);
        result["W2"].Diagnosis.ShouldContain("summed over the batch where the loss averages (divide by 4)");

        var averaged = GradientComparison.For(net.Loss).BatchSize(4).Add("W2", net.W2, net.DW2 / 4.0).Compare();
        averaged["W2"].Slip.ShouldBe(SlipKind.BatchReduction);
        averaged["W2"].Diagnosis.ShouldContain("averaged over the batch");

        var undeclared = GradientComparison.For(mse).Add("W2", net.W2, net.DW2).Compare();
        undeclared["W2"].Slip.ShouldBe(SlipKind.ConstantFactor);
        undeclared["W2"].Diagnosis.ShouldContain("If 4 is your batch size");
    }

    [Fact]
    public void A_broadcast_gone_wrong_is_named_in_both_directions()
    {
        // z = x + b with b of shape [4, 1] broadcast along axis 1; L = Σ z². ∂L/∂b = Σ over axis 1 of 2z.
        var x = Tensor.FromArray([0.1, 0.2, 0.3, 0.4, -0.5, 0.6, 0.7, 0.8, 0.9, 1.0, -1.1, 1.2, 1.3, 1.4, 1.5, -1.6], 4, 4);
        var b = Tensor.FromArray([0.5, -0.25, 1.0, 2.0], 4, 1).RequireGrad();
        var z = x + b;
        var loss = z.Pow(2).Sum();
        var perElement = 2.0 * z.Detach(); // [4, 4]: not summed back
        var result = GradientComparison.For(loss).Add("b", b, perElement).Compare();
        result["b"].Slip.ShouldBe(SlipKind.Broadcast);
        result["b"].Diagnosis.ShouldContain("shape [4, 4], but the tensor (and autograd's gradient) has shape [4, 1]");
        result["b"].Diagnosis.ShouldContain("Summed over axis 1 it matches");
        GradientComparison.For(loss).Add("b", b, perElement.Sum(1, keepDim: true)).Compare().Passed.ShouldBeTrue();

        // The reverse: a [4, 4] parameter given a [4, 1] gradient summed over axis 1.
        var w = x.Detach().RequireGrad();
        var loss2 = (w * w).Sum();
        var summed = GradientComparison.For(loss2).Add("w", w, (2.0 * x).Sum(1, keepDim: true)).Compare();
        summed["w"].Slip.ShouldBe(SlipKind.Broadcast);
        summed["w"].Diagnosis.ShouldContain("equals autograd's summed over axis 1");
    }

    [Fact]
    public void A_single_wrong_element_row_or_column_is_named()
    {
        var net = new Net();
        var correct = net.DW1.ToArray();

        var element = (double[])correct.Clone();
        element[1 * 4 + 2] += 0.5;
        var one = net.Weights(Tensor.FromArray(element, 3, 4), net.DW2).Compare()["W1"];
        one.Slip.ShouldBe(SlipKind.SingleElement);
        one.Diagnosis.ShouldContain("only element [1, 2] is wrong");
        one.WorstIndex.ShouldBe([1, 2]);
        one.MismatchCount.ShouldBe(1);

        var row = (double[])correct.Clone();
        for (var j = 0; j < 4; j++) row[2 * 4 + j] += 0.1 * (j + 1);
        net.Weights(Tensor.FromArray(row, 3, 4), net.DW2).Compare()["W1"].Diagnosis.ShouldContain("only row 2 is wrong (4 of its 4 elements)");

        var column = (double[])correct.Clone();
        for (var i = 0; i < 3; i++) column[i * 4 + 3] += 0.1 * (i + 1);
        var col = net.Weights(Tensor.FromArray(column, 3, 4), net.DW2).Compare()["W1"];
        col.Slip.ShouldBe(SlipKind.SingleColumn);
        col.Diagnosis.ShouldContain("only column 3 is wrong (3 of its 3 elements)");
    }

    [Fact]
    public void An_unrecognisable_error_says_no_known_pattern_with_the_error_statistics()
    {
        var net = new Net();
        var noise = Tensor.Uniform([3, 4], -1, 1, seed: 3);
        var result = net.Weights(net.DW1 + noise, net.DW2).Compare()["W1"];
        result.Slip.ShouldBe(SlipKind.Unknown);
        result.Diagnosis.ShouldContain("no known pattern");
        result.MismatchCount.ShouldBe(12);
        var expected = noise.ToArray().Select(Math.Abs).Max();
        result.MaxAbsoluteError.ShouldBe(expected, 1e-12);
        result.ToString().ShouldContain("12 of 12 elements differ");
    }

    [Fact]
    public void An_all_zero_gradient_is_named()
    {
        var net = new Net();
        net.Weights(net.DW1, Tensor.Zeros([4, 1])).Compare()["W2"].Slip.ShouldBe(SlipKind.AllZeros);
    }

    [Fact]
    public void A_correct_set_of_deltas_locates_nothing()
    {
        var net = new Net();
        var location = Deltas(net, net.DZ1, net.DA1, net.DZ2).Locate();
        location.Passed.ShouldBeTrue(location.ToString());
        location.ToString().ShouldContain("the derivation is right");
    }

    [Fact]
    public void A_wrong_sigmoid_derivative_in_layer_1_is_located_at_layer_1()
    {
        var net = new Net();
        var wrongDZ1 = net.DA1 * net.A1.Detach(); // σ'(z1) taken as σ(z1): the factor (1 − σ) forgotten
        var location = Deltas(net, wrongDZ1, net.DA1, net.DZ2).Locate();
        location.FirstWrong!.Name.ShouldBe("z1");
        location.ToString().ShouldContain("The derivation first goes wrong at z1 (the first intermediate, computed from the inputs, before a1)");
    }

    [Fact]
    public void A_wrong_sigmoid_derivative_at_the_output_is_located_at_the_output_layer()
    {
        var net = new Net();
        var wrongDZ2 = net.DOutput * net.Output.Detach(); // σ'(z2) taken as σ(z2)
        var wrongDA1 = wrongDZ2.MatMul(net.W2.Detach().T);
        var wrongDZ1 = wrongDA1 * net.A1.Detach() * (1.0 - net.A1.Detach());
        var location = Deltas(net, wrongDZ1, wrongDA1, wrongDZ2).Locate();
        location.FirstWrong!.Name.ShouldBe("z2");
        var text = location.ToString();
        text.ShouldContain("first goes wrong at z2 (between a1 and output)");
        text.ShouldContain("differs (inherits the error above)");
    }

    [Fact]
    public void Locate_works_in_the_descent_convention_and_finds_a_wrong_layer_between_two_others()
    {
        var net = new Net();
        var wrongDA1 = net.DZ2.MatMul(net.W2.Detach().T) * 2.0;
        var location = GradientComparison.For(net.Loss).Convention(GradientConvention.DescentDirection)
            .Add("z1", net.Z1, -(wrongDA1 * net.A1.Detach() * (1.0 - net.A1.Detach())))
            .Add("a1", net.A1, -wrongDA1)
            .Add("z2", net.Z2, -net.DZ2)
            .Add("output", net.Output, -net.DOutput)
            .Locate();
        location.FirstWrong!.Name.ShouldBe("a1");
        location.FirstWrong.Slip.ShouldBe(SlipKind.ConstantFactor);
        location.ToString().ShouldContain("first goes wrong at a1 (between z1 and z2)");
    }

    private static GradientComparison Deltas(Net net, Tensor dZ1, Tensor dA1, Tensor dZ2) =>
        GradientComparison.For(net.Loss)
            .Add("z1", net.Z1, dZ1)
            .Add("a1", net.A1, dA1)
            .Add("z2", net.Z2, dZ2)
            .Add("output", net.Output, net.DOutput);

    [Fact]
    public void Hand_gradients_can_be_given_as_a_dictionary_or_as_a_function()
    {
        var net = new Net();
        var byName = GradientComparison.Compare(net.Loss, new Dictionary<string, (Tensor Target, Tensor HandDerived)>
        {
            ["W1"] = (net.W1, net.DW1),
            ["W2"] = (net.W2, -net.DW2),
        });
        byName["W1"].Passed.ShouldBeTrue();
        byName["W2"].Slip.ShouldBe(SlipKind.SignFlipped);

        // f(w) = Σ w³: the hand gradient 3w² is right, 3w is not.
        var w = Tensor.FromArray([1.0, -2.0, 0.5]);
        var right = GradientComparison.Compare(p => p[0].Pow(3).Sum(), [w], p => [3.0 * p[0] * p[0]], ["w"]);
        right.Passed.ShouldBeTrue();
        w.RequiresGrad.ShouldBeFalse();
        var wrong = GradientComparison.Compare(p => p[0].Pow(3).Sum(), [w], p => [3.0 * p[0]]);
        wrong["parameter 0"].Passed.ShouldBeFalse();
    }

    [Fact]
    public void Misuse_is_reported_with_the_name()
    {
        var net = new Net();
        Should.Throw<ArgumentException>(() => GradientComparison.For(net.Output)).Message.ShouldContain("single-element");
        Should.Throw<ArgumentException>(() => GradientComparison.For(Tensor.Scalar(1.0))).Message.ShouldContain("does not require grad");
        Should.Throw<ArgumentException>(() => GradientComparison.For(net.Loss).Add("X", Net.X, Net.X)).Message.ShouldContain("'X' (shape [4, 3]) does not require grad");
        Should.Throw<ArgumentException>(() => net.Weights(net.DW1, net.DW2).Add("W1", net.W1, net.DW1)).Message.ShouldContain("'W1' is already used");
        Should.Throw<InvalidOperationException>(() => GradientComparison.For(net.Loss).Compare()).Message.ShouldContain("nothing to compare");
        Should.Throw<KeyNotFoundException>(() => net.Weights(net.DW1, net.DW2).Compare()["W3"]).Message.ShouldContain("W1, W2");
        Should.Throw<ArgumentOutOfRangeException>(() => GradientComparison.For(net.Loss).BatchSize(0));
        Should.Throw<ArgumentException>(() => GradientComparison.Compare(p => p[0].Sum(), [Tensor.Ones([2])], p => []))
            .Message.ShouldContain("returned 0 tensor(s) for 1 parameter(s)");
    }
}
