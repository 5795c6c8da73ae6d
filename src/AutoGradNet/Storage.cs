namespace AutoGradNet;

/// <summary>
/// The flat buffer behind one or more tensors (a view, a reshape or a detach shares it), and the version counter
/// that in-place writes bump so the engine can tell a saved tensor was changed.
/// </summary>
internal sealed class Storage(Array data)
{
    private int _version;

    public Array Data { get; } = data;

    // Engine bookkeeping for buffer reuse (Autograd/BufferPool.cs): the backward pass that was running on this thread
    // when the storage was created (its gradients are the only candidates for reuse), how many of that pass's gradient
    // slots hold it, and whether anyone else may see it (a hook, a custom function, a leaf's Grad) or it was recycled.
    internal readonly object? Pass = Autograd.Engine.CurrentPass;
    internal int PassRefs;
    internal bool Escaped;

    /// <summary>Incremented by every in-place write to <see cref="Data"/>, through any view.</summary>
    public int Version => Volatile.Read(ref _version);

    /// <summary>Records an in-place write.</summary>
    public void Bump() => Interlocked.Increment(ref _version);

    public static Storage Allocate(DType dtype, int size) => dtype switch
    {
        DType.Float64 => new Storage(new double[size]),
        DType.Float32 => new Storage(new float[size]),
        DType.Int64 => new Storage(new long[size]),
        DType.Bool => new Storage(new bool[size]),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    /// <summary>Like <see cref="Allocate"/>, without zeroing the buffer: the caller overwrites every element.</summary>
    public static Storage AllocateUninitialized(DType dtype, int size) => dtype switch
    {
        DType.Float64 => new Storage(Autograd.BufferPool.TryRent<double>(size) ?? GC.AllocateUninitializedArray<double>(size)),
        DType.Float32 => new Storage(Autograd.BufferPool.TryRent<float>(size) ?? GC.AllocateUninitializedArray<float>(size)),
        DType.Int64 => new Storage(GC.AllocateUninitializedArray<long>(size)),
        DType.Bool => new Storage(GC.AllocateUninitializedArray<bool>(size)),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };
}
