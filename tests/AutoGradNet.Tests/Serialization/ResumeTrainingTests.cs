using AutoGradNet.NN;
using AutoGradNet.Optim;
using AutoGradNet.Serialization;

namespace AutoGradNet.Tests.Serialization;

/// <summary>2×N steps equal N steps, a save of model and optimizer, a load into fresh ones, and N more: bit for bit.</summary>
public class ResumeTrainingTests
{
    private const int N = 5;

    private static Tensor X => TestData.Random(3, [8, 3]);

    private static Tensor Y => TestData.Random(4, [8, 2]);

    private static (Linear Model, Adam Optimizer) Fresh(int seed)
    {
        var model = new Linear(3, 2, random: new Random(seed));
        return (model, new Adam(model.Parameters(), lr: 0.05, weightDecay: 0.01, amsgrad: true));
    }

    private static void Train(Linear model, Adam optimizer, int steps)
    {
        for (var s = 0; s < steps; s++)
        {
            optimizer.ZeroGrad();
            Functional.MseLoss(model.Call(X), Y).Backward();
            optimizer.Step();
        }
    }

    [Theory]
    [InlineData("safetensors")]
    [InlineData("json")]
    public void Training_resumed_from_a_checkpoint_matches_an_uninterrupted_run_bit_for_bit(string format)
    {
        var dir = SerializationTestFiles.NewDirectory();
        try
        {
            var (straight, straightOpt) = Fresh(1);
            Train(straight, straightOpt, 2 * N);

            var (first, firstOpt) = Fresh(1);
            Train(first, firstOpt, N);
            var modelPath = Path.Combine(dir, "model." + format);
            var optPath = Path.Combine(dir, "optim." + format);
            var (resumed, resumedOpt) = Fresh(2);
            if (format == "json")
            {
                first.SaveJson(modelPath);
                firstOpt.SaveJson(optPath);
                resumed.LoadJson(modelPath);
                resumedOpt.LoadJson(optPath);
            }
            else
            {
                first.SaveSafetensors(modelPath);
                firstOpt.SaveSafetensors(optPath);
                resumed.LoadSafetensors(modelPath);
                resumedOpt.LoadSafetensors(optPath);
            }
            Train(resumed, resumedOpt, N);

            foreach (var (name, t) in straight.StateDict()) resumed.StateDict()[name].ShouldBeBitwiseEqual(t, name);
            var expected = straightOpt.StateDict();
            var actual = resumedOpt.StateDict();
            actual.Keys.Order().ShouldBe(expected.Keys.Order());
            foreach (var (name, t) in expected) actual[name].ShouldBeBitwiseEqual(t, name);
        }
        finally
        {
            SerializationTestFiles.Delete(dir);
        }
    }
}
