using AutoGradNet.Autograd;

namespace AutoGradNet;

/// <summary>
/// An n-dimensional array of <see cref="DType.Float64"/>, <see cref="DType.Float32"/>, <see cref="DType.Int64"/> or
/// <see cref="DType.Bool"/> values: a storage buffer read through a shape, strides and an offset, so that transposes,
/// slices and other views share their base tensor's storage. A floating-point tensor records the graph of operations
/// producing it when any input <see cref="RequiresGrad"/>; calling <see cref="Backward(Tensor?, bool?, bool)"/> on a
/// result walks that graph back to the leaves and fills each leaf's <see cref="Grad"/> by the chain rule.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>The largest rank a tensor may have (PyTorch's limit as well).</summary>
    public const int MaxRank = 64;

    private readonly int[] _strides;
    private bool _requiresGrad;
    private Tensor? _grad;

    /// <summary>A contiguous tensor over <paramref name="storage"/>.</summary>
    internal Tensor(Storage storage, Shape shape, DType dtype) : this(storage, shape, shape.ContiguousStrides, 0, dtype, null) { }

    /// <summary>A view over <paramref name="storage"/> with explicit strides and offset.</summary>
    internal Tensor(Storage storage, Shape shape, int[] strides, int offset, DType dtype, Tensor? viewBase)
    {
        if (shape.Rank > MaxRank)
            throw new ArgumentException($"Tensor: rank {shape.Rank} exceeds the maximum of {MaxRank} dimensions (shape {shape}).");
        Storage = storage;
        Shape = shape;
        _strides = strides;
        StorageOffset = offset;
        DType = dtype;
        ViewBase = viewBase;
        IsContiguous = ComputeContiguous(shape, strides);
    }

    internal Storage Storage { get; }

    /// <summary>The length of each dimension, outermost first; empty for a 0-d scalar.</summary>
    public Shape Shape { get; }

    /// <summary>
    /// How many storage elements to step to move one index along each axis. A contiguous (row-major) tensor has
    /// strides like <c>[n, 1]</c>; a transpose swaps them, a broadcast view has 0 on its expanded axes.
    /// </summary>
    public IReadOnlyList<int> Strides => _strides;

    /// <summary>The storage index of the first element.</summary>
    public int StorageOffset { get; }

    /// <summary>
    /// Whether the elements lie in storage in row-major order without gaps (strides of length-1 axes do not matter).
    /// Views such as a transpose or a stepped slice are not contiguous; <see cref="Contiguous"/> copies them when needed.
    /// </summary>
    public bool IsContiguous { get; }

    /// <summary>The tensor this one is a view of (the root of a chain of views), or <see langword="null"/>.</summary>
    internal Tensor? ViewBase { get; }

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => Shape.Rank;

    /// <summary>The number of elements.</summary>
    public int Size => Shape.Size;

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>
    /// Whether operations on this tensor are recorded so that gradients can flow back to it. Only a floating-point
    /// leaf (a tensor not produced by a recorded operation) can have this switched; results of recorded operations
    /// require grad because an input does.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a non-leaf tensor, or set to true on an Int64 or Bool tensor.</exception>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (GradFn is not null)
            {
                throw new InvalidOperationException(
                    $"RequiresGrad can only be changed on a leaf tensor; this tensor of shape {Shape} was produced by {GradFn.Name}. Use Detach() to get a leaf.");
            }
            if (value && !DType.IsFloatingPoint())
            {
                throw new InvalidOperationException(
                    $"RequiresGrad: only floating-point tensors can require gradients; this tensor of shape {Shape} is {DType}. Convert it with .To(DType.Float64) first.");
            }
            _requiresGrad = value;
        }
    }

    /// <summary>
    /// The gradient accumulated by <see cref="Backward(Tensor?, bool?, bool)"/>, with this tensor's shape and dtype;
    /// <see langword="null"/> until a backward reaches this tensor. Only leaves that require grad receive one, and results
    /// of recorded operations (non-leaves) on which <see cref="RetainGrad"/> was called; other results, and tensors that
    /// do not require grad, read <see langword="null"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Assigned a tensor of another shape or dtype.</exception>
    public Tensor? Grad
    {
        get => _grad;
        set
        {
            if (value is not null && (value.Shape != Shape || value.DType != DType))
            {
                throw new ArgumentException(
                    $"Grad: assigned gradient has shape {value.Shape} and dtype {value.DType}, but the tensor has shape {Shape} and dtype {DType}.");
            }
            _grad = value;
        }
    }

    /// <summary>The graph node of the operation that produced this tensor, or <see langword="null"/> for a leaf.</summary>
    public Node? GradFn { get; private set; }

    /// <summary>Whether this tensor was created by the user rather than by a recorded operation.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>The in-place version counter, shared with every tensor that shares this storage.</summary>
    internal int Version => Storage.Version;

    /// <summary>
    /// The elements as a span of <typeparamref name="T"/>, which must match <see cref="DType"/>. Only for contiguous
    /// tensors (freshly allocated results are); read other inputs through <see cref="Dense{T}"/>.
    /// </summary>
    internal Span<T> AsSpan<T>()
    {
        System.Diagnostics.Debug.Assert(IsContiguous, "AsSpan on a non-contiguous tensor");
        // An empty view may start past the end of its storage (x.T.Select(0, 1) of an [0, 3] x): nothing to read.
        return Size == 0 ? default : ((T[])Storage.Data).AsSpan(StorageOffset, Size);
    }

    /// <summary>The elements in row-major order: the storage itself when contiguous, else a gathered copy.</summary>
    internal ReadOnlySpan<T> Dense<T>()
    {
        if (Size == 0) return default;
        if (IsContiguous) return ((T[])Storage.Data).AsSpan(StorageOffset, Size);
        var copy = new T[Size];
        Kernels.Strided.Gather<T>(StorageSpan<T>(), _strides, Shape, copy);
        return copy;
    }

    /// <summary>The storage from this tensor's first element on, to be read through <see cref="Strides"/>.</summary>
    internal ReadOnlySpan<T> StorageSpan<T>() => Size == 0 ? default : ((T[])Storage.Data).AsSpan(StorageOffset);

    /// <summary>The strides as an array (not to be modified).</summary>
    internal int[] StrideArray => _strides;

    /// <summary>Makes this freshly computed tensor the output of <paramref name="node"/>.</summary>
    internal Tensor Attach(Node node)
    {
        GradFn = node;
        _requiresGrad = true;
        return this;
    }

    /// <summary>An uninitialised (zero-filled) contiguous tensor.</summary>
    internal static Tensor Empty(Shape shape, DType dtype) => new(Storage.Allocate(dtype, shape.Size), shape, dtype);

    /// <summary>
    /// A contiguous tensor whose elements are NOT initialised (large buffers skip the zeroing): only for a result that
    /// the kernel writes in full before anyone reads it.
    /// </summary>
    internal static Tensor Uninitialized(Shape shape, DType dtype) => new(Storage.AllocateUninitialized(dtype, shape.Size), shape, dtype);

    /// <summary>A view of this tensor's storage with another layout; no graph.</summary>
    internal Tensor View(Shape shape, int[] strides, int offset) => new(Storage, shape, strides, offset, DType, ViewBase ?? this);

    /// <summary>
    /// The strides for reading this tensor as if broadcast to <paramref name="target"/>: its own strides, 0 on the axes
    /// it is broadcast along (length 1 here, or missing).
    /// </summary>
    internal int[] BroadcastStrides(Shape target)
    {
        var strides = new int[target.Rank];
        var lead = target.Rank - Rank;
        for (var i = 0; i < Rank; i++)
            strides[i + lead] = Shape[i] == 1 && target[i + lead] != 1 ? 0 : _strides[i];
        return strides;
    }

    /// <summary>The storage index of the element at row-major position <paramref name="flat"/>.</summary>
    internal int StorageIndex(int flat)
    {
        if (IsContiguous) return StorageOffset + flat;
        var index = StorageOffset;
        for (var axis = Rank - 1; axis >= 0; axis--)
        {
            var n = Shape[axis];
            index += flat % n * _strides[axis];
            flat /= n;
        }
        return index;
    }

    private static bool ComputeContiguous(Shape shape, int[] strides)
    {
        if (shape.Size == 0) return true;
        var expected = 1;
        for (var i = shape.Rank - 1; i >= 0; i--)
        {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }
}
