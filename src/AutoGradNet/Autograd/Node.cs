namespace AutoGradNet.Autograd;

/// <summary>
/// One recorded operation in the graph: the link from an output tensor back to the inputs it was computed
/// from, plus the tensors the operation saved for its backward. Each primitive op derives from this and
/// implements <see cref="Backward"/>, its vector-Jacobian product, written in <see cref="Tensor"/> ops.
/// A node also describes the forward operation that made it (<see cref="OpName"/>, <see cref="Attributes"/>,
/// <see cref="Inputs"/>), which is enough to rebuild the forward graph for export or to explain an anomaly.
/// </summary>
public abstract class Node
{
    private readonly Edge[] _edges;
    private Tensor[]? _saved;
    private int[]? _savedVersions;
    private bool _released;

    /// <summary>Records the edges to <paramref name="inputs"/>: their producing nodes, or the leaves themselves.</summary>
    private protected Node(params ReadOnlySpan<Tensor> inputs)
    {
        _edges = new Edge[inputs.Length];
        for (var i = 0; i < inputs.Length; i++) _edges[i] = new Edge(inputs[i]);
    }

    /// <summary>
    /// Records the edge to <paramref name="input"/> and, at position <paramref name="constantAt"/> (0 or 1), a 0-d constant
    /// operand that the node keeps as a number (a C# scalar in <c>x * 2.0</c>), so it reads like the two-input op.
    /// </summary>
    private protected Node(Tensor input, int constantAt)
    {
        var constant = new Edge(Shape.Scalar, input.DType);
        _edges = constantAt == 0 ? [constant, new Edge(input)] : [new Edge(input), constant];
    }

    /// <summary>The backward's name as it appears in error messages and graph dumps, e.g. <c>MulBackward</c>.</summary>
    public virtual string Name => OpName + "Backward";

    /// <summary>The forward operation's name, e.g. <c>Mul</c>, <c>Permute</c>, <c>Sum</c>.</summary>
    public virtual string OpName => GetType().Name;

    /// <summary>
    /// The forward operation's attributes: axes, exponents, slice bounds, permutations and the like, keyed by
    /// name (e.g. <c>axes</c>, <c>keepDim</c>, <c>exponent</c>). Empty for an op that has none.
    /// </summary>
    public virtual IReadOnlyDictionary<string, object> Attributes => NoAttributes;

    /// <summary>The shape and dtype of each input of the forward operation, and whether it was a constant.</summary>
    public IReadOnlyList<OpInput> Inputs => Array.ConvertAll(_edges, e => new OpInput(e.Shape, e.DType, !e.IsActive));

    /// <summary>
    /// Where the forward operation was called: the stack trace captured when the node was recorded while
    /// <see cref="AnomalyMode"/> was on, else <see langword="null"/> (normal runs pay nothing for it).
    /// </summary>
    public string? CreationTrace { get; internal set; }

    /// <summary>
    /// The first frame of the <see cref="CreationTrace"/> outside AutoGradNet, i.e. the line of your code that called the
    /// op: <c>Namespace.Type.Method (path/File.cs:line)</c> when debug symbols are available, else the method;
    /// <see langword="null"/> outside <see cref="AnomalyMode"/>.
    /// </summary>
    public string? CreationSite { get; internal set; }

    /// <summary>
    /// The op's local derivative rule in words and formulas, e.g. for <c>Mul</c>: <c>y = a·b;  ∂y/∂a = b, ∂y/∂b = a  (a: g·b, b: g·a)</c>,
    /// where g is the incoming gradient ∂L/∂y. Every primitive has one; a custom function reads "user-defined backward".
    /// </summary>
    public virtual string Rule =>
        (GetType().Namespace == "AutoGradNet.Ops" ? DerivativeRules.For(OpName) : null) ?? $"{OpName}: user-defined backward (no rule recorded)";

    private static readonly IReadOnlyDictionary<string, object> NoAttributes = new Dictionary<string, object>();

    /// <summary>
    /// Where this node passes gradients, one entry per input, as PyTorch's <c>next_functions</c>: the node that
    /// produced the input, an <see cref="AccumulateGrad"/> for a leaf that requires grad, or <see langword="null"/>
    /// for a constant.
    /// </summary>
    public IReadOnlyList<Node?> NextFunctions =>
        Array.ConvertAll(_edges, e => e.Node ?? (e.Leaf is { } leaf ? new AccumulateGrad(leaf) : null));

    internal ReadOnlySpan<Edge> Edges => _edges;

    /// <summary>The gradient hooks of the tensor this node produced (<see cref="Tensor.RegisterHook"/>), or <see langword="null"/>.</summary>
    internal GradHooks? Hooks;

    // Bookkeeping of the backward pass that currently owns this node (Engine's fast path): the pass claims each node it
    // reaches by setting the owner atomically, keeps the node's dependency count and pending gradient here instead of in
    // per-pass dictionaries, and clears all three when it ends (also when it throws). A node owned by another pass (a
    // concurrent or nested backward through the same graph) makes the later pass take the dictionary-based path instead.
    internal object? EngineOwner;
    internal int EngineDependencies;
    internal Tensor? EnginePending;

    /// <summary>Keeps <paramref name="tensors"/> for the backward, remembering their versions to detect later in-place writes.</summary>
    private protected void Save(params Tensor[] tensors)
    {
        _saved = tensors;
        _savedVersions = Array.ConvertAll(tensors, t => t.Version);
    }

    /// <summary>A tensor saved by <see cref="Save"/>; throws if it was freed or modified in place since.</summary>
    private protected Tensor Saved(int index)
    {
        if (_saved is null || _savedVersions is null)
            throw new InvalidOperationException($"{Name}: saved tensors are not available (internal error: the op saved none).");
        var t = _saved[index];
        if (t.Version != _savedVersions[index])
        {
            throw new InvalidOperationException(
                $"{Name}: saved tensor {index} (shape {t.Shape}), needed for the backward, was modified by an in-place operation " +
                $"(it is at version {t.Version}; the graph recorded version {_savedVersions[index]}). " +
                "Clone it before modifying it, or recompute the forward after the update.");
        }
        return t;
    }

    /// <summary>Whether input <paramref name="index"/> needs a gradient; a rule may skip the work when it does not.</summary>
    private protected bool NeedsGrad(int index) => _edges[index].IsActive;

    /// <summary>
    /// The vector-Jacobian product: given the gradient of the final output with respect to this node's output,
    /// the gradient with respect to each input (<see langword="null"/> where none flows). A returned gradient may
    /// have the broadcast shape; the engine sums it back to the input's shape.
    /// </summary>
    private protected abstract Tensor?[] Backward(Tensor grad);

    internal Tensor?[] RunBackward(Tensor grad)
    {
        if (_released)
        {
            throw new InvalidOperationException(
                $"{Name}: trying to backward through the graph a second time, but this part of the graph was released (with its saved tensors) " +
                "after the first Backward(). Pass retainGraph: true to the first Backward() if you need to backward through the same graph again.");
        }
        return Backward(grad);
    }

    /// <summary>Frees the saved tensors after a backward that did not retain the graph.</summary>
    internal void Release()
    {
        _saved = null;
        _savedVersions = null;
        _released = true;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>Where a gradient goes from a node: to the input's producing node, to a leaf's <c>Grad</c>, or nowhere.</summary>
internal readonly struct Edge
{
    public Edge(Tensor input)
    {
        Node = input.GradFn;
        Leaf = input.GradFn is null && input.RequiresGrad ? input : null;
        Shape = input.Shape;
        DType = input.DType;
    }

    /// <summary>The edge of a constant input of <paramref name="shape"/> and <paramref name="dtype"/>: no gradient flows to it.</summary>
    public Edge(Shape shape, DType dtype)
    {
        Shape = shape;
        DType = dtype;
    }

    /// <summary>The node that produced the input, or <see langword="null"/> for a leaf or a constant.</summary>
    public Node? Node { get; }

    /// <summary>The input itself when it is a leaf that requires grad.</summary>
    public Tensor? Leaf { get; }

    /// <summary>The input's shape, to which a broadcast gradient is summed back.</summary>
    public Shape Shape { get; }

    /// <summary>The input's dtype.</summary>
    public DType DType { get; }

    public bool IsActive => Node is not null || Leaf is not null;
}

/// <summary>One input of a recorded forward operation, as <see cref="Node.Inputs"/> lists it.</summary>
/// <param name="Shape">The input's shape.</param>
/// <param name="DType">The input's dtype.</param>
/// <param name="IsConstant">Whether the input was a constant: it did not require grad, so no gradient flows to it.</param>
public readonly record struct OpInput(Shape Shape, DType DType, bool IsConstant);
