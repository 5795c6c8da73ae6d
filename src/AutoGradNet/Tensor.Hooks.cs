using AutoGradNet.Autograd;

namespace AutoGradNet;

// Gradient hooks and retained gradients of non-leaves (PyTorch's register_hook and retain_grad).
public sealed partial class Tensor
{
    private GradHooks? _leafHooks;

    /// <summary>
    /// Registers a hook that sees the gradient flowing into this tensor during every later backward pass
    /// (<see cref="Backward(Tensor?, bool?, bool)"/> or <see cref="AutoGrad.Grad"/>) and may replace it, like PyTorch's
    /// <c>register_hook</c>. The hook gets ∂L/∂(this tensor), summed over every use of the tensor, and returns a
    /// replacement of the same shape and dtype, or <see langword="null"/> to keep it. On a leaf it runs before the
    /// gradient is added to <see cref="Grad"/>; on a result, before the gradient continues to the inputs of the op that
    /// produced it. Several hooks run in registration order, each seeing the previous one's result. It runs in the
    /// backward's grad mode: with <c>createGraph: true</c> what it computes is recorded.
    /// </summary>
    /// <param name="hook">The hook: <c>g =&gt; g * 2</c> doubles the gradient, <c>g =&gt; { Console.WriteLine(g); return null; }</c> only looks.</param>
    /// <returns>A handle whose <see cref="HookHandle.Remove"/> (or <c>Dispose</c>) unregisters the hook.</returns>
    /// <exception cref="InvalidOperationException">This tensor does not require grad: no gradient will ever flow into it.</exception>
    public HookHandle RegisterHook(Func<Tensor, Tensor?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return HooksFor("RegisterHook").Add(hook);
    }

    /// <summary>
    /// Makes this result (a non-leaf) keep its gradient in <see cref="Grad"/> after <see cref="Backward(Tensor?, bool?, bool)"/>,
    /// like PyTorch's <c>retain_grad</c>; it accumulates over backward passes like a leaf's, after this tensor's hooks ran.
    /// <see cref="AutoGrad.Grad"/> returns gradients instead and never writes them. On a leaf that requires grad it does
    /// nothing: a leaf always keeps its gradient.
    /// </summary>
    /// <exception cref="InvalidOperationException">This tensor does not require grad.</exception>
    public void RetainGrad()
    {
        var hooks = HooksFor("RetainGrad");
        if (!IsLeaf) hooks.Retained = this;
    }

    /// <summary>Whether <see cref="Grad"/> receives gradients: a leaf that requires grad, or a result after <see cref="RetainGrad"/>.</summary>
    public bool RetainsGrad => IsLeaf ? RequiresGrad : GradFn!.Hooks?.Retained is not null;

    /// <summary>The hooks the engine runs on the gradient of this leaf, or <see langword="null"/>.</summary>
    internal GradHooks? LeafHooks => _leafHooks;

    private GradHooks HooksFor(string op)
    {
        if (!RequiresGrad)
        {
            throw new InvalidOperationException(
                $"{op}: this tensor of shape {Shape} does not require grad, so no gradient flows into it. " +
                "Set RequiresGrad = true on the leaves it is computed from (outside a NoGrad scope).");
        }
        if (GradFn is { } node)
        {
            if (node.Hooks is null) Interlocked.CompareExchange(ref node.Hooks, new GradHooks(), null);
            return node.Hooks;
        }
        if (_leafHooks is null) Interlocked.CompareExchange(ref _leafHooks, new GradHooks(), null);
        return _leafHooks;
    }
}
