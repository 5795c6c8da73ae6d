using AutoGradNet.NN;

namespace AutoGradNet.Tests.NN;

/// <summary>Init: bounds, sample variances against the formulas, gains, fans, seeded reproducibility, in-place writes.</summary>
public class InitTests
{
    private static (double Mean, double Variance, double MaxAbs) Stats(Tensor t)
    {
        var v = t.ToArray();
        var mean = v.Average();
        return (mean, v.Select(x => (x - mean) * (x - mean)).Average(), v.Max(Math.Abs));
    }

    [Theory]
    [InlineData(Nonlinearity.Linear, null, 1.0)]
    [InlineData(Nonlinearity.Sigmoid, null, 1.0)]
    [InlineData(Nonlinearity.Tanh, null, 5.0 / 3)]
    [InlineData(Nonlinearity.Relu, null, 1.4142135623730951)]
    [InlineData(Nonlinearity.LeakyRelu, null, 1.4141428569978354)]
    [InlineData(Nonlinearity.LeakyRelu, 0.2, 1.3867504905630728)]
    [InlineData(Nonlinearity.Selu, null, 0.75)]
    public void CalculateGain_matches_PyTorch(Nonlinearity nonlinearity, double? param, double expected) =>
        Init.CalculateGain(nonlinearity, param).ShouldBe(expected, 1e-15);

    [Fact]
    public void Fans_follow_PyTorch_for_matrices_and_higher_ranks()
    {
        Init.CalculateFans(Tensor.Zeros([3, 5])).ShouldBe((5, 3));
        Init.CalculateFans(Tensor.Zeros([4, 2, 3, 3])).ShouldBe((18, 36));
        Should.Throw<ArgumentException>(() => Init.CalculateFans(Tensor.Zeros([4]))).Message.ShouldStartWith("CalculateFans: fans need a tensor of at least 2 dimensions, got shape [4].");
    }

    [Fact]
    public void Xavier_uniform_stays_within_its_bound_with_the_uniform_variance()
    {
        var w = Tensor.Zeros([300, 200]);
        Init.XavierUniform(w, seed: 1, gain: 2).ShouldBeSameAs(w);
        var bound = 2 * Math.Sqrt(6.0 / 500);
        var (mean, variance, maxAbs) = Stats(w);
        maxAbs.ShouldBeLessThanOrEqualTo(bound);
        maxAbs.ShouldBeGreaterThan(0.99 * bound);
        mean.ShouldBe(0, 0.01 * bound);
        variance.ShouldBe(bound * bound / 3, 0.02 * bound * bound / 3);
    }

    [Fact]
    public void Xavier_normal_has_the_Glorot_variance()
    {
        var w = Init.XavierNormal(Tensor.Zeros([300, 200]), new Random(2));
        var (mean, variance, _) = Stats(w);
        mean.ShouldBe(0, 0.01);
        variance.ShouldBe(2.0 / 500, 0.02 * 2.0 / 500);
    }

    [Theory]
    [InlineData(FanMode.FanIn, 200)]
    [InlineData(FanMode.FanOut, 300)]
    public void Kaiming_uniform_and_normal_use_the_fan_and_the_gain(FanMode mode, int fan)
    {
        var uniform = Init.KaimingUniform(Tensor.Zeros([300, 200]), 3, mode: mode, nonlinearity: Nonlinearity.Relu);
        var bound = Math.Sqrt(3) * Math.Sqrt(2) / Math.Sqrt(fan);
        var (_, variance, maxAbs) = Stats(uniform);
        maxAbs.ShouldBeLessThanOrEqualTo(bound);
        variance.ShouldBe(2.0 / fan, 0.02 * 2.0 / fan);
        var normal = Init.KaimingNormal(Tensor.Zeros([300, 200]), 4, mode: mode, nonlinearity: Nonlinearity.Relu);
        Stats(normal).Variance.ShouldBe(2.0 / fan, 0.02 * 2.0 / fan);
        var leaky = Init.KaimingNormal(Tensor.Zeros([300, 200]), 5, a: 0.5, mode: mode);
        Stats(leaky).Variance.ShouldBe(2.0 / 1.25 / fan, 0.02 * 2.0 / 1.25 / fan);
    }

    [Fact]
    public void Kaiming_uniform_with_a_sqrt5_is_PyTorchs_linear_default_bound()
    {
        var w = Init.KaimingUniform(Tensor.Zeros([100, 64]), 1, a: Math.Sqrt(5));
        Stats(w).MaxAbs.ShouldBeLessThanOrEqualTo(1 / 8.0 + 1e-15);
        Stats(w).MaxAbs.ShouldBeGreaterThan(0.99 / 8);
    }

    [Fact]
    public void Uniform_default_is_the_tutorials_zero_to_one_and_every_draw_is_reproducible()
    {
        var a = Init.Uniform(Tensor.Zeros([3, 4]), new Random(1));
        a.ToArray().ShouldBe(Tensor.Uniform([3, 4], new Random(1)).ToArray());
        a.ToArray().ShouldAllBe(v => v >= 0 && v < 1);
        Init.XavierNormal(Tensor.Zeros([5, 5]), 9).ToArray().ShouldBe(Init.XavierNormal(Tensor.Zeros([5, 5]), new Random(9)).ToArray());
        Init.KaimingUniform(Tensor.Zeros([5, 5]), 9).ToArray().ShouldBe(Init.KaimingUniform(Tensor.Zeros([5, 5]), 9).ToArray());
        Init.Normal(Tensor.Zeros([7]), 3, 1, 2).ToArray().ShouldBe(Tensor.Normal([7], 1, 2, 3).ToArray());
    }

    [Fact]
    public void Init_writes_in_place_into_parameters_that_require_grad_and_into_float32()
    {
        var p = Tensor.Zeros([4, 3]).RequireGrad();
        Init.XavierUniform(p, 1).ShouldBeSameAs(p);
        p.RequiresGrad.ShouldBeTrue();
        p.IsLeaf.ShouldBeTrue();
        Init.Ones(p).ToArray().ShouldAllBe(v => v == 1);
        Init.Zeros(p).ToArray().ShouldAllBe(v => v == 0);
        Init.Constant(p, 2.5).ToArray().ShouldAllBe(v => v == 2.5);
        var f = Init.Uniform(Tensor.Zeros([10], DType.Float32), 1);
        f.DType.ShouldBe(DType.Float32);
        f.ToArray().ShouldBe(Tensor.Uniform([10], 1).ToArray().Select(v => (double)(float)v).ToArray());
        Should.Throw<ArgumentException>(() => Init.Uniform(Tensor.Zeros([2], DType.Int64), 1)).Message.ShouldStartWith("Uniform: random initialisation needs a floating-point tensor, got Int64");
    }

    [Fact]
    public void ManualSeed_makes_default_initialisation_reproducible()
    {
        Init.ManualSeed(5);
        var a = new Linear(3, 2).Weight.ToArray();
        Init.ManualSeed(5);
        new Linear(3, 2).Weight.ToArray().ShouldBe(a);
    }
}
