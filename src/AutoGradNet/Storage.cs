namespace AutoGradNet;

/// <summary>
/// The flat buffer behind one or more tensors (a view, a reshape or a detach shares it), and the version counter
/// that in-place writes bump so the engine can tell a saved tensor was changed.
/// </summary>
internal sealed class Storage(Array data)
{
    private int _version;

    public Array Data { get; } = data;

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
        DType.Float64 => new Storage(GC.AllocateUninitializedArray<double>(size)),
        DType.Float32 => new Storage(GC.AllocateUninitializedArray<float>(size)),
        DType.Int64 => new Storage(GC.AllocateUninitializedArray<long>(size)),
        DType.Bool => new Storage(GC.AllocateUninitializedArray<bool>(size)),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };
}
