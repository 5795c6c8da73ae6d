using AutoGradNet.Optim;

namespace AutoGradNet.Tests.Optim;

/// <summary>
/// Runs an optimizer on one parameter whose gradient at step t is a fixed function of its current values, and
/// compares with the same run computed by hand in plain double arithmetic from the published update rule.
/// </summary>
internal static class OptimizerTestSupport
{
    public static readonly double[] Initial = [0.5, -1.25, 2.0, 0.0, -0.3, 1.7];

    /// <summary>The gradient the tests feed at step t (1-based): varied signs and sizes, and one exact zero at t = 1.</summary>
    public static double[] GradientAt(double[] p, int t) =>
        [.. p.Select((x, i) => t == 1 && i == 3 ? 0.0 : 2 * x - 0.3 * i + 0.1 * t * Math.Sin(i + t))];

    /// <summary>Runs <paramref name="steps"/> steps of the optimizer <paramref name="make"/> builds, in <paramref name="dtype"/>.</summary>
    public static double[] Run(DType dtype, int steps, Func<Tensor, Optimizer> make)
    {
        var p = Parameter(Initial, dtype);
        var optimizer = make(p);
        for (var t = 1; t <= steps; t++)
        {
            p.Grad = Tensor.FromArray(GradientAt(p.ToArray(), t), Initial.Length).ConvertedTo(dtype);
            optimizer.Step();
        }
        return p.ToArray();
    }

    /// <summary>The by-hand run: <paramref name="update"/> maps (p, g, t) to the new p, keeping its own state.</summary>
    public static double[] ByHand(int steps, Func<double[], double[], int, double[]> update)
    {
        var p = (double[])Initial.Clone();
        for (var t = 1; t <= steps; t++) p = update(p, GradientAt(p, t), t);
        return p;
    }

    public static Tensor Parameter(double[] values, DType dtype) =>
        Tensor.FromArray(values, values.Length).ConvertedTo(dtype).RequireGrad();

    /// <summary>Float64 to a few ulps; Float32 to its precision.</summary>
    public static void ShouldMatch(double[] actual, double[] expected, DType dtype)
    {
        actual.Length.ShouldBe(expected.Length);
        var rel = dtype == DType.Float64 ? 1e-13 : 2e-5;
        var abs = dtype == DType.Float64 ? 1e-15 : 1e-6;
        for (var i = 0; i < actual.Length; i++)
        {
            Math.Abs(actual[i] - expected[i]).ShouldBeLessThanOrEqualTo(abs + rel * Math.Abs(expected[i]),
                $"element {i}: {actual[i]:R} vs {expected[i]:R}");
        }
    }

    public static double[] Zeros() => new double[Initial.Length];
}
