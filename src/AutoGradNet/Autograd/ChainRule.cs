using System.Text;

namespace AutoGradNet.Autograd;

/// <summary>
/// The chain rule made visible: which nodes the backward traversal goes through from an output to one leaf, each
/// node's local derivative rule, and the gradient that flowed through it.
/// </summary>
public static class ChainRule
{
    /// <summary>
    /// Runs a backward pass from <paramref name="output"/> to <paramref name="leaf"/> (nothing is accumulated into any
    /// <see cref="Tensor.Grad"/>, and the graph is kept) and records, node by node in the order the engine ran them,
    /// the op, its shapes, its rule (<see cref="Node.Rule"/>) and the gradient ∂L/∂(its output). Only nodes on a path
    /// to the leaf are run and shown.
    /// </summary>
    /// <param name="output">The output to differentiate, usually a scalar loss.</param>
    /// <param name="leaf">The tensor to trace to: a leaf that requires grad (a parameter) or an intermediate result.</param>
    /// <param name="gradOutput">∂L/∂output; may be omitted for a single-element output.</param>
    /// <param name="name">What to call the traced tensor in the printout, e.g. <c>"W1"</c>.</param>
    /// <exception cref="InvalidOperationException">The output does not require grad, or does not depend on the leaf.</exception>
    /// <exception cref="ArgumentException">The leaf does not require grad.</exception>
    public static ChainRuleTrace Trace(Tensor output, Tensor leaf, Tensor? gradOutput = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(leaf);
        if (!leaf.RequiresGrad)
        {
            throw new ArgumentException(
                $"ChainRule.Trace: the tensor to trace to (shape {leaf.Shape}) does not require grad, so no gradient reaches it. Mark it with .RequireGrad() before the forward pass.",
                nameof(leaf));
        }
        var seed = output.SeedGradient(gradOutput, "ChainRule.Trace");
        var nodes = new List<Node>();
        var grads = new List<Tensor>();
        var results = Engine.Run(output, seed, retainGraph: true, createGraph: false, [leaf], (node, g) =>
        {
            nodes.Add(node);
            grads.Add(g);
        });
        if (results![0] is not { } leafGrad)
        {
            throw new InvalidOperationException(
                $"ChainRule.Trace: the output (shape {output.Shape}) does not depend on the tensor to trace to (shape {leaf.Shape}): no path leads from one to the other.");
        }
        var index = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < nodes.Count; i++) index[nodes[i]] = i;
        var steps = new List<ChainRuleStep>(nodes.Count);
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var next = new List<int>();
            var reachesLeaf = false;
            foreach (var edge in node.Edges)
            {
                if (edge.Node is { } n && index.TryGetValue(n, out var j)) { if (!next.Contains(j)) next.Add(j); } // a path is a sequence of nodes
                else if (ReferenceEquals(edge.Node, leaf.GradFn) && leaf.GradFn is not null) reachesLeaf = true;
                else if (edge.Leaf is { } l && ReferenceEquals(l, leaf)) reachesLeaf = true;
            }
            steps.Add(new ChainRuleStep(i, node, node.Inputs, grads[i].Shape, node.Rule, grads[i], next, reachesLeaf));
        }
        return new ChainRuleTrace(output.Shape, leaf.Shape, steps, leafGrad, name ?? "the traced tensor");
    }
}

/// <summary>One node of a <see cref="ChainRuleTrace"/>.</summary>
/// <param name="Index">Its position in the traversal (0 is the output's node).</param>
/// <param name="Node">The graph node.</param>
/// <param name="Inputs">The shapes of the op's inputs, and which were constants.</param>
/// <param name="OutputShape">The shape of the op's output.</param>
/// <param name="Rule">The local derivative rule (<see cref="Node.Rule"/>).</param>
/// <param name="Gradient">The gradient that flowed into the op's output, ∂L/∂y.</param>
/// <param name="Next">The steps the node passes gradients to (toward the leaf).</param>
/// <param name="ReachesLeaf">Whether the node passes a gradient straight to the traced tensor.</param>
public sealed record ChainRuleStep(int Index, Node Node, IReadOnlyList<OpInput> Inputs, Shape OutputShape, string Rule,
    Tensor Gradient, IReadOnlyList<int> Next, bool ReachesLeaf)
{
    /// <summary>The op's forward name, e.g. <c>MatMul</c>.</summary>
    public string OpName => Node.OpName;
}

/// <summary>
/// The result of <see cref="ChainRule.Trace"/>: the steps in traversal order, the paths from the output to the traced
/// tensor, and its gradient. <see cref="ToString"/> prints it all, abbreviating large tensors as <see cref="Tensor.ToString()"/> does.
/// </summary>
public sealed class ChainRuleTrace
{
    /// <summary>At most this many paths are listed by <see cref="Paths"/>; <see cref="PathCount"/> counts them all.</summary>
    public const int MaxListedPaths = 8;

    internal ChainRuleTrace(Shape outputShape, Shape leafShape, IReadOnlyList<ChainRuleStep> steps, Tensor leafGradient, string leafName)
    {
        LeafName = leafName;
        OutputShape = outputShape;
        LeafShape = leafShape;
        Steps = steps;
        LeafGradient = leafGradient;
        PathCount = CountPaths(steps);
        Paths = ListPaths(steps);
    }

    /// <summary>The output's shape.</summary>
    public Shape OutputShape { get; }

    /// <summary>What the printout calls the traced tensor.</summary>
    public string LeafName { get; }

    /// <summary>The traced tensor's shape.</summary>
    public Shape LeafShape { get; }

    /// <summary>The nodes on a path to the traced tensor, in the order the backward ran them.</summary>
    public IReadOnlyList<ChainRuleStep> Steps { get; }

    /// <summary>∂L/∂(traced tensor).</summary>
    public Tensor LeafGradient { get; }

    /// <summary>
    /// How many distinct paths lead from the output to the traced tensor (their contributions add up); a count past
    /// <see cref="long.MaxValue"/> (64 levels of branching) is given as <see cref="long.MaxValue"/>.
    /// </summary>
    public long PathCount { get; }

    /// <summary>Up to <see cref="MaxListedPaths"/> paths, each a list of step indices from the output toward the traced tensor.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Paths { get; }

    /// <summary>The first step whose node is <paramref name="node"/>, or <see langword="null"/>.</summary>
    public ChainRuleStep? StepOf(Node? node) => Steps.FirstOrDefault(s => ReferenceEquals(s.Node, node));

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append($"Chain rule from the output {OutputShape} to {LeafName} {LeafShape}: {Steps.Count} nodes, ");
        text.Append(PathCount == 1 ? "1 path.\n" : $"{PathCount} paths (their contributions add up).\n");
        text.Append("g is ∂L/∂(the node's output); each node turns it into gradients for its inputs by its rule.\n");
        foreach (var step in Steps)
        {
            var inputs = string.Join(", ", step.Inputs.Select(i => i.IsConstant ? $"{i.Shape} const" : i.Shape.ToString()));
            text.Append($"\n[{step.Index}] {step.OpName}  {inputs} -> {step.OutputShape}\n");
            if (step.Node.Attributes.Count > 0)
                text.Append($"    with: {string.Join(", ", step.Node.Attributes.Select(a => $"{a.Key}={Format(a.Value)}"))}\n");
            text.Append($"    rule: {step.Rule}\n");
            text.Append("    g:    ").Append(Indent(step.Gradient.ToString(), "          ")).Append('\n');
            var next = step.Next.Select(j => $"[{j}]").ToList();
            if (step.ReachesLeaf) next.Add(LeafName);
            text.Append($"    to:   {string.Join(", ", next)}\n");
        }
        text.Append($"\n∂L/∂({LeafName}) {LeafShape}:\n    ").Append(Indent(LeafGradient.ToString(), "    ")).Append('\n');
        text.Append($"\nPaths (output -> {LeafName}):\n");
        foreach (var path in Paths)
            text.Append("    ").Append(string.Join(" -> ", path.Select(j => $"{Steps[j].OpName}[{j}]"))).Append($" -> {LeafName}\n");
        if (PathCount > Paths.Count) text.Append($"    ... and {PathCount - Paths.Count} more\n");
        return text.ToString();
    }

    private static string Format(object value) => value switch
    {
        int[] a => "[" + string.Join(", ", a) + "]",
        Tensor t => $"<{t.DType} tensor of shape {t.Shape}>",
        bool b => b ? "true" : "false",
        double d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private static string Indent(string s, string prefix) => s.Replace("\n", "\n" + prefix, StringComparison.Ordinal);

    private static long CountPaths(IReadOnlyList<ChainRuleStep> steps)
    {
        // Steps run in topological order (a node only after everything upstream of it), so a reverse sweep sees
        // every successor's count first.
        var counts = new long[steps.Count];
        for (var i = steps.Count - 1; i >= 0; i--)
        {
            counts[i] = steps[i].ReachesLeaf ? 1 : 0;
            foreach (var j in steps[i].Next) counts[i] = counts[j] > long.MaxValue - counts[i] ? long.MaxValue : counts[i] + counts[j];
        }
        return steps.Count == 0 ? 1 : counts[0];
    }

    private static List<IReadOnlyList<int>> ListPaths(IReadOnlyList<ChainRuleStep> steps)
    {
        var paths = new List<IReadOnlyList<int>>();
        if (steps.Count == 0) return paths;
        var stack = new Stack<List<int>>();
        stack.Push([0]);
        while (stack.TryPop(out var path) && paths.Count < MaxListedPaths)
        {
            var last = steps[path[^1]];
            if (last.ReachesLeaf) paths.Add(path);
            for (var k = last.Next.Count - 1; k >= 0; k--) stack.Push([.. path, last.Next[k]]);
        }
        return paths;
    }
}
