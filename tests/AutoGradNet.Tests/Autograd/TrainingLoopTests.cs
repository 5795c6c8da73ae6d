using System.Runtime.CompilerServices;

namespace AutoGradNet.Tests.Autograd;

/// <summary>Properties of whole training loops: memory stays flat, and concurrent loops do not interfere.</summary>
public class TrainingLoopTests
{
    /// <summary>A small regression network trained by plain gradient descent; returns the final loss.</summary>
    private static double Train(int seed, int steps, Action<Tensor>? onLoss = null)
    {
        var random = new Random(seed);
        var x = Tensor.Uniform([64, 8], random);
        var y = Tensor.Uniform([64, 1], random);
        var w1 = Tensor.Normal([8, 32], 0, 0.3, random).RequireGrad();
        var w2 = Tensor.Normal([32, 1], 0, 0.3, random).RequireGrad();
        var loss = 0.0;
        for (var step = 0; step < steps; step++)
        {
            var l = Functional.MseLoss(x.MatMul(w1).Tanh().MatMul(w2), y);
            l.Backward();
            loss = l.Item();
            using (Tensor.NoGrad())
            {
                w1 -= 0.1 * w1.Grad!;
                w2 -= 0.1 * w2.Grad!;
            }
            w1.ZeroGrad();
            w2.ZeroGrad();
            onLoss?.Invoke(l);
        }
        return loss;
    }

    [Fact]
    public void Each_steps_graph_is_collectable_once_the_step_is_over()
    {
        // Weak references to every step's loss and to the node that produced it: once a step is over, nothing
        // (not the weights, not their gradients) may keep its graph alive, or memory would grow step after step.
        // Counting survivors, rather than measuring the heap, keeps other tests running in parallel out of it.
        var graphs = new List<WeakReference>();
        RunAndForget(graphs);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        graphs.Count.ShouldBe(400);
        graphs.Count(g => g.IsAlive).ShouldBe(0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RunAndForget(List<WeakReference> graphs) =>
        Train(seed: 1, steps: 200, loss =>
        {
            graphs.Add(new WeakReference(loss));
            graphs.Add(new WeakReference(loss.GradFn));
        });

    [Fact]
    public async Task Two_models_trained_concurrently_match_their_sequential_runs()
    {
        var sequential = (Train(seed: 2, steps: 300), Train(seed: 3, steps: 300));
        // One task's NoGrad update scopes must never switch off recording in the other task's forward pass.
        var first = Task.Run(() => Train(seed: 2, steps: 300));
        var second = Task.Run(() => Train(seed: 3, steps: 300));
        var concurrent = (await first, await second);
        concurrent.ShouldBe(sequential);
        sequential.Item1.ShouldBeLessThan(Train(seed: 2, steps: 1)); // and the loops really trained
    }
}
