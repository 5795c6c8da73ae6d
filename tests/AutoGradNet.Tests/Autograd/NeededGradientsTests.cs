namespace AutoGradNet.Tests.Autograd;

/// <summary>
/// A node computes a gradient only for the inputs that need one (PyTorch's <c>needs_input_grad</c>): for an op with two
/// tensor inputs of which one is a constant, its backward returns <see langword="null"/> in the constant's place and the
/// gradient in the other's. The engine would drop a gradient computed for a constant anyway, so values cannot show the
/// difference; calling the node's backward directly does.
/// </summary>
public class NeededGradientsTests
{
    private static Tensor Values(int seed, params int[] shape) => Tensor.Uniform(shape, 0.5, 2, seed);

    private static readonly Tensor Index = Tensor.FromArray([2L, 0, 2], 3);

    /// <summary>Each op as a function of its two differentiable inputs (shapes chosen for it), by name.</summary>
    private static readonly Dictionary<string, (Func<Tensor, Tensor, Tensor> Op, int[] A, int[] B)> s_ops = new()
    {
        ["add"] = ((a, b) => a + b, [2, 3], [2, 3]),
        ["sub"] = ((a, b) => a - b, [2, 3], [2, 3]),
        ["mul"] = ((a, b) => a * b, [2, 3], [2, 3]),
        ["div"] = ((a, b) => a / b, [2, 3], [2, 3]),
        ["pow"] = ((a, b) => a.Pow(b), [2, 3], [2, 3]),
        ["matmul"] = ((a, b) => a.MatMul(b), [2, 3], [3, 4]),
        ["where"] = ((a, b) => Tensor.Where(a > 1, a, b), [2, 3], [2, 3]),
        ["where, broadcast condition"] = ((a, b) => Tensor.Where(b > 1, a, b), [2, 3], [3]),
        ["scatter_add"] = ((a, b) => a.ScatterAdd(0, Index.Reshape(3, 1).Expand(3, 2), b), [4, 2], [3, 2]),
        ["index_add"] = ((a, b) => a.IndexAdd(0, Index, b, alpha: 2), [4, 2], [3, 2]),
    };

    public static TheoryData<string> OpNames => [.. s_ops.Keys];

    [Theory]
    [MemberData(nameof(OpNames))]
    public void Only_the_input_that_requires_grad_gets_a_gradient_from_the_nodes_backward(string name)
    {
        var (op, shapeA, shapeB) = s_ops[name];
        foreach (var aNeeds in new[] { true, false })
        {
            var a = Values(1, shapeA);
            var b = Values(2, shapeB);
            if (aNeeds) a.RequireGrad();
            else b.RequireGrad();
            var y = op(a, b);
            var node = y.GradFn.ShouldNotBeNull(name);
            var grads = node.RunBackward(Tensor.OnesLike(y));
            var active = new bool[node.Edges.Length];
            for (var i = 0; i < active.Length; i++) active[i] = node.Edges[i].IsActive;
            active.Count(x => x).ShouldBe(1, $"{name}: one input requires grad");
            grads.Length.ShouldBe(active.Length, name);
            for (var i = 0; i < grads.Length; i++)
            {
                if (active[i]) grads[i].ShouldNotBeNull($"{name}: input {i} requires grad");
                else grads[i].ShouldBeNull($"{name}: input {i} does not require grad ({(aNeeds ? "a" : "b")} does)");
            }
        }
    }
}
