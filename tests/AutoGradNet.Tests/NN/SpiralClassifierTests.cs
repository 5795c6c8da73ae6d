using AutoGradNet.Data;
using AutoGradNet.NN;
using AutoGradNet.Optim;

namespace AutoGradNet.Tests.NN;

/// <summary>
/// The 2-16-16-3 spiral classifier that took 79 lines before modules existed (parameter lists, He initialisation, a
/// hand-written Adam, batching through C# arrays, an argmax loop), written with the library's building blocks. The
/// model, data loading, training and accuracy are the lines between the markers.
/// </summary>
public class SpiralClassifierTests
{
    /// <summary>Three interleaved spirals (the classic CS231n data): class k's points at radius r and angle 4k + 4r + noise.</summary>
    private static (Tensor X, Tensor Y) Spirals(int perClass, Random random)
    {
        var x = new double[3 * perClass * 2];
        var y = new long[3 * perClass];
        for (var k = 0; k < 3; k++)
        {
            for (var i = 0; i < perClass; i++)
            {
                var r = (double)i / (perClass - 1);
                var t = 4 * k + 4 * r + 0.2 * Normal(random);
                var n = k * perClass + i;
                (x[2 * n], x[2 * n + 1], y[n]) = (r * Math.Sin(t), r * Math.Cos(t), k);
            }
        }
        return (Tensor.FromArray(x, 3 * perClass, 2), Tensor.FromArray(y));
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void A_2_16_16_3_spiral_classifier_in_a_few_lines_learns_the_spirals()
    {
        var (x, y) = Spirals(100, new Random(0));

        // ---- the classifier with the new API ----
        var random = new Random(1);
        var model = new Sequential(new Linear(2, 16, random: random), new ReLU(), new Linear(16, 16, random: random), new ReLU(), new Linear(16, 3, random: random));
        var optimizer = new Adam(model.Parameters(), lr: 0.02);
        var loader = new DataLoader(new TensorDataset(x, y), batchSize: 32, shuffle: true, seed: 2);
        for (var epoch = 0; epoch < 200; epoch++)
        {
            foreach (var batch in loader)
            {
                optimizer.ZeroGrad();
                Functional.CrossEntropy(model.Call(batch[0]), batch[1]).Backward();
                optimizer.Step();
            }
        }
        double accuracy;
        using (Tensor.NoGrad()) accuracy = model.Call(x).ArgMax(1).ElementwiseEquals(y).To(DType.Float64).Mean().Item();
        // ---- end ----

        accuracy.ShouldBeGreaterThan(0.95);
    }
}
