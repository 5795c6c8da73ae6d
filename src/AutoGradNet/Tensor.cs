using AutoGradNet.Autograd;

namespace AutoGradNet;

/// <summary>
/// An n-dimensional array of <see cref="DType.Float64"/> or <see cref="DType.Float32"/> values, stored
/// contiguously in row-major order, that records the graph of operations producing it when any input
/// <see cref="RequiresGrad"/>. Calling <see cref="Backward(Tensor?, bool?, bool)"/> on a result walks that graph
/// back to the leaves and fills each leaf's <see cref="Grad"/> by the chain rule.
/// </summary>
public sealed partial class Tensor
{
    private bool _requiresGrad;
    private Tensor? _grad;

    internal Tensor(Storage storage, Shape shape, DType dtype)
    {
        Storage = storage;
        Shape = shape;
        DType = dtype;
    }

    internal Storage Storage { get; }

    /// <summary>The length of each dimension, outermost first; empty for a 0-d scalar.</summary>
    public Shape Shape { get; }

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => Shape.Rank;

    /// <summary>The number of elements.</summary>
    public int Size => Shape.Size;

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>
    /// Whether operations on this tensor are recorded so that gradients can flow back to it. Only a leaf
    /// (a tensor not produced by a recorded operation) can have this switched; results of recorded
    /// operations require grad because an input does.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a non-leaf tensor.</exception>
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
            _requiresGrad = value;
        }
    }

    /// <summary>
    /// The gradient accumulated by <see cref="Backward(Tensor?, bool?, bool)"/>, with this tensor's shape and dtype;
    /// <see langword="null"/> until a backward reaches this tensor. Only leaves that require grad receive one: results
    /// of recorded operations (non-leaves) and tensors that do not require grad always read <see langword="null"/>.
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

    /// <summary>The elements as a span of <typeparamref name="T"/>, which must match <see cref="DType"/>.</summary>
    internal Span<T> AsSpan<T>() => ((T[])Storage.Data).AsSpan(0, Size);

    /// <summary>Makes this freshly computed tensor the output of <paramref name="node"/>.</summary>
    internal Tensor Attach(Node node)
    {
        GradFn = node;
        _requiresGrad = true;
        return this;
    }

    /// <summary>An uninitialised (zero-filled) tensor.</summary>
    internal static Tensor Empty(Shape shape, DType dtype) => new(Storage.Allocate(dtype, shape.Size), shape, dtype);
}
