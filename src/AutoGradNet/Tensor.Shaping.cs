using AutoGradNet.Ops;

namespace AutoGradNet;

// Reductions, matrix products and shape manipulation.
public sealed partial class Tensor
{
    /// <summary>Sum of all elements, as a 0-d tensor.</summary>
    public Tensor Sum() => Ops.Sum.Apply(this, [], keepDim: false);

    /// <summary>Sum over <paramref name="axis"/> (negative counts from the end); <paramref name="keepDim"/> keeps it with length 1.</summary>
    public Tensor Sum(int axis, bool keepDim = false) => Ops.Sum.Apply(this, [axis], keepDim);

    /// <summary>Sum over several axes; an empty list means all axes.</summary>
    public Tensor Sum(int[] axes, bool keepDim = false) => Ops.Sum.Apply(this, axes, keepDim);

    /// <summary>Mean of all elements, as a 0-d tensor.</summary>
    public Tensor Mean() => Mean([], keepDim: false);

    /// <summary>Mean over <paramref name="axis"/>.</summary>
    public Tensor Mean(int axis, bool keepDim = false) => Mean([axis], keepDim);

    /// <summary>Mean over several axes; an empty list means all axes.</summary>
    public Tensor Mean(int[] axes, bool keepDim = false)
    {
        var sum = Ops.Sum.Apply(this, axes, keepDim);
        var count = sum.Size == 0 ? 1 : Size / sum.Size;
        return sum / count;
    }

    /// <summary>Largest element, as a 0-d tensor. Its gradient is shared equally among tied maxima.</summary>
    public Tensor Max() => Ops.Max.Apply(this, [], keepDim: false);

    /// <summary>Largest element along <paramref name="axis"/>.</summary>
    public Tensor Max(int axis, bool keepDim = false) => Ops.Max.Apply(this, [axis], keepDim);

    /// <summary>Largest element over several axes; an empty list means all axes.</summary>
    public Tensor Max(int[] axes, bool keepDim = false) => Ops.Max.Apply(this, axes, keepDim);

    /// <summary>Smallest element over several axes; an empty list means all axes.</summary>
    public Tensor Min(int[] axes, bool keepDim = false) => -(-this).Max(axes, keepDim);

    /// <summary>Smallest element along <paramref name="axis"/> (as <c>-(-x).Max(axis)</c>).</summary>
    public Tensor Min(int axis, bool keepDim = false) => -(-this).Max(axis, keepDim);

    /// <summary>Smallest element, as a 0-d tensor.</summary>
    public Tensor Min() => -(-this).Max();

    /// <summary>
    /// Matrix product with numpy/PyTorch semantics: 1-D·1-D is a dot product (0-d), 2-D·1-D a matrix-vector
    /// product, 1-D·2-D a vector-matrix product, and N-D operands are stacks of matrices whose leading (batch)
    /// dimensions broadcast.
    /// </summary>
    /// <exception cref="ArgumentException">An operand is 0-d, the inner dimensions differ, the batch dimensions do not broadcast, or the dtypes differ.</exception>
    public Tensor MatMul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Rank == 0 || other.Rank == 0)
            throw new ArgumentException($"matmul: both operands need at least one dimension, got shapes {Shape} and {other.Shape}.");
        var a = Rank == 1 ? Unsqueeze(0) : this;
        var b = other.Rank == 1 ? other.Unsqueeze(1) : other;
        if (a.Shape[^1] != b.Shape[^2])
            throw new ArgumentException($"matmul: inner dimensions do not match: {Shape} @ {other.Shape} ({a.Shape[^1]} vs {b.Shape[^2]}).");
        Ops.Checks.SameDType(this, other, "matmul");
        var r = Ops.MatMul.Apply(a, b);
        if (Rank == 1) r = r.Squeeze(-2);
        if (other.Rank == 1) r = r.Squeeze(-1);
        return r;
    }

    /// <summary>The transpose of a tensor of rank ≤ 2 (reverses all axes for higher ranks, like PyTorch's <c>.T</c>); a copy.</summary>
    public Tensor T
    {
        get
        {
            var axes = new int[Rank];
            for (var i = 0; i < Rank; i++) axes[i] = Rank - 1 - i;
            return Permute(axes);
        }
    }

    /// <summary>Swaps two axes (a copy).</summary>
    public Tensor Transpose(int axis0, int axis1)
    {
        var a0 = Shape.NormalizeAxis(axis0, "transpose");
        var a1 = Shape.NormalizeAxis(axis1, "transpose");
        var axes = new int[Rank];
        for (var i = 0; i < Rank; i++) axes[i] = i;
        (axes[a0], axes[a1]) = (axes[a1], axes[a0]);
        return Permute(axes);
    }

    /// <summary>Reorders the axes: axis i of the result is axis <c>axes[i]</c> of this tensor (a copy: storage is always contiguous).</summary>
    /// <exception cref="ArgumentException"><paramref name="axes"/> is not a permutation of this tensor's axes.</exception>
    public Tensor Permute(params int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Length != Rank)
            throw new ArgumentException($"permute: {axes.Length} axes given for a tensor of shape {Shape} (rank {Rank}).");
        Shape.AxisMask(axes, "permute"); // rejects out-of-range and repeated axes
        var normalized = new int[Rank];
        for (var i = 0; i < Rank; i++) normalized[i] = Shape.NormalizeAxis(axes[i], "permute");
        return Ops.Permute.Apply(this, normalized);
    }

    /// <summary>
    /// The same elements with a new shape: a view sharing storage (an in-place write to one shows in the other);
    /// one dimension may be <c>-1</c> to be inferred.
    /// </summary>
    /// <exception cref="ArgumentException">The element counts differ, or more than one dimension is -1.</exception>
    public Tensor Reshape(params int[] shape) => Reshape(InferShape(shape));

    /// <summary>The same elements with a new shape (sharing storage).</summary>
    public Tensor Reshape(Shape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Size != Size)
            throw new ArgumentException($"reshape: cannot reshape a tensor of shape {Shape} ({Size} elements) to {shape} ({shape.Size} elements).");
        return Ops.Reshape.Apply(this, shape);
    }

    /// <summary>A 1-D view of all elements (sharing storage).</summary>
    public Tensor Flatten() => Reshape(Size);

    /// <summary>Inserts an axis of length 1 at <paramref name="axis"/> (which may equal the rank, or be negative); a view sharing storage.</summary>
    public Tensor Unsqueeze(int axis)
    {
        var a = axis < 0 ? axis + Rank + 1 : axis;
        if (a < 0 || a > Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"unsqueeze: axis {axis} is out of range for a tensor of shape {Shape}; expected [{-Rank - 1}, {Rank}].");
        var dims = new List<int>(Shape);
        dims.Insert(a, 1);
        return Reshape(new Shape([.. dims]));
    }

    /// <summary>Removes every axis of length 1 (a view sharing storage).</summary>
    public Tensor Squeeze() => Reshape(new Shape([.. Shape.Where(d => d != 1)]));

    /// <summary>Removes the axis <paramref name="axis"/>, which must have length 1 (a view sharing storage).</summary>
    public Tensor Squeeze(int axis)
    {
        var a = Shape.NormalizeAxis(axis, "squeeze");
        if (Shape[a] != 1)
            throw new ArgumentException($"squeeze: axis {axis} of shape {Shape} has length {Shape[a]}, not 1.");
        var dims = new List<int>(Shape);
        dims.RemoveAt(a);
        return Reshape(new Shape([.. dims]));
    }

    /// <summary>This tensor repeated along broadcast axes to <paramref name="shape"/> (numpy rules); a copy unless the shape is unchanged.</summary>
    /// <exception cref="ArgumentException">This shape does not broadcast to <paramref name="shape"/>.</exception>
    public Tensor BroadcastTo(Shape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (!Shape.CanBroadcastTo(shape))
            throw new ArgumentException($"broadcast_to: shape {Shape} cannot be broadcast to {shape}.");
        return shape == Shape ? Ops.Reshape.Apply(this, shape) : Ops.BroadcastTo.Apply(this, shape);
    }

    /// <summary>
    /// The elements with index in <c>[start, end)</c> along <paramref name="axis"/>, like <c>x[..., start:end]</c>.
    /// Negative indices count from the end; out-of-range bounds are clamped, as in Python slicing. Unlike PyTorch's
    /// slices this is a copy, not a view: storage is always contiguous.
    /// </summary>
    public Tensor Slice(int axis, int start, int end)
    {
        var a = Shape.NormalizeAxis(axis, "slice");
        var n = Shape[a];
        var s = Math.Clamp(start < 0 ? start + n : start, 0, n);
        var e = Math.Clamp(end < 0 ? end + n : end, s, n);
        return Ops.Slice.Apply(this, a, s, e - s);
    }

    /// <summary>Joins tensors along an existing axis; all other dimensions and the dtype must match.</summary>
    /// <exception cref="ArgumentException">The list is empty, or shapes, ranks or dtypes disagree.</exception>
    public static Tensor Concat(Tensor[] tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("concat: expected at least one tensor.", nameof(tensors));
        CheckNoNulls(tensors, "concat");
        var first = tensors[0];
        if (first.Rank == 0) throw new ArgumentException("concat: cannot concatenate 0-d tensors; use Stack.");
        var a = first.Shape.NormalizeAxis(axis, "concat");
        for (var i = 1; i < tensors.Length; i++)
        {
            var t = tensors[i];
            Checks.SameDType(first, t, "concat");
            var compatible = t.Rank == first.Rank;
            for (var d = 0; compatible && d < first.Rank; d++) compatible = d == a || t.Shape[d] == first.Shape[d];
            if (!compatible)
                throw new ArgumentException($"concat: tensor {i} has shape {t.Shape}, which does not match {first.Shape} outside axis {axis}.");
        }
        return Ops.Concat.Apply(tensors, a);
    }

    /// <summary>Joins tensors of equal shape along a new axis.</summary>
    /// <exception cref="ArgumentException">The list is empty or the shapes differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is outside <c>[-Rank-1, Rank]</c> of the inputs.</exception>
    public static Tensor Stack(Tensor[] tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("stack: expected at least one tensor.", nameof(tensors));
        CheckNoNulls(tensors, "stack");
        var rank = tensors[0].Rank;
        var a = axis < 0 ? axis + rank + 1 : axis;
        if (a < 0 || a > rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"stack: axis {axis} is out of range for tensors of shape {tensors[0].Shape}; expected [{-rank - 1}, {rank}].");
        for (var i = 1; i < tensors.Length; i++)
        {
            if (tensors[i].Shape != tensors[0].Shape)
                throw new ArgumentException($"stack: tensor {i} has shape {tensors[i].Shape}, but tensor 0 has shape {tensors[0].Shape}.");
        }
        return Concat(Array.ConvertAll(tensors, t => t.Unsqueeze(a)), a);
    }

    private static void CheckNoNulls(Tensor[] tensors, string op)
    {
        for (var i = 0; i < tensors.Length; i++)
        {
            if (tensors[i] is null) throw new ArgumentNullException(nameof(tensors), $"{op}: tensor {i} is null.");
        }
    }

    /// <summary>A tensor sharing this storage with another shape of the same size; no graph.</summary>
    internal Tensor ViewAs(Shape shape) => new(Storage, shape, DType);

    private Shape InferShape(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var inferred = -1;
        long known = 1;
        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (inferred >= 0) throw new ArgumentException($"reshape: only one dimension can be -1, got [{string.Join(", ", shape)}].");
                inferred = i;
            }
            else if (shape[i] < 0)
            {
                throw new ArgumentException($"reshape: invalid dimension {shape[i]} in [{string.Join(", ", shape)}].");
            }
            else
            {
                known *= shape[i];
            }
        }
        if (inferred < 0) return new Shape(shape);
        if (known == 0 || Size % known != 0)
            throw new ArgumentException($"reshape: cannot reshape a tensor of shape {Shape} ({Size} elements) to [{string.Join(", ", shape)}].");
        var dims = (int[])shape.Clone();
        dims[inferred] = (int)(Size / known);
        return new Shape(dims);
    }
}
