namespace AutoGradNet.Autograd;

/// <summary>
/// The end of a gradient's path at a leaf, as listed by <see cref="Node.NextFunctions"/>: the backward adds the
/// gradient that arrives here to <see cref="Variable"/>'s <see cref="Tensor.Grad"/>. It is a view for inspecting
/// the graph; the engine accumulates into leaves directly.
/// </summary>
public sealed class AccumulateGrad : Node
{
    internal AccumulateGrad(Tensor variable) => Variable = variable;

    /// <summary>The leaf whose gradient accumulates here.</summary>
    public Tensor Variable { get; }

    /// <inheritdoc/>
    public override string Name => nameof(AccumulateGrad);

    private protected override Tensor?[] Backward(Tensor grad) =>
        throw new InvalidOperationException("AccumulateGrad is not a differentiable op; the engine accumulates into leaves itself.");
}
