namespace AutoGradNet;

/// <summary>
/// The flat, row-major buffer behind one or more tensors (a reshape or a detach shares it), and the
/// version counter that in-place writes bump so the engine can tell a saved tensor was changed.
/// </summary>
internal sealed class Storage(Array data)
{
    public Array Data { get; } = data;

    /// <summary>Incremented by every in-place write to <see cref="Data"/>.</summary>
    public int Version { get; set; }

    public static Storage Allocate(DType dtype, int size) => dtype switch
    {
        DType.Float64 => new Storage(new double[size]),
        DType.Float32 => new Storage(new float[size]),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };
}
