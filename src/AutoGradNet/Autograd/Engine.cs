namespace AutoGradNet.Autograd;

/// <summary>
/// The backward engine: walks the recorded graph from an output in reverse topological order, without
/// recursion, calling each node's vector-Jacobian product and routing the results to the next nodes or
/// into the leaves' <see cref="Tensor.Grad"/>.
/// </summary>
internal static class Engine
{
    /// <summary>
    /// Back-propagates <paramref name="grad"/> from <paramref name="root"/>. When <paramref name="inputs"/> is
    /// given, the gradients with respect to those tensors are returned instead of accumulated into leaves.
    /// </summary>
    public static Tensor?[]? Run(Tensor root, Tensor grad, bool retainGraph, bool createGraph, Tensor[]? inputs)
    {
        var results = inputs is null ? null : new Tensor?[inputs.Length];
        if (root.GradFn is not { } rootNode)
        {
            // The output is itself a leaf: its gradient is the seed.
            Deliver(root, grad, inputs, results, createGraph);
            return results;
        }

        var dependencies = CountDependencies(rootNode);
        var pending = new Dictionary<Node, Tensor>(ReferenceEqualityComparer.Instance) { [rootNode] = grad };
        var ready = new Stack<Node>();
        ready.Push(rootNode);
        var anomaly = AnomalyMode.IsEnabled;

        using var mode = GradMode.Set(createGraph);
        while (ready.TryPop(out var node))
        {
            pending.Remove(node, out var outputGrad);
            if (outputGrad is not null && inputs is not null)
                Capture(node, outputGrad, inputs, results!, createGraph);

            var inputGrads = outputGrad is null ? null : node.RunBackward(outputGrad);
            var edges = node.Edges;
            for (var i = 0; i < edges.Length; i++)
            {
                var edge = edges[i];
                var g = inputGrads?[i];
                if (g is not null && edge.IsActive)
                {
                    g = ReduceToShape(g, edge.Shape, node, i);
                    if (anomaly) AnomalyMode.Check(node, i, g);
                }

                if (edge.Node is { } next)
                {
                    if (g is not null)
                        pending[next] = pending.TryGetValue(next, out var existing) ? existing + g : g;
                    if (--dependencies[next] == 0) ready.Push(next);
                }
                else if (edge.Leaf is { } leaf && g is not null)
                {
                    Deliver(leaf, g, inputs, results, createGraph);
                }
            }
            if (!retainGraph) node.Release();
        }
        return results;
    }

    /// <summary>For every node reachable from <paramref name="root"/>, how many edges lead into it.</summary>
    private static Dictionary<Node, int> CountDependencies(Node root)
    {
        var counts = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance) { [root] = 0 };
        var stack = new Stack<Node>();
        stack.Push(root);
        while (stack.TryPop(out var node))
        {
            foreach (var edge in node.Edges)
            {
                if (edge.Node is not { } next) continue;
                if (counts.TryGetValue(next, out var c))
                {
                    counts[next] = c + 1;
                }
                else
                {
                    counts[next] = 1;
                    stack.Push(next);
                }
            }
        }
        return counts;
    }

    /// <summary>
    /// Undoes broadcasting, in this one place for every op: sums a gradient that has the broadcast shape
    /// over the axes where the input had size 1 or did not exist.
    /// </summary>
    private static Tensor ReduceToShape(Tensor g, Shape shape, Node node, int input)
    {
        if (g.Shape == shape) return g;
        if (!shape.CanBroadcastTo(g.Shape))
        {
            throw new InvalidOperationException(
                $"{node.Name}: the gradient for input {input} has shape {g.Shape}, which does not reduce to the input's shape {shape}.");
        }
        var leading = g.Rank - shape.Rank;
        var axes = new List<int>();
        for (var axis = 0; axis < g.Rank; axis++)
        {
            if (axis < leading || (shape[axis - leading] == 1 && g.Shape[axis] != 1)) axes.Add(axis);
        }
        return g.Sum([.. axes], keepDim: true).Reshape(shape);
    }

    private static void Deliver(Tensor leaf, Tensor g, Tensor[]? inputs, Tensor?[]? results, bool createGraph)
    {
        if (inputs is null)
        {
            // Accumulate into .Grad; a fresh copy first so the stored gradient never aliases another tensor.
            leaf.Grad = leaf.Grad is null
                ? (createGraph ? g : g.Detach().Clone())
                : (createGraph ? leaf.Grad + g : (leaf.Grad + g).Detach());
            return;
        }
        for (var i = 0; i < inputs.Length; i++)
        {
            if (ReferenceEquals(inputs[i], leaf)) results![i] = results[i] is { } r ? r + g : g;
        }
    }

    private static void Capture(Node node, Tensor g, Tensor[] inputs, Tensor?[] results, bool createGraph)
    {
        for (var i = 0; i < inputs.Length; i++)
        {
            if (ReferenceEquals(inputs[i].GradFn, node)) results[i] = createGraph ? g : g.Detach();
        }
    }
}
