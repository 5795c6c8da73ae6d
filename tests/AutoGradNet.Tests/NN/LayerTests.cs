using AutoGradNet.NN;
using static AutoGradNet.Tests.TestData;
using F = AutoGradNet.Functional;

namespace AutoGradNet.Tests.NN;

/// <summary>Layers: forward against formulas and PyTorch-known values, gradients by finite differences, modes.</summary>
public class LayerTests
{
    [Fact]
    public void Linear_computes_x_times_weight_transposed_plus_bias_and_has_PyTorch_shapes()
    {
        var linear = new Linear(3, 2, random: new Random(1));
        linear.Weight.Shape.ShouldBe(new Shape([2, 3]));
        linear.Bias!.Shape.ShouldBe(new Shape([2]));
        linear.NamedParameters().Select(p => p.Name).ShouldBe(["weight", "bias"]);
        using (Tensor.NoGrad())
        {
            linear.Weight.CopyFrom(Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3));
            linear.Bias.CopyFrom(Tensor.FromArray(new double[] { 0.5, -1 }));
        }
        var y = linear.Call(Tensor.FromArray(new double[] { 1, 0, -1, 2, 1, 0 }, 2, 3));
        y.Shape.ShouldBe(new Shape([2, 2]));
        y.ToArray().ShouldBe([1 - 3 + 0.5, 4 - 6 - 1, 2 + 2 + 0.5, 8 + 5 - 1]);
        var batched = linear.Forward(Tensor.Ones([4, 5, 3]));
        batched.Shape.ShouldBe(new Shape([4, 5, 2]));
        Should.Throw<ArgumentException>(() => linear.Forward(Tensor.Ones([2, 4]))).Message.ShouldBe("Linear: expected an input of shape [..., 3], got [2, 4]. (Parameter 'input')");
    }

    [Fact]
    public void Linear_default_init_is_PyTorch_uniform_within_one_over_sqrt_fan_in_and_reproducible()
    {
        var a = new Linear(16, 64, random: new Random(3));
        var b = new Linear(16, 64, random: new Random(3));
        a.Weight.ToArray().ShouldBe(b.Weight.ToArray());
        a.Bias!.ToArray().ShouldBe(b.Bias!.ToArray());
        var bound = 1 / Math.Sqrt(16);
        a.Weight.ToArray().ShouldAllBe(v => Math.Abs(v) <= bound);
        a.Bias.ToArray().ShouldAllBe(v => Math.Abs(v) <= bound);
        a.Weight.ToArray().Max().ShouldBeGreaterThan(0.9 * bound); // fills the interval
        // Draw order: weight then bias, from one generator, each U(-bound, bound).
        var random = new Random(3);
        ShouldBeClose(a.Weight.ToArray(), Tensor.Uniform([64, 16], -bound, bound, random).ToArray(), 1e-15, 1e-14);
        ShouldBeClose(a.Bias.ToArray(), Tensor.Uniform([64], -bound, bound, random).ToArray(), 1e-15, 1e-14);
    }

    [Fact]
    public void Linear_without_bias_and_in_float32()
    {
        var linear = new Linear(2, 3, bias: false, random: new Random(0), dtype: DType.Float32);
        linear.Bias.ShouldBeNull();
        linear.Parameters().Count().ShouldBe(1);
        linear.Weight.DType.ShouldBe(DType.Float32);
        linear.Forward(Tensor.Ones([1, 2], DType.Float32)).DType.ShouldBe(DType.Float32);
    }

    [Fact]
    public void Linear_gradients_pass_finite_differences_with_a_non_contiguous_input()
    {
        var linear = new Linear(3, 2, random: new Random(5));
        var x = Random(1, [3, 4]).T.Detach();
        x.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(t => linear.Forward(t[0]), x, linear.Weight, linear.Bias!);
        linear.Weight.IsContiguous.ShouldBeTrue();
    }

    [Fact]
    public void Sequential_chains_layers_and_names_them_by_position()
    {
        var net = new Sequential(new Linear(3, 4, random: new Random(1)), new Tanh(), new Linear(4, 1, bias: false, random: new Random(2)));
        net.Count.ShouldBe(3);
        net.NamedParameters().Select(p => p.Name).ShouldBe(["0.weight", "0.bias", "2.weight"]);
        net[1].ShouldBeOfType<Tanh>();
        var x = Random(4, [5, 3]);
        var expected = ((Linear)net[2]).Forward(((Linear)net[0]).Forward(x).Tanh());
        net.Call(x).ToArray().ShouldBe(expected.ToArray());
        new Sequential().Forward(x).ShouldBeSameAs(x);
        Should.Throw<ArgumentOutOfRangeException>(() => net[3]).Message.ShouldStartWith("Sequential: index 3 is out of range for 3 layers.");
        net.Append(new Sigmoid()).ShouldBeSameAs(net);
        net.NamedChildren().Select(c => c.Name).ShouldBe(["0", "1", "2", "3"]);
    }

    private sealed class Tower : Module<Tensor, Tensor>
    {
        public Tower()
        {
            Layers = RegisterModule("layers", new ModuleList<Linear>(new Linear(2, 3, random: new Random(1)), new Linear(3, 3, random: new Random(2))));
            Norm = RegisterModule("norm", new BatchNorm1d(3));
            Drop = RegisterModule("drop", new Dropout(0.5, seed: 1));
        }

        public ModuleList<Linear> Layers { get; }

        public BatchNorm1d Norm { get; }

        public Dropout Drop { get; }

        public override Tensor Forward(Tensor input)
        {
            foreach (var layer in Layers) input = layer.Forward(input).Tanh();
            return Drop.Forward(Norm.Forward(input));
        }
    }

    [Fact]
    public void ModuleList_names_items_by_position_inside_a_custom_module_and_modes_reach_them()
    {
        var tower = new Tower();
        tower.NamedParameters().Select(p => p.Name).ShouldBe(["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "norm.weight", "norm.bias"]);
        tower.NamedBuffers().Select(p => p.Name).ShouldBe(["norm.running_mean", "norm.running_var", "norm.num_batches_tracked"]);
        tower.Layers[1].InFeatures.ShouldBe(3);
        tower.Eval();
        tower.Layers.IsTraining.ShouldBeFalse();
        tower.Norm.IsTraining.ShouldBeFalse();
        tower.Drop.IsTraining.ShouldBeFalse();
        var list = new ModuleList(new Tanh(), new Linear(1, 1, random: new Random(0)));
        list.Count.ShouldBe(2);
        list.NamedParameters().Select(p => p.Name).ShouldBe(["1.weight", "1.bias"]);
    }

    [Theory]
    [InlineData(1.0, 0.8413447460685429)]
    [InlineData(-1.0, -0.15865525393145707)]
    [InlineData(2.0, 1.9544997361036416)]
    [InlineData(0.0, 0.0)]
    public void GELU_matches_PyTorch(double x, double expected) =>
        new GELU().Forward(Tensor.FromArray([x])).Item().ShouldBe(expected, 1e-15);

    [Fact]
    public void Activation_modules_match_their_formulas()
    {
        double[] xs = [-3, -1, -0.25, 0, 0.5, 2];
        var x = Tensor.FromArray(xs);
        ShouldBeClose(new LeakyReLU(0.1).Forward(x).ToArray(), [.. xs.Select(v => v > 0 ? v : 0.1 * v)]);
        ShouldBeClose(new LeakyReLU().Forward(x).ToArray(), [-0.03, -0.01, -0.0025, 0, 0.5, 2]);
        ShouldBeClose(new ELU().Forward(x).ToArray(), [.. xs.Select(v => v > 0 ? v : Math.Exp(v) - 1)]);
        new ELU().Forward(Tensor.FromArray([-1.0])).Item().ShouldBe(-0.6321205588285577, 1e-15);
        ShouldBeClose(new ELU(2).Forward(x).ToArray(), [.. xs.Select(v => v > 0 ? v : 2 * (Math.Exp(v) - 1))]);
        ShouldBeClose(new SiLU().Forward(x).ToArray(), [.. xs.Select(v => v / (1 + Math.Exp(-v)))]);
        new SiLU().Forward(Tensor.FromArray([1.0])).Item().ShouldBe(0.7310585786300049, 1e-15);
        ShouldBeClose(new Sigmoid().Forward(x).ToArray(), [.. xs.Select(v => 1 / (1 + Math.Exp(-v)))]);
        ShouldBeClose(new Tanh().Forward(x).ToArray(), [.. xs.Select(Math.Tanh)]);
        ShouldBeClose(new ReLU().Forward(x).ToArray(), [.. xs.Select(v => Math.Max(v, 0))]);
        ShouldBeClose(new Softplus().Forward(x).ToArray(), [.. xs.Select(v => Math.Log(1 + Math.Exp(v)))], 1e-15, 1e-14);
        var m = Random(2, [2, 3]);
        new Softmax(0).Forward(m).ToArray().ShouldBe(F.Softmax(m, 0).ToArray());
        new LogSoftmax().Forward(m).ToArray().ShouldBe(F.LogSoftmax(m, -1).ToArray());
    }

    [Fact]
    public void Activation_gradients_pass_finite_differences_and_match_PyTorch_at_the_kinks()
    {
        var x = AwayFromZero(3, [4, 3]).T.Detach();
        x.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(t => F.Gelu(t[0]), x);
        ShouldPassGradCheck(t => F.Silu(t[0]), x);
        ShouldPassGradCheck(t => F.Elu(t[0], 1.5), x);
        ShouldPassGradCheck(t => F.LeakyRelu(t[0], 0.2), x);
        var zero = Tensor.FromArray([0.0, 100.0, -100.0]).RequireGrad();
        F.Elu(zero, 2).Sum().Backward();
        ShouldBeClose(zero.Grad!.ToArray(), [2, 1, 2 * Math.Exp(-100)], 1e-40, 0); // no NaN from e^100 in the unused branch
        zero.ZeroGrad();
        F.LeakyRelu(zero, 0.3).Sum().Backward();
        zero.Grad!.ToArray().ShouldBe([0.3, 1, 0.3]);
        zero.ZeroGrad();
        F.Gelu(zero).Sum().Backward();
        zero.Grad!.ToArray()[0].ShouldBe(0.5, 1e-15); // GELU'(0) = Φ(0)
        AutoGradNet.Verification.GradCheck.AssertSecondOrder(t => F.Gelu(t[0]), [x]);
    }

    [Fact]
    public void Flatten_keeps_the_batch_axis_by_default()
    {
        var x = Tensor.Arange(24).Reshape([2, 3, 4]);
        new Flatten().Forward(x).Shape.ShouldBe(new Shape([2, 12]));
        new Flatten(0, 1).Forward(x).Shape.ShouldBe(new Shape([6, 4]));
    }

    [Fact]
    public void Dropout_is_identity_in_eval_and_zeroes_about_p_with_inverted_scaling_in_training()
    {
        var x = Tensor.Ones([100, 100]);
        var dropout = new Dropout(0.3, seed: 42);
        dropout.Eval();
        dropout.Forward(x).ShouldBeSameAs(x);
        dropout.Train();
        var y = dropout.Forward(x).ToArray();
        var zeros = y.Count(v => v == 0);
        ((double)zeros / y.Length).ShouldBe(0.3, 0.02);
        y.Where(v => v != 0).ShouldAllBe(v => Math.Abs(v - 1 / 0.7) < 1e-15);
        y.Average().ShouldBe(1, 0.03); // the expectation is kept
        var again = new Dropout(0.3, seed: 42).Forward(x).ToArray();
        again.ShouldBe(y);
        dropout.Forward(x).ToArray().ShouldNotBe(y); // the next mask is a new draw
        new Dropout(0).Forward(x).ShouldBeSameAs(x);
        new Dropout(1, seed: 1).Forward(x).ToArray().ShouldAllBe(v => v == 0);
        Should.Throw<ArgumentOutOfRangeException>(() => new Dropout(1.5)).Message.ShouldStartWith("Dropout: the probability must be in [0, 1], got 1.5.");
    }

    [Fact]
    public void Dropout_gradient_is_the_mask_times_the_scale()
    {
        var x = Tensor.Ones([50]).RequireGrad();
        var y = new Dropout(0.5, seed: 7).Forward(x);
        y.Sum().Backward();
        x.Grad!.ToArray().ShouldBe(y.ToArray());
    }

    [Fact]
    public void LayerNorm_normalises_the_last_axes_with_the_biased_variance()
    {
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 4, -1, 0, 5, 2 }, 2, 4);
        var y = new LayerNorm(4).Forward(x).ToArray();
        double[][] rows = [[1, 2, 3, 4], [-1, 0, 5, 2]];
        var expected = new List<double>();
        foreach (var row in rows)
        {
            var mean = row.Average();
            var variance = row.Select(v => (v - mean) * (v - mean)).Average();
            expected.AddRange(row.Select(v => (v - mean) / Math.Sqrt(variance + 1e-5)));
        }
        ShouldBeClose(y, [.. expected], 1e-14, 1e-14);
        var both = new LayerNorm([2, 4], elementwiseAffine: false);
        both.Parameters().ShouldBeEmpty();
        var all = new[] { 1.0, 2, 3, 4, -1, 0, 5, 2 };
        var m = all.Average();
        var s = Math.Sqrt(all.Select(v => (v - m) * (v - m)).Average() + 1e-5);
        ShouldBeClose(both.Forward(x).ToArray(), [.. all.Select(v => (v - m) / s)], 1e-14, 1e-14);
        Should.Throw<ArgumentException>(() => new LayerNorm(3).Forward(x)).Message.ShouldStartWith("LayerNorm: expected an input of shape [..., 3], got [2, 4].");
    }

    [Fact]
    public void LayerNorm_gradients_pass_finite_differences()
    {
        var norm = new LayerNorm(3);
        using (Tensor.NoGrad())
        {
            norm.Weight!.CopyFrom(Random(2, [3]));
            norm.Bias!.CopyFrom(Random(3, [3]));
        }
        var x = Random(1, [3, 4]).T.Detach();
        x.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(t => norm.Forward(t[0]), x, norm.Weight!, norm.Bias!);
    }

    [Fact]
    public void BatchNorm1d_training_normalises_with_batch_stats_and_updates_running_stats_over_two_steps()
    {
        double[,] x1 = { { 1, 10 }, { 2, 20 }, { 4, 5 }, { 9, -3 } };
        double[,] x2 = { { 0, 1 }, { 3, 2 }, { -2, 7 }, { 1, 1 } };
        var bn = new BatchNorm1d(2);
        var y1 = bn.Forward(Tensor.FromArray(x1)).ToArray();
        double[] rm = [0, 0], rv = [1, 1];
        var expected = new double[8];
        foreach (var x in new[] { x1, x2 })
        {
            for (var c = 0; c < 2; c++)
            {
                var column = Enumerable.Range(0, 4).Select(i => x[i, c]).ToArray();
                var mean = column.Average();
                var biased = column.Select(v => (v - mean) * (v - mean)).Average();
                if (x == x1)
                    for (var i = 0; i < 4; i++) expected[i * 2 + c] = (column[i] - mean) / Math.Sqrt(biased + 1e-5);
                rm[c] = 0.9 * rm[c] + 0.1 * mean;
                rv[c] = 0.9 * rv[c] + 0.1 * biased * 4 / 3;
            }
        }
        ShouldBeClose(y1, expected, 1e-14, 1e-14);
        bn.Forward(Tensor.FromArray(x2));
        ShouldBeClose(bn.RunningMean!.ToArray(), rm, 1e-15, 1e-14);
        ShouldBeClose(bn.RunningVar!.ToArray(), rv, 1e-15, 1e-14);
        bn.NumBatchesTracked!.ToArray<long>().ShouldBe([2L]);
        bn.Eval();
        var test = Tensor.FromArray(new double[,] { { 1, 2 } });
        ShouldBeClose(bn.Forward(test).ToArray(), [(1 - rm[0]) / Math.Sqrt(rv[0] + 1e-5), (2 - rm[1]) / Math.Sqrt(rv[1] + 1e-5)], 1e-14, 1e-14);
        bn.NumBatchesTracked!.ToArray<long>().ShouldBe([2L]); // eval does not count
    }

    [Fact]
    public void BatchNorm1d_three_dimensional_input_pools_batch_and_length_and_cumulative_momentum_averages()
    {
        var x = Random(1, [2, 3, 4]);
        var bn = new BatchNorm1d(3, momentum: null, affine: false);
        var y = bn.Forward(x);
        y.Shape.ShouldBe(x.Shape);
        var values = x.ToArray();
        for (var c = 0; c < 3; c++)
        {
            var column = Enumerable.Range(0, 2).SelectMany(n => Enumerable.Range(0, 4).Select(l => values[n * 12 + c * 4 + l])).ToArray();
            var mean = column.Average();
            var unbiased = column.Select(v => (v - mean) * (v - mean)).Sum() / 7;
            bn.RunningMean!.ToArray()[c].ShouldBe(mean, 1e-14); // momentum null, first batch: the batch itself
            bn.RunningVar!.ToArray()[c].ShouldBe(unbiased, 1e-14);
        }
        y.Mean([0, 2]).ToArray().ShouldAllBe(v => Math.Abs(v) < 1e-14);
    }

    [Fact]
    public void BatchNorm1d_gradients_pass_finite_differences_in_training_and_eval()
    {
        var bn = new BatchNorm1d(3);
        using (Tensor.NoGrad())
        {
            bn.Weight!.CopyFrom(Random(2, [3]));
            bn.Bias!.CopyFrom(Random(3, [3]));
        }
        var x = Random(1, [3, 5]).T.Detach();
        x.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(t => bn.Forward(t[0]), x, bn.Weight!, bn.Bias!);
        bn.Eval();
        ShouldPassGradCheck(t => bn.Forward(t[0]), x, bn.Weight!, bn.Bias!);
    }

    [Fact]
    public void BatchNorm1d_errors()
    {
        var bn = new BatchNorm1d(3);
        Should.Throw<ArgumentException>(() => bn.Forward(Tensor.Ones([4, 2]))).Message.ShouldStartWith("BatchNorm1d: expected an input of shape [N, 3] or [N, 3, L], got [4, 2].");
        Should.Throw<ArgumentException>(() => bn.Forward(Tensor.Ones([1, 3]))).Message.ShouldStartWith("BatchNorm1d: expected more than 1 value per channel when training");
        bn.Eval();
        bn.Forward(Tensor.Ones([1, 3])).Shape.ShouldBe(new Shape([1, 3]));
    }

    [Fact]
    public void Embedding_looks_up_rows_and_zeroes_the_padding_row()
    {
        var embedding = new Embedding(5, 3, paddingIndex: -1, random: new Random(1));
        embedding.PaddingIndex.ShouldBe(4);
        embedding.Weight.Shape.ShouldBe(new Shape([5, 3]));
        embedding.Weight.Select(0, 4).ToArray().ShouldBe([0, 0, 0]);
        embedding.Weight.Select(0, 0).ToArray().ShouldBe(Tensor.Normal([15], new Random(1)).ToArray()[..3]);
        var indices = Tensor.FromArray(new long[] { 0, 4, 2, 0 }, 2, 2);
        var y = embedding.Forward(indices);
        y.Shape.ShouldBe(new Shape([2, 2, 3]));
        y.Sum().Backward();
        embedding.Weight.Grad!.Select(0, 0).ToArray().ShouldBe([2, 2, 2]);
        embedding.Weight.Grad!.Select(0, 4).ToArray().ShouldBe([0, 0, 0]);
        Should.Throw<ArgumentOutOfRangeException>(() => new Embedding(3, 2, paddingIndex: 3));
    }
}
