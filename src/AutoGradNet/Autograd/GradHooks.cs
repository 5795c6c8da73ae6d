namespace AutoGradNet.Autograd;

/// <summary>
/// The gradient hooks of one tensor, in registration order, and whether a non-leaf keeps its gradient
/// (<see cref="Tensor.RetainGrad"/>). A leaf keeps them on the tensor, a result on the node that produced it, so the
/// engine finds them where it routes gradients. Registration swaps in a new array under a lock; the engine reads
/// a snapshot, so a hook added or removed during a backward on another thread never tears the list.
/// </summary>
internal sealed class GradHooks
{
    private readonly Lock _lock = new();
    private HookEntry[] _entries = [];

    /// <summary>The non-leaf whose <see cref="Tensor.Grad"/> keeps the gradient, once <see cref="Tensor.RetainGrad"/> was called.</summary>
    public Tensor? Retained { get; set; }

    public HookHandle Add(Func<Tensor, Tensor?> hook)
    {
        var entry = new HookEntry(hook);
        lock (_lock) _entries = [.. _entries, entry];
        return new HookHandle(this, entry);
    }

    public void Remove(HookEntry entry)
    {
        lock (_lock) _entries = Array.FindAll(_entries, e => !ReferenceEquals(e, entry));
    }

    /// <summary>Runs the hooks in order on <paramref name="grad"/>, each seeing the previous one's result.</summary>
    public Tensor Run(Tensor grad)
    {
        foreach (var entry in _entries)
        {
            if (entry.Hook(grad) is not { } replaced) continue;
            if (replaced.Shape != grad.Shape || replaced.DType != grad.DType)
            {
                throw new InvalidOperationException(
                    $"RegisterHook: a hook returned a gradient of shape {replaced.Shape} and dtype {replaced.DType}, but the gradient it replaces " +
                    $"has the tensor's shape {grad.Shape} and dtype {grad.DType}. Return null to keep the gradient.");
            }
            grad = replaced;
        }
        return grad;
    }

    internal sealed class HookEntry(Func<Tensor, Tensor?> hook)
    {
        public Func<Tensor, Tensor?> Hook { get; } = hook;
    }
}

/// <summary>
/// A registered gradient hook (<see cref="Tensor.RegisterHook"/>). <see cref="Remove"/> (or <see cref="Dispose"/>,
/// for a <c>using</c> scope) unregisters it; removing twice does nothing.
/// </summary>
public sealed class HookHandle : IDisposable
{
    private readonly GradHooks _owner;
    private readonly GradHooks.HookEntry _entry;

    internal HookHandle(GradHooks owner, GradHooks.HookEntry entry)
    {
        _owner = owner;
        _entry = entry;
    }

    /// <summary>Unregisters the hook: later backward passes no longer call it.</summary>
    public void Remove() => _owner.Remove(_entry);

    /// <summary>Same as <see cref="Remove"/>.</summary>
    public void Dispose() => Remove();
}
