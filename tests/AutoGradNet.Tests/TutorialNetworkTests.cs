namespace AutoGradNet.Tests;

/// <summary>
/// The tutorial's 2-layer sigmoid network built from Tensor ops: autograd's gradients must equal the
/// negated hand-derived backpropagation, computed here independently with plain double loops.
/// </summary>
public class TutorialNetworkTests
{
    private static readonly double[,] X = { { 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, 1 }, { 1, 1, 1 } };
    private static readonly double[,] Y = { { 0 }, { 1 }, { 1 }, { 0 } };

    private static (Tensor Loss, Tensor W1, Tensor W2) Network(int seed, DType dtype = DType.Float64)
    {
        var random = new Random(seed);
        var w1 = Tensor.Uniform([3, 4], 0, 1, random, dtype).RequireGrad();
        var w2 = Tensor.Uniform([4, 1], 0, 1, random, dtype).RequireGrad();
        var x = Tensor.FromArray(X).To(dtype);
        var layer1 = x.MatMul(w1).Sigmoid();
        var output = layer1.MatMul(w2).Sigmoid();
        return (AutoGradNet.Functional.SumSquaredError(output, Tensor.FromArray(Y).To(dtype)), w1, w2);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(2024)]
    public void Autograd_gradient_equals_the_negated_hand_derived_tutorial_gradient(int seed)
    {
        var (loss, w1, w2) = Network(seed);
        loss.Backward();
        var (dWeights1, dWeights2) = HandDerived(w1.ToArray(), w2.ToArray());

        var g1 = w1.Grad!.ToArray();
        var g2 = w2.Grad!.ToArray();
        for (var i = 0; i < 12; i++) g1[i].ShouldBe(-dWeights1[i], 1e-12);
        for (var i = 0; i < 4; i++) g2[i].ShouldBe(-dWeights2[i], 1e-12);
    }

    [Fact]
    public void Training_with_the_default_seed_reaches_a_loss_below_0_01_and_predicts_the_targets()
    {
        var random = new Random(1);
        var w1 = Tensor.Uniform([3, 4], random).RequireGrad();
        var w2 = Tensor.Uniform([4, 1], random).RequireGrad();
        var x = Tensor.FromArray(X);
        var y = Tensor.FromArray(Y);
        Tensor output = x;
        double loss = double.NaN;
        for (var iteration = 0; iteration < 1500; iteration++)
        {
            output = x.MatMul(w1).Sigmoid().MatMul(w2).Sigmoid();
            var l = AutoGradNet.Functional.SumSquaredError(output, y);
            l.Backward();
            loss = l.Item();
            using (Tensor.NoGrad())
            {
                w1 -= w1.Grad!;
                w2 -= w2.Grad!;
            }
            w1.ZeroGrad();
            w2.ZeroGrad();
        }
        loss.ShouldBeLessThan(0.01);
        var predictions = output.ToArray();
        for (var i = 0; i < 4; i++) Math.Abs(predictions[i] - Y[i, 0]).ShouldBeLessThan(0.1);
    }

    [Fact]
    public void Float32_network_gives_the_float64_loss_and_gradient_to_float32_precision()
    {
        var (loss64, w1d, w2d) = Network(5);
        var (loss32, w1f, w2f) = Network(5, DType.Float32);
        loss32.DType.ShouldBe(DType.Float32);
        loss32.Item().ShouldBe(loss64.Item(), 1e-5);
        loss64.Backward();
        loss32.Backward();
        w1f.Grad!.DType.ShouldBe(DType.Float32);
        var (a, b) = (w1d.Grad!.ToArray(), w1f.Grad!.ToArray());
        for (var i = 0; i < a.Length; i++) b[i].ShouldBe(a[i], 1e-5);
        var (c, d) = (w2d.Grad!.ToArray(), w2f.Grad!.ToArray());
        for (var i = 0; i < c.Length; i++) d[i].ShouldBe(c[i], 1e-5);
    }

    /// <summary>The tutorial's backprop with plain doubles: d_weights2 = layer1ᵀ·(2(y−ŷ)⊙ŷ(1−ŷ)), d_weights1 = Xᵀ·(that·W2ᵀ ⊙ layer1(1−layer1)).</summary>
    private static (double[] DWeights1, double[] DWeights2) HandDerived(double[] w1, double[] w2)
    {
        static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
        var layer1 = new double[4, 4];
        var output = new double[4];
        for (var n = 0; n < 4; n++)
        {
            for (var h = 0; h < 4; h++)
            {
                var s = 0.0;
                for (var i = 0; i < 3; i++) s += X[n, i] * w1[i * 4 + h];
                layer1[n, h] = Sigmoid(s);
            }
            var o = 0.0;
            for (var h = 0; h < 4; h++) o += layer1[n, h] * w2[h];
            output[n] = Sigmoid(o);
        }
        var delta2 = new double[4];
        for (var n = 0; n < 4; n++) delta2[n] = 2 * (Y[n, 0] - output[n]) * output[n] * (1 - output[n]);
        var dWeights2 = new double[4];
        for (var h = 0; h < 4; h++)
            for (var n = 0; n < 4; n++) dWeights2[h] += layer1[n, h] * delta2[n];
        var dWeights1 = new double[12];
        for (var i = 0; i < 3; i++)
        {
            for (var h = 0; h < 4; h++)
            {
                for (var n = 0; n < 4; n++)
                    dWeights1[i * 4 + h] += X[n, i] * delta2[n] * w2[h] * layer1[n, h] * (1 - layer1[n, h]);
            }
        }
        return (dWeights1, dWeights2);
    }
}
