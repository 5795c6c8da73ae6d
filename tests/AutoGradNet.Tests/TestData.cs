namespace AutoGradNet.Tests;

/// <summary>Deterministic random inputs for the tests.</summary>
internal static class TestData
{
    /// <summary>Uniform values in [low, high) with a fixed seed.</summary>
    public static Tensor Random(int seed, Shape shape, double low = -2, double high = 2) => Tensor.Uniform(shape, seed, low, high);

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
}
