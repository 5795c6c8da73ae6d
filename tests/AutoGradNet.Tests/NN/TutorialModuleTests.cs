using AutoGradNet.NN;

namespace AutoGradNet.Tests.NN;

/// <summary>The tutorial network written with modules gives exactly the loss of the primitives-only loop.</summary>
public class TutorialModuleTests
{
    private static readonly double[,] X = { { 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, 1 }, { 1, 1, 1 } };
    private static readonly double[,] Y = { { 0 }, { 1 }, { 1 }, { 0 } };
    private const int Steps = 200;

    /// <summary>The tutorial as a custom module: two bias-free Linear layers, sigmoid after each.</summary>
    private sealed class TwoLayerNetwork : Module<Tensor, Tensor>
    {
        private readonly Linear _hidden;
        private readonly Linear _output;

        public TwoLayerNetwork()
        {
            _hidden = RegisterModule("hidden", new Linear(3, 4, bias: false));
            _output = RegisterModule("output", new Linear(4, 1, bias: false));
        }

        public override Tensor Forward(Tensor input) => _output.Forward(_hidden.Forward(input).Sigmoid()).Sigmoid();
    }

    private static (Tensor W1, Tensor W2) TutorialWeights()
    {
        var random = new Random(1);
        return (Tensor.Uniform([3, 4], random), Tensor.Uniform([4, 1], random));
    }

    /// <summary>
    /// The tutorial's loop from primitives. With <paramref name="transposedLayout"/> the weights are held as Linear holds
    /// them ([out, in], contiguous) and read through a transposed view, x·(W1ᵀ)ᵀ: the same arithmetic, and the same
    /// kernel path, as Linear. Without it, it is the tutorial's own x·W1, whose matrix kernel sums in another order
    /// (row updates rather than dot products), so the two agree to rounding, not bit for bit.
    /// </summary>
    private static double[] PrimitivesLoop(bool transposedLayout)
    {
        var (w1, w2) = TutorialWeights();
        if (transposedLayout)
        {
            var (t1, t2) = (w1.T.Contiguous().RequireGrad(), w2.T.Contiguous().RequireGrad());
            var (x0, y0) = (Tensor.FromArray(X), Tensor.FromArray(Y));
            var result = new double[Steps];
            for (var i = 0; i < Steps; i++)
            {
                var loss = AutoGradNet.Functional.SumSquaredError(x0.MatMul(t1.T).Sigmoid().MatMul(t2.T).Sigmoid(), y0);
                loss.Backward();
                result[i] = loss.Item();
                using (Tensor.NoGrad())
                {
                    t1 -= t1.Grad!;
                    t2 -= t2.Grad!;
                }
                t1.ZeroGrad();
                t2.ZeroGrad();
            }
            return result;
        }
        w1.RequireGrad();
        w2.RequireGrad();
        var (x, y) = (Tensor.FromArray(X), Tensor.FromArray(Y));
        var losses = new double[Steps];
        for (var i = 0; i < Steps; i++)
        {
            var loss = AutoGradNet.Functional.SumSquaredError(x.MatMul(w1).Sigmoid().MatMul(w2).Sigmoid(), y);
            loss.Backward();
            losses[i] = loss.Item();
            using (Tensor.NoGrad())
            {
                w1 -= w1.Grad!;
                w2 -= w2.Grad!;
            }
            w1.ZeroGrad();
            w2.ZeroGrad();
        }
        return losses;
    }

    private static double[] ModuleLoop(Module<Tensor, Tensor> model)
    {
        var (w1, w2) = TutorialWeights();
        model.LoadStateDict(new Dictionary<string, Tensor>
        {
            [model.NamedParameters().First().Name] = w1.T, // Linear's weight is [out, in] = W1ᵀ
            [model.NamedParameters().Last().Name] = w2.T,
        });
        var (x, y) = (Tensor.FromArray(X), Tensor.FromArray(Y));
        var losses = new double[Steps];
        for (var i = 0; i < Steps; i++)
        {
            var loss = AutoGradNet.Functional.SumSquaredError(model.Call(x), y);
            loss.Backward();
            losses[i] = loss.Item();
            using (Tensor.NoGrad())
                foreach (var p in model.Parameters()) p.SubInPlace(p.Grad!);
            model.ZeroGrad();
        }
        return losses;
    }

    [Fact]
    public void Custom_module_gives_exactly_the_primitive_loops_losses()
    {
        var model = new TwoLayerNetwork();
        model.NamedParameters().Select(p => p.Name).ShouldBe(["hidden.weight", "output.weight"]);
        var losses = ModuleLoop(model);
        losses.ShouldBe(PrimitivesLoop(transposedLayout: true));
        TestData.ShouldBeClose(losses, PrimitivesLoop(transposedLayout: false), 1e-13, 1e-12);
    }

    [Fact]
    public void Sequential_gives_exactly_the_primitive_loops_losses()
    {
        var model = new Sequential(new Linear(3, 4, bias: false), new Sigmoid(), new Linear(4, 1, bias: false), new Sigmoid());
        var losses = ModuleLoop(model);
        losses.ShouldBe(PrimitivesLoop(transposedLayout: true));
        TestData.ShouldBeClose(losses, PrimitivesLoop(transposedLayout: false), 1e-13, 1e-12);
        losses[^1].ShouldBeLessThan(losses[0]);
    }
}
