using System.Collections.ObjectModel;

namespace AutoGradNet.Autograd;

/// <summary>
/// An operation with a forward and a backward you write yourself, like PyTorch's <c>torch.autograd.Function</c>:
/// derive from this class, implement <see cref="Forward"/> and <see cref="Backward"/>, and call <see cref="Apply"/>.
/// Or build one from two lambdas with <see cref="Create"/>.
/// </summary>
/// <remarks>
/// <para>
/// The forward runs with grad mode off, so its ops are not recorded one by one; when an input requires grad, the output
/// is linked to a single node named after the function (<see cref="Name"/>), and a backward pass calls
/// <see cref="Backward"/> for it. Write the backward in <see cref="Tensor"/> ops: then <c>createGraph: true</c> records
/// it, and second derivatives flow through the custom function too.
/// </para>
/// <para>
/// Non-tensor parameters (an exponent, an axis) belong in the subclass's constructor and fields, or in
/// <see cref="FunctionContext.Attributes"/> when they are computed in the forward. Check a hand-written backward with
/// <see cref="Verification.GradCheck"/>.
/// </para>
/// </remarks>
public abstract class CustomFunction
{
    /// <summary>
    /// The function's name: the forward op's name on the recorded node (its backward is <c>{Name}Backward</c>) and the
    /// first word of every error about it. The class name by default.
    /// </summary>
    public virtual string Name => GetType().Name;

    /// <summary>
    /// Runs <see cref="Forward"/> on <paramref name="inputs"/> with grad mode off and, if grad mode is on and an input
    /// requires grad, records the call as one node whose backward is <see cref="Backward"/>. The result is the tensor the
    /// forward returned (a new tensor sharing its storage if the forward returned an input or a tensor already in a graph).
    /// </summary>
    /// <param name="inputs">The tensor inputs; at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">No input was given.</exception>
    /// <exception cref="InvalidOperationException">The forward returned null.</exception>
    public Tensor Apply(params Tensor[] inputs)
    {
        var name = Name;
        if (inputs is null)
            throw new ArgumentNullException(nameof(inputs), $"{name}: the inputs array is null.");
        if (inputs.Length == 0)
            throw new ArgumentException($"{name}: Apply needs at least one input tensor.", nameof(inputs));
        for (var i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
                throw new ArgumentNullException(nameof(inputs), $"{name}: input {i} is null.");
        }
        inputs = [.. inputs]; // the forward may not swap the inputs the node records
        var gradMode = GradMode.IsEnabled;
        var context = new FunctionContext(name, Array.ConvertAll(inputs, t => gradMode && t.RequiresGrad));

        Tensor? output;
        using (GradMode.Set(false))
        {
            output = Forward(context, [.. inputs]);
        }
        if (output is null)
            throw new InvalidOperationException($"{name}: Forward returned null; it must return the output tensor.");
        if (output.GradFn is not null || output.RequiresGrad || Array.Exists(inputs, t => ReferenceEquals(t, output)))
            output = output.Detach(); // never re-link a tensor that belongs to the caller or to another graph

        CustomFunctionNode? node = null;
        var result = Graph.Record(output, inputs, (Function: this, Context: context),
            static (ins, s) => new CustomFunctionNode(s.Function, s.Context, ins));
        if (result.GradFn is CustomFunctionNode recorded && ReferenceEquals(recorded.Context, context)) node = recorded;
        context.EndForward(node);
        return result;
    }

    /// <summary>
    /// Computes the output from <paramref name="inputs"/>. Runs with grad mode off. Save what the backward needs with
    /// <see cref="FunctionContext.SaveForBackward"/> (inputs, the output, intermediates) and non-tensor values in
    /// <see cref="FunctionContext.Attributes"/>.
    /// </summary>
    /// <param name="ctx">This call's context.</param>
    /// <param name="inputs">The tensors given to <see cref="Apply"/>, in order.</param>
    /// <returns>The output tensor.</returns>
    protected abstract Tensor Forward(FunctionContext ctx, params Tensor[] inputs);

    /// <summary>
    /// The vector-Jacobian product: given ∂L/∂output, returns ∂L/∂input for each input, in order — one entry per input,
    /// <see langword="null"/> for an input that needs no gradient (see <see cref="FunctionContext.NeedsInputGrad"/>).
    /// Each gradient has its input's dtype and either its input's shape or a shape the input broadcasts to (the engine
    /// sums it back, as for the built-in ops). Write it in <see cref="Tensor"/> ops so that second derivatives work.
    /// </summary>
    /// <param name="ctx">The context the forward filled.</param>
    /// <param name="gradOutput">∂L/∂output, with the output's shape and dtype.</param>
    protected abstract Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput);

    internal Tensor?[] RunBackward(FunctionContext ctx, Tensor gradOutput) => Backward(ctx, gradOutput);

    /// <summary>
    /// A custom function from two lambdas, for functions that need no fields of their own:
    /// <c>CustomFunction.Create("Cube", (ctx, x) =&gt; { ctx.SaveForBackward(x[0]); return x[0] * x[0] * x[0]; },
    /// (ctx, g) =&gt; [3.0 * ctx.SavedTensors[0] * ctx.SavedTensors[0] * g])</c>.
    /// </summary>
    /// <param name="name">The function's <see cref="Name"/>.</param>
    /// <param name="forward">The forward, as <see cref="Forward"/>: the context and the inputs to the output.</param>
    /// <param name="backward">The backward, as <see cref="Backward"/>: the context and ∂L/∂output to one gradient per input.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static CustomFunction Create(string name, Func<FunctionContext, Tensor[], Tensor> forward,
        Func<FunctionContext, Tensor, Tensor?[]> backward)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("CustomFunction.Create: the name must not be empty.", nameof(name));
        return new LambdaFunction(name, forward, backward);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    private sealed class LambdaFunction(string name, Func<FunctionContext, Tensor[], Tensor> forward,
        Func<FunctionContext, Tensor, Tensor?[]> backward) : CustomFunction
    {
        public override string Name => name;

        protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs) => forward(ctx, inputs);

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => backward(ctx, gradOutput);
    }
}

/// <summary>
/// The node of one <see cref="CustomFunction.Apply"/> call: its backward is the user's, checked for the number, shape
/// and dtype of the gradients it returns, so a mistake is reported with the function's name rather than deep in the engine.
/// </summary>
internal sealed class CustomFunctionNode : Node
{
    private readonly CustomFunction _function;
    private readonly string _name;
    private readonly int _savedCount;

    public CustomFunctionNode(CustomFunction function, FunctionContext context, Tensor[] inputs)
        : base(inputs)
    {
        _function = function;
        _name = function.Name;
        Context = context;
        _savedCount = context.Saved.Length;
        Save(context.Saved);
    }

    public FunctionContext Context { get; }

    public override string OpName => _name;

    public override IReadOnlyDictionary<string, object> Attributes =>
        new ReadOnlyDictionary<string, object>((IDictionary<string, object>)Context.Attributes);

    /// <summary>The saved tensors, each checked against in-place modification since it was saved.</summary>
    public Tensor[] SavedTensors()
    {
        var saved = new Tensor[_savedCount];
        for (var i = 0; i < saved.Length; i++) saved[i] = Saved(i);
        return saved;
    }

    private protected override Tensor?[] Backward(Tensor grad)
    {
        Tensor?[]? grads;
        Context.BeginBackward();
        try
        {
            grads = _function.RunBackward(Context, grad);
        }
        finally
        {
            Context.EndBackward();
        }

        var edges = Edges;
        if (grads is null)
            throw new InvalidOperationException($"{_name}: Backward returned null; it must return one gradient per input ({edges.Length}), null where none is needed.");
        if (grads.Length != edges.Length)
        {
            throw new InvalidOperationException(
                $"{_name}: Backward returned {grads.Length} gradient(s), but the function has {edges.Length} input(s); " +
                "return one per input, in order, null where none is needed.");
        }

        var checkedGrads = new Tensor?[grads.Length];
        for (var i = 0; i < grads.Length; i++)
        {
            var (g, edge) = (grads[i], edges[i]);
            if (g is null || !edge.IsActive) continue; // a gradient for an input that needs none is dropped, as in PyTorch
            if (g.DType != edge.DType)
            {
                throw new InvalidOperationException(
                    $"{_name}: Backward returned a {g.DType} gradient for input {i}, which is {edge.DType} (shape {edge.Shape}); " +
                    "a gradient must have its input's dtype.");
            }
            if (g.Shape != edge.Shape && !edge.Shape.CanBroadcastTo(g.Shape))
            {
                throw new InvalidOperationException(
                    $"{_name}: Backward returned a gradient of shape {g.Shape} for input {i}, which has shape {edge.Shape}; " +
                    "a gradient must have its input's shape or a shape the input broadcasts to.");
            }
            checkedGrads[i] = g;
        }
        return checkedGrads;
    }
}
