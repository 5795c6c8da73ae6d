namespace AutoGradNet.Tests;

/// <summary>Deterministic random inputs for the tests.</summary>
internal static class TestData
{
    /// <summary>Uniform values in [low, high) with a fixed seed.</summary>
    public static Tensor Random(int seed, Shape shape, double low = -2, double high = 2) => Tensor.Uniform(shape, low, high, seed);

    /// <summary>Uniform values whose magnitude is at least <paramref name="margin"/>, keeping them away from kinks at 0.</summary>
    public static Tensor AwayFromZero(int seed, Shape shape, double margin = 0.2, double high = 2)
    {
        var rng = new System.Random(seed);
        var values = new double[shape.Size];
        for (var i = 0; i < values.Length; i++)
        {
            var magnitude = margin + (high - margin) * rng.NextDouble();
            values[i] = rng.Next(2) == 0 ? -magnitude : magnitude;
        }
        return Tensor.FromArray(values, shape.ToArray());
    }

    /// <summary>Uniform positive values in [low, high), for ops defined only for x &gt; 0 (log, sqrt, fractional pow).</summary>
    public static Tensor Positive(int seed, Shape shape, double low = 0.5, double high = 2) => Tensor.Uniform(shape, low, high, seed);

    /// <summary>
    /// A shuffled arrangement of the distinct values <c>-2 + step·i</c>: no two elements are closer than
    /// <paramref name="step"/>, so max/min and comparisons never meet a tie within a finite-difference step.
    /// </summary>
    public static Tensor Distinct(int seed, Shape shape, double step = 0.13)
    {
        var rng = new System.Random(seed);
        var values = new double[shape.Size];
        for (var i = 0; i < values.Length; i++) values[i] = -2 + step * i;
        rng.Shuffle(values);
        return Tensor.FromArray(values, shape.ToArray());
    }

    /// <summary>Asserts that the backward of <paramref name="function"/> agrees with central finite differences at <paramref name="inputs"/>.</summary>
    public static void ShouldPassGradCheck(Func<Tensor[], Tensor> function, params Tensor[] inputs)
    {
        var result = AutoGradNet.Verification.GradCheck.Run(function, inputs);
        result.Report.ShouldBeEmpty();
        result.Passed.ShouldBeTrue();
    }

    /// <summary>Asserts elementwise |actual − expected| ≤ atol + rtol·|expected|, naming the first bad index.</summary>
    public static void ShouldBeClose(double[] actual, double[] expected, double absoluteTolerance = 1e-12, double relativeTolerance = 1e-12)
    {
        actual.Length.ShouldBe(expected.Length);
        for (var i = 0; i < actual.Length; i++)
        {
            var tolerance = absoluteTolerance + relativeTolerance * Math.Abs(expected[i]);
            Math.Abs(actual[i] - expected[i]).ShouldBeLessThanOrEqualTo(tolerance, $"element {i}: actual {actual[i]:R}, expected {expected[i]:R}");
        }
    }
}
