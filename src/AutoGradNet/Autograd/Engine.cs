namespace AutoGradNet.Autograd;

/// <summary>
/// The backward engine: walks the recorded graph from an output in reverse topological order, without
/// recursion, calling each node's vector-Jacobian product and routing the results to the next nodes or
/// into the leaves' <see cref="Tensor.Grad"/>.
/// </summary>
internal static class Engine
{
    private static readonly Lock AccumulationLock = new();

    /// <summary>
    /// Back-propagates <paramref name="grad"/> from <paramref name="root"/>. When <paramref name="inputs"/> is
    /// given, the gradients with respect to those tensors are returned instead of accumulated into leaves.
    /// A backward that throws changes nothing: leaf gradients (and retained ones) are written, and nodes released, only
    /// at the end. Tensor hooks run on the gradient of their tensor once it is complete: a result's when its node is
    /// reached, a leaf's before delivery. <paramref name="observe"/>, when given, sees every node whose backward runs
    /// with the gradient of its output (after hooks), for tracing.
    /// </summary>
    public static Tensor?[]? Run(Tensor root, Tensor grad, bool retainGraph, bool createGraph, Tensor[]? inputs,
        Action<Node, Tensor>? observe = null)
    {
        if (inputs is null && observe is null && root.GradFn is { } owned && RunOwned(owned, grad, retainGraph, createGraph))
            return null;
        var results = inputs is null ? null : new Tensor?[inputs.Length];
        using var mode = GradMode.Set(createGraph);
        if (root.GradFn is not { } rootNode)
        {
            // The output is itself a leaf: its gradient is the seed.
            Deliver(root, root.LeafHooks?.Run(grad) ?? grad, inputs, results);
            return results;
        }

        var dependencies = CountDependencies(rootNode);
        var onPath = inputs is null ? null : NodesLeadingTo(rootNode, inputs);
        var pending = new Dictionary<Node, Tensor>(ReferenceEqualityComparer.Instance) { [rootNode] = grad };
        var ready = new Stack<Node>();
        ready.Push(rootNode);
        var anomaly = AnomalyMode.IsEnabled;
        var leafGrads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        var executed = new List<Node>();
        var retained = new List<(Tensor Tensor, Tensor Grad)>();

        while (ready.TryPop(out var node))
        {
            pending.Remove(node, out var outputGrad);
            // Pruning: with explicit inputs, a node from which none of them can be reached computes nothing.
            var needed = outputGrad is not null && (onPath is null || onPath.Contains(node));
            if (outputGrad is not null && node.Hooks is { } hooks && (needed || IsRequested(node, inputs)))
            {
                outputGrad = hooks.Run(outputGrad);
                if (hooks.Retained is { } kept && inputs is null) retained.Add((kept, outputGrad));
            }
            if (outputGrad is not null && inputs is not null)
                Capture(node, outputGrad, inputs, results!, createGraph);

            if (needed) observe?.Invoke(node, outputGrad!);
            var inputGrads = needed ? node.RunBackward(outputGrad!) : null;
            if (needed) executed.Add(node);
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
                    leafGrads[leaf] = leafGrads.TryGetValue(leaf, out var existing) ? existing + g : g;
                }
            }
        }

        // Leaf hooks run before anything is written, so a hook that throws leaves every Grad as it was.
        var deliveries = new List<(Tensor Tensor, Tensor Grad)>(leafGrads.Count + retained.Count);
        foreach (var (leaf, g) in leafGrads)
        {
            var hooked = inputs is null || Array.Exists(inputs, t => ReferenceEquals(t, leaf));
            deliveries.Add((leaf, hooked ? leaf.LeafHooks?.Run(g) ?? g : g));
        }
        deliveries.AddRange(retained);
        foreach (var (tensor, g) in deliveries) Deliver(tensor, g, inputs, results);
        if (!retainGraph)
        {
            // Only nodes whose backward ran give up their saved tensors; pruned ones stay usable, as in PyTorch.
            foreach (var node in executed) node.Release();
        }
        return results;
    }

    /// <summary>Reusable collections of one backward pass; each thread keeps one, and a nested pass makes its own.</summary>
    private sealed class Workspace
    {
        public readonly List<Node> Claimed = [];
        public readonly Stack<Node> Stack = new();
        public readonly List<Node> Executed = [];
        public readonly Dictionary<Tensor, Tensor> LeafGrads = new(ReferenceEqualityComparer.Instance);
        public readonly List<(Tensor Tensor, Tensor Grad)> Deliveries = [];

        public void Clear()
        {
            Claimed.Clear();
            Stack.Clear();
            Executed.Clear();
            LeafGrads.Clear();
            Deliveries.Clear();
        }
    }

    [ThreadStatic]
    private static Workspace? t_workspace;

    [ThreadStatic]
    private static object? t_currentPass;

    /// <summary>
    /// The token of the backward pass running on this thread whose gradients may be recycled, or <see langword="null"/>:
    /// each <see cref="Storage"/> records it when created (<see cref="Storage.Pass"/>).
    /// </summary>
    internal static object? CurrentPass => t_currentPass;

    /// <summary>
    /// <see cref="Run"/> for a plain <c>Backward()</c> (no explicit inputs, no observer) without per-pass dictionaries: the
    /// pass claims every node it reaches (<see cref="Node.EngineOwner"/>) and keeps the dependency counts and pending
    /// gradients in the nodes. Returns <see langword="false"/>, having changed nothing, when a node is owned by another
    /// pass (a concurrent or nested backward through the same graph); the caller then runs the general path. The order
    /// of node backwards, hooks and deliveries is exactly the general path's.
    /// Without createGraph or anomaly mode, the pass also recycles what it allocated: it counts how many of its gradient
    /// slots (pending node gradients, leaf gradients) hold each storage it created, and once a storage is held by none,
    /// was never shown to user code (hooks, custom functions, a leaf's Grad, retained gradients) and is not pinned as a
    /// gradient a node just returned, its buffer goes to <see cref="BufferPool"/>. For the same reason a leaf's first
    /// gradient is stored without a defensive copy when the pass made it and nothing else holds it.
    /// </summary>
    private static bool RunOwned(Node rootNode, Tensor grad, bool retainGraph, bool createGraph)
    {
        var ws = t_workspace ?? new Workspace();
        t_workspace = null; // a nested pass on this thread (from a hook or a custom backward) gets its own
        var previousPass = t_currentPass;
        try
        {
            if (!ClaimGraph(rootNode, ws)) return false;
            using var mode = GradMode.Set(createGraph);
            var anomaly = AnomalyMode.IsEnabled;
            var pass = createGraph || anomaly ? null : new object();
            t_currentPass = pass;
            var ready = ws.Stack;
            var leafGrads = ws.LeafGrads;
            var executed = ws.Executed;
            List<(Tensor Tensor, Tensor Grad)>? retained = null;
            rootNode.EnginePending = grad;
            ready.Push(rootNode);
            while (ready.TryPop(out var node))
            {
                var outputGrad = node.EnginePending;
                node.EnginePending = null;
                if (outputGrad is null)
                {
                    foreach (var edge in node.Edges)
                    {
                        if (edge.Node is { } next && --next.EngineDependencies == 0) ready.Push(next);
                    }
                    continue;
                }
                var consumed = outputGrad;
                if (node.Hooks is { } hooks)
                {
                    Escape(outputGrad, pass);
                    outputGrad = hooks.Run(outputGrad);
                    Escape(outputGrad, pass);
                    if (hooks.Retained is { } kept) (retained ??= []).Add((kept, outputGrad));
                }
                var inputGrads = node.RunBackward(outputGrad);
                executed.Add(node);
                var userCode = node is CustomFunctionNode; // may keep what it was given or returned
                if (userCode) Escape(outputGrad, pass);
                foreach (var r in inputGrads)
                {
                    if (r is null) continue;
                    if (userCode) Escape(r, pass);
                    Hold(r, pass); // pinned while its edges are routed
                }
                var edges = node.Edges;
                for (var i = 0; i < edges.Length; i++)
                {
                    var edge = edges[i];
                    var g = inputGrads[i]; // one per edge: built-in nodes return that many, and CustomFunctionNode checks it
                    if (g is not null && edge.IsActive)
                    {
                        g = ReduceToShape(g, edge.Shape, node, i);
                        if (anomaly) AnomalyMode.Check(node, i, g);
                    }

                    if (edge.Node is { } next)
                    {
                        if (g is not null)
                        {
                            var existing = next.EnginePending;
                            var sum = existing is null ? g : AddInto(existing, g, pass);
                            Hold(sum, pass);
                            next.EnginePending = sum;
                            if (existing is not null) Drop(existing, pass);
                        }
                        if (--next.EngineDependencies == 0) ready.Push(next);
                    }
                    else if (edge.Leaf is { } leaf && g is not null)
                    {
                        var had = leafGrads.TryGetValue(leaf, out var existing);
                        var sum = had ? AddInto(existing!, g, pass) : g;
                        Hold(sum, pass);
                        leafGrads[leaf] = sum;
                        if (had) Drop(existing!, pass);
                    }
                }
                foreach (var r in inputGrads)
                {
                    if (r is not null) Drop(r, pass);
                }
                Drop(consumed, pass);
            }

            // Leaf hooks run before anything is written, so a hook that throws leaves every Grad as it was.
            var deliveries = ws.Deliveries;
            foreach (var (leaf, g) in leafGrads)
            {
                if (leaf.LeafHooks is { } leafHooks)
                {
                    Escape(g, pass);
                    var hooked = leafHooks.Run(g);
                    Escape(hooked, pass);
                    deliveries.Add((leaf, hooked));
                }
                else
                {
                    deliveries.Add((leaf, g));
                }
            }
            if (retained is not null) deliveries.AddRange(retained);
            foreach (var (tensor, g) in deliveries)
            {
                if (IsPrivate(g, pass))
                {
                    lock (AccumulationLock)
                    {
                        if (tensor.Grad is null)
                        {
                            // Made by this pass and held by nothing else: stored as is when it is a whole contiguous
                            // buffer, else copied to one (a pooled buffer, while g's own goes back to the pool below).
                            var stored = g.IsContiguous && g.Size == g.Storage.Data.Length ? g : DenseCopy(g);
                            tensor.Grad = stored;
                            stored.Storage.Escaped = true;
                            continue;
                        }
                    }
                }
                Deliver(tensor, g, null, null);
            }
            foreach (var g in leafGrads.Values) Drop(g, pass);
            if (!retainGraph)
            {
                foreach (var node in executed) node.Release();
            }
            return true;
        }
        finally
        {
            t_currentPass = previousPass;
            foreach (var node in ws.Claimed)
            {
                node.EnginePending = null;
                node.EngineDependencies = 0;
                Volatile.Write(ref node.EngineOwner, null);
            }
            ws.Clear();
            t_workspace = ws;
        }
    }

    /// <summary>Counts one more slot of pass <paramref name="pass"/> holding <paramref name="t"/>'s storage.</summary>
    private static void Hold(Tensor t, object? pass)
    {
        var s = t.Storage;
        if (pass is not null && ReferenceEquals(s.Pass, pass)) s.PassRefs++;
    }

    /// <summary>Releases one slot's hold; recycles the buffer when none is left and no one else has seen it.</summary>
    private static void Drop(Tensor t, object? pass)
    {
        var s = t.Storage;
        if (pass is null || !ReferenceEquals(s.Pass, pass) || --s.PassRefs != 0 || s.Escaped) return;
        s.Escaped = true; // recycled: never again
        BufferPool.Return(s.Data);
    }

    /// <summary>Marks a storage of this pass as seen by user code: it is never recycled.</summary>
    private static void Escape(Tensor t, object? pass)
    {
        if (pass is not null && ReferenceEquals(t.Storage.Pass, pass)) t.Storage.Escaped = true;
    }

    /// <summary>
    /// Whether <paramref name="g"/>'s storage was made by pass <paramref name="pass"/>, is held by one slot and was seen by
    /// no user code, so it (or a copy, when it is only part of or a strided view of its buffer) can become a leaf's Grad.
    /// </summary>
    private static bool IsPrivate(Tensor g, object? pass)
    {
        var s = g.Storage;
        return pass is not null && ReferenceEquals(s.Pass, pass) && s.PassRefs == 1 && !s.Escaped;
    }

    /// <summary>
    /// <paramref name="existing"/> + <paramref name="g"/>: written into <paramref name="existing"/> when it is a whole
    /// contiguous buffer (contiguous and as long as its storage, so it starts at offset 0) of this pass that only its one
    /// slot holds and no user code has seen (the same values as the out-of-place sum, without a new tensor), else a new
    /// tensor.
    /// </summary>
    private static Tensor AddInto(Tensor existing, Tensor g, object? pass)
    {
        var s = existing.Storage;
        if (pass is null || !ReferenceEquals(s.Pass, pass) || s.PassRefs != 1 || s.Escaped || !existing.IsContiguous
            || existing.Size != s.Data.Length || existing.Shape != g.Shape
            || existing.DType != g.DType || !existing.DType.IsFloatingPoint() || ReferenceEquals(g.Storage, s))
        {
            return existing + g;
        }
        Kernels.Dispatch.Run(existing.DType, new AddIntoKernel(existing, g));
        return existing;
    }

    private readonly struct AddIntoKernel(Tensor target, Tensor g) : Kernels.IKernel
    {
        public void Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var d = target.AsSpan<T>();
            System.Numerics.Tensors.TensorPrimitives.Add(d, g.Dense<T>(), d);
        }
    }

    /// <summary>A contiguous copy of <paramref name="g"/> (not recorded), in a buffer that may come from the pool.</summary>
    private static Tensor DenseCopy(Tensor g)
    {
        var copy = Tensor.Uninitialized(g.Shape, g.DType);
        Kernels.Elementwise.CopyInto(g, copy);
        return copy;
    }

    /// <summary>
    /// Claims every node reachable from <paramref name="root"/> for this pass and counts the edges leading into each;
    /// <see langword="false"/> as soon as a node belongs to another pass.
    /// </summary>
    private static bool ClaimGraph(Node root, Workspace ws)
    {
        if (Interlocked.CompareExchange(ref root.EngineOwner, ws, null) is not null) return false;
        ws.Claimed.Add(root);
        root.EngineDependencies = 0;
        var stack = ws.Stack;
        stack.Push(root);
        while (stack.TryPop(out var node))
        {
            foreach (var edge in node.Edges)
            {
                if (edge.Node is not { } next) continue;
                if (ReferenceEquals(next.EngineOwner, ws))
                {
                    next.EngineDependencies++;
                    continue;
                }
                if (Interlocked.CompareExchange(ref next.EngineOwner, ws, null) is not null)
                {
                    stack.Clear();
                    return false;
                }
                ws.Claimed.Add(next);
                next.EngineDependencies = 1;
                stack.Push(next);
            }
        }
        return true;
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
    /// The nodes whose backward must run for gradients to reach <paramref name="inputs"/> (leaves or results),
    /// found by an iterative post-order walk.
    /// </summary>
    private static HashSet<Node> NodesLeadingTo(Node root, Tensor[] inputs)
    {
        var targets = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var t in inputs) targets.Add(t.GradFn ?? (object)t);
        var onPath = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var expandedNodes = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Node Node, bool Expanded)>();
        stack.Push((root, false));
        while (stack.TryPop(out var entry))
        {
            var (node, expanded) = entry;
            if (!expanded)
            {
                // A node may be pushed more than once; expanding it once is enough, and in a DAG a node
                // expanded but unfinished is never a descendant of itself, so children finish first.
                if (!expandedNodes.Add(node)) continue;
                stack.Push((node, true));
                foreach (var edge in node.Edges)
                {
                    if (edge.Node is { } next && !expandedNodes.Contains(next)) stack.Push((next, false));
                }
                continue;
            }
            // All children are finished here, so their membership is final. A requested input's own node is
            // not on the path unless something below it is requested too: its gradient is captured, not pushed on.
            var leads = false;
            foreach (var edge in node.Edges)
            {
                leads |= edge.Node is { } next
                    ? onPath.Contains(next) || targets.Contains(next)
                    : edge.Leaf is { } leaf && targets.Contains(leaf);
            }
            if (leads) onPath.Add(node);
        }
        return onPath;
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

    private static void Deliver(Tensor leaf, Tensor g, Tensor[]? inputs, Tensor?[]? results)
    {
        if (inputs is null)
        {
            // Accumulate into .Grad; a fresh copy first so the stored gradient never aliases another tensor
            // (a pass-through rule such as Add's can hand back the caller's own seed). Grad mode here is
            // createGraph, so the copy and the sum are recorded exactly when the gradient must stay differentiable.
            // Backward passes on several threads may share a leaf (PyTorch's accumulation is thread-safe too): the
            // read-add-write of .Grad is one atomic step.
            lock (AccumulationLock) leaf.Grad = leaf.Grad is null ? g.Clone() : leaf.Grad + g;
            return;
        }
        for (var i = 0; i < inputs.Length; i++)
        {
            if (ReferenceEquals(inputs[i], leaf)) results![i] = g;
        }
    }

    private static bool IsRequested(Node node, Tensor[]? inputs) =>
        inputs is not null && Array.Exists(inputs, t => ReferenceEquals(t.GradFn, node));

    private static void Capture(Node node, Tensor g, Tensor[] inputs, Tensor?[] results, bool createGraph)
    {
        for (var i = 0; i < inputs.Length; i++)
        {
            if (ReferenceEquals(inputs[i].GradFn, node)) results[i] = createGraph ? g : g.Detach();
        }
    }
}
