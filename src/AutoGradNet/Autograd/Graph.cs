namespace AutoGradNet.Autograd;

/// <summary>
/// The one recording point: every op hands its freshly computed result here with a factory for its node, and this
/// decides whether to record (grad mode on, an input requires grad, the result is floating point), builds the node
/// only then, stamps where it was created (and checks the result) when anomaly mode is on, and links it to the result.
/// </summary>
internal static class Graph
{
    /// <summary>Whether an op on <paramref name="inputs"/> must be recorded: grad mode is on and an input requires grad.</summary>
    public static bool ShouldRecord(params ReadOnlySpan<Tensor> inputs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in inputs)
        {
            if (t.RequiresGrad) return true;
        }
        return false;
    }

    /// <summary>Records a one-input op whose node needs <paramref name="state"/> besides the input.</summary>
    public static Tensor Record<TState>(Tensor result, Tensor input, TState state, Func<Tensor, TState, Node> create)
        => ShouldRecord(input) && result.DType.IsFloatingPoint() ? Link(result, create(input, state), input) : result;

    /// <summary>Records a one-input op.</summary>
    public static Tensor Record(Tensor result, Tensor input, Func<Tensor, Tensor, Node> create)
        => ShouldRecord(input) && result.DType.IsFloatingPoint() ? Link(result, create(input, result), input) : result;

    /// <summary>Records a two-input op.</summary>
    public static Tensor Record<TState>(Tensor result, Tensor a, Tensor b, TState state, Func<Tensor, Tensor, TState, Node> create)
        => ShouldRecord(a, b) && result.DType.IsFloatingPoint() ? Link(result, create(a, b, state), a, b) : result;

    /// <summary>Records an op over any number of inputs.</summary>
    public static Tensor Record<TState>(Tensor result, Tensor[] inputs, TState state, Func<Tensor[], TState, Node> create)
        => ShouldRecord(inputs) && result.DType.IsFloatingPoint() ? Link(result, create(inputs, state), inputs) : result;

    private static Tensor Link(Tensor result, Node node, params ReadOnlySpan<Tensor> inputs)
    {
        if (AnomalyMode.IsEnabled) AnomalyMode.OnRecord(node, result, inputs); // stamps where, checks the value
        return result.Attach(node);
    }
}
