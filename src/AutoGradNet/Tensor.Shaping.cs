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
    public Tensor Sum(int[] axes, bool keepDim = false) => Ops.Sum.Apply(this, AxesNotNull(axes, "Sum"), keepDim);

    /// <summary>Mean of all elements, as a 0-d tensor.</summary>
    public Tensor Mean() => Mean([], keepDim: false);

    /// <summary>Mean over <paramref name="axis"/>.</summary>
    public Tensor Mean(int axis, bool keepDim = false) => Mean([axis], keepDim);

    /// <summary>Mean over several axes; an empty list means all axes.</summary>
    public Tensor Mean(int[] axes, bool keepDim = false)
    {
        var sum = Ops.Sum.Apply(Ops.Promotion.ToFloating(this), AxesNotNull(axes, "Mean"), keepDim, "Mean");
        var count = sum.Size == 0 ? 1 : Size / sum.Size;
        return sum / count;
    }

    /// <summary>Largest element, as a 0-d tensor. Its gradient is shared equally among tied maxima.</summary>
    public Tensor Max() => Ops.Max.Apply(this, [], keepDim: false);

    /// <summary>Largest element along <paramref name="axis"/>.</summary>
    public Tensor Max(int axis, bool keepDim = false) => Ops.Max.Apply(this, [axis], keepDim);

    /// <summary>Largest element over several axes; an empty list means all axes.</summary>
    public Tensor Max(int[] axes, bool keepDim = false) => Ops.Max.Apply(this, AxesNotNull(axes, "Max"), keepDim);

    /// <summary>Smallest element over several axes (as <c>-(-x).Max(axes)</c>); an empty list means all axes.</summary>
    public Tensor Min(int[] axes, bool keepDim = false) => -Ops.Max.Apply(-NotBool("Min"), AxesNotNull(axes, "Min"), keepDim, "Min");

    /// <summary>Smallest element along <paramref name="axis"/> (as <c>-(-x).Max(axis)</c>).</summary>
    public Tensor Min(int axis, bool keepDim = false) => -Ops.Max.Apply(-NotBool("Min"), [axis], keepDim, "Min");

    /// <summary>Smallest element, as a 0-d tensor.</summary>
    public Tensor Min() => -Ops.Max.Apply(-NotBool("Min"), [], keepDim: false, "Min");

    /// <summary>
    /// <paramref name="axes"/>, checked: a null array would otherwise read as an empty span, which means "all axes".
    /// </summary>
    private static int[] AxesNotNull(int[] axes, string op) =>
        axes ?? throw new ArgumentNullException(nameof(axes), $"{op}: axes is null; pass [] to reduce over all axes.");

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
            throw new ArgumentException($"MatMul: both operands need at least one dimension, got shapes {Shape} and {other.Shape}.");
        var a = Rank == 1 ? Unsqueeze(0) : this;
        var b = other.Rank == 1 ? other.Unsqueeze(1) : other;
        if (a.Shape[^1] != b.Shape[^2])
            throw new ArgumentException($"MatMul: inner dimensions do not match: {Shape} @ {other.Shape} ({a.Shape[^1]} vs {b.Shape[^2]}).");
        Ops.Checks.SameDType(this, other, "MatMul");
        var r = Ops.MatMul.Apply(a, b);
        if (Rank == 1) r = r.Squeeze(-2);
        if (other.Rank == 1) r = r.Squeeze(-1);
        return r;
    }

    /// <summary>The transpose of a tensor of rank ≤ 2 (reverses all axes for higher ranks, like PyTorch's <c>.T</c>); a view.</summary>
    public Tensor T
    {
        get
        {
            var axes = new int[Rank];
            for (var i = 0; i < Rank; i++) axes[i] = Rank - 1 - i;
            return Permute(axes);
        }
    }

    /// <summary>Swaps two axes (a view sharing storage).</summary>
    public Tensor Transpose(int axis0, int axis1)
    {
        var a0 = Shape.NormalizeAxis(axis0, "Transpose");
        var a1 = Shape.NormalizeAxis(axis1, "Transpose");
        var axes = new int[Rank];
        for (var i = 0; i < Rank; i++) axes[i] = i;
        (axes[a0], axes[a1]) = (axes[a1], axes[a0]);
        return Ops.Permute.Apply(this, axes);
    }

    /// <summary>Reorders the axes: axis i of the result is axis <c>axes[i]</c> of this tensor (a view sharing storage).</summary>
    /// <exception cref="ArgumentException"><paramref name="axes"/> is not a permutation of this tensor's axes.</exception>
    public Tensor Permute(params int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Length != Rank)
            throw new ArgumentException($"Permute: {axes.Length} axes given for a tensor of shape {Shape} (rank {Rank}).");
        Shape.AxisMask(axes, "Permute"); // rejects out-of-range and repeated axes
        var normalized = new int[Rank];
        for (var i = 0; i < Rank; i++) normalized[i] = Shape.NormalizeAxis(axes[i], "Permute");
        return Ops.Permute.Apply(this, normalized);
    }

    /// <summary>
    /// The same elements with a new shape; one dimension may be <c>-1</c> to be inferred. A view sharing storage when
    /// the layout allows (always for a contiguous tensor), else a copy, as in PyTorch. Use <see cref="View(int[])"/>
    /// to insist on a view.
    /// </summary>
    /// <exception cref="ArgumentException">The element counts differ, or more than one dimension is -1.</exception>
    public Tensor Reshape(params int[] shape) => Reshape(InferShape(shape, "Reshape"));

    /// <summary>The same elements with a new shape: a view when the layout allows, else a copy.</summary>
    public Tensor Reshape(Shape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        CheckSameSize(shape, "Reshape");
        return Ops.Reshape.Apply(this, shape);
    }

    /// <summary>
    /// A view with a new shape, sharing storage; one dimension may be <c>-1</c>. Unlike <see cref="Reshape(int[])"/>
    /// it never copies, and throws when this tensor's strides cannot be read with the new shape (e.g. after a transpose).
    /// </summary>
    /// <exception cref="ArgumentException">The element counts differ, or the layout needs a copy (call <see cref="Contiguous"/> or <see cref="Reshape(int[])"/>).</exception>
    public Tensor View(params int[] shape)
    {
        var target = InferShape(shape, "View");
        CheckSameSize(target, "View");
        if (Ops.Reshape.ViewStrides(this, target) is null)
        {
            throw new ArgumentException(
                $"View: a tensor of shape {Shape} with strides [{string.Join(", ", Strides)}] cannot be viewed as {target} without a copy; " +
                "use Reshape(...), which copies when it must, or Contiguous().View(...).");
        }
        return Ops.Reshape.Apply(this, target);
    }

    /// <summary>
    /// This tensor when <see cref="IsContiguous"/>, else a contiguous copy (recorded, so gradients flow through it).
    /// </summary>
    public Tensor Contiguous() => IsContiguous ? this : Clone();

    /// <summary>Merges axes <paramref name="startAxis"/>..<paramref name="endAxis"/> into one (all axes by default): a view when the layout allows, else a copy.</summary>
    public Tensor Flatten(int startAxis = 0, int endAxis = -1)
    {
        if (Rank == 0) return Reshape(1);
        var s = Shape.NormalizeAxis(startAxis, "Flatten");
        var e = Shape.NormalizeAxis(endAxis, "Flatten");
        if (s > e) throw new ArgumentException($"Flatten: start axis {startAxis} comes after end axis {endAxis} (shape {Shape}).");
        var dims = new List<int>();
        for (var i = 0; i < s; i++) dims.Add(Shape[i]);
        var merged = 1;
        for (var i = s; i <= e; i++) merged *= Shape[i];
        dims.Add(merged);
        for (var i = e + 1; i < Rank; i++) dims.Add(Shape[i]);
        return Reshape(new Shape([.. dims]));
    }

    /// <summary>Splits axis <paramref name="axis"/> into <paramref name="sizes"/> (one may be -1): the inverse of <see cref="Flatten"/>.</summary>
    /// <exception cref="ArgumentException">The sizes' product is not the axis length.</exception>
    public Tensor Unflatten(int axis, params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var a = Shape.NormalizeAxis(axis, "Unflatten");
        var part = InferPart(sizes, Shape[a], a);
        var dims = new List<int>(Shape);
        dims.RemoveAt(a);
        dims.InsertRange(a, part);
        return Reshape(new Shape([.. dims]));
    }

    /// <summary>Inserts an axis of length 1 at <paramref name="axis"/> (which may equal the rank, or be negative); a view sharing storage.</summary>
    public Tensor Unsqueeze(int axis)
    {
        var a = axis < 0 ? axis + Rank + 1 : axis;
        if (a < 0 || a > Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Unsqueeze: axis {axis} is out of range for a tensor of shape {Shape}; expected [{-Rank - 1}, {Rank}].");
        var dims = new List<int>(Shape);
        dims.Insert(a, 1);
        return Reshape(new Shape([.. dims]));
    }

    /// <summary>Removes every axis of length 1 (a view sharing storage).</summary>
    public Tensor Squeeze() => Reshape(new Shape([.. Shape.Where(d => d != 1)]));

    /// <summary>Removes the axis <paramref name="axis"/>, which must have length 1 (a view sharing storage).</summary>
    public Tensor Squeeze(int axis)
    {
        var a = Shape.NormalizeAxis(axis, "Squeeze");
        if (Shape[a] != 1)
            throw new ArgumentException($"Squeeze: axis {axis} of shape {Shape} has length {Shape[a]}, not 1.");
        var dims = new List<int>(Shape);
        dims.RemoveAt(a);
        return Reshape(new Shape([.. dims]));
    }

    /// <summary>
    /// This tensor repeated along broadcast axes to <paramref name="shape"/> (numpy rules): a view with stride 0 along
    /// the repeated axes, sharing storage. Writing into it in place is refused, since several elements share one value.
    /// </summary>
    /// <exception cref="ArgumentException">This shape does not broadcast to <paramref name="shape"/>.</exception>
    public Tensor BroadcastTo(Shape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (!Shape.CanBroadcastTo(shape))
            throw new ArgumentException($"BroadcastTo: shape {Shape} cannot be broadcast to {shape}.");
        return Ops.Expand.Apply(this, shape);
    }

    /// <summary>PyTorch's name for <see cref="BroadcastTo(Shape)"/>: a view repeated along broadcast axes.</summary>
    public Tensor Expand(params int[] shape) => BroadcastTo(new Shape(shape));

    /// <summary>
    /// The elements with index in <c>[start, end)</c> along <paramref name="axis"/>, every <paramref name="step"/>-th,
    /// like <c>x[..., start:end:step]</c>: a view sharing storage. Negative indices count from the end; out-of-range
    /// bounds are clamped, as in Python slicing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is not positive (PyTorch has no negative steps; use <c>Flip</c>).</exception>
    public Tensor Slice(int axis, int start, int end, int step = 1)
    {
        var a = Shape.NormalizeAxis(axis, "Slice");
        if (step <= 0)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"Slice: step must be positive, got {step} (shape {Shape}, axis {axis}); use Flip for reversed order.");
        var n = Shape[a];
        var s = Math.Clamp(start < 0 ? start + n : start, 0, n);
        var e = Math.Clamp(end < 0 ? end + n : end, s, n);
        return Ops.StridedView.Apply(this, new Ops.SliceSpec(a, s, (e - s + step - 1) / step, step));
    }

    /// <summary><paramref name="length"/> elements from <paramref name="start"/> along <paramref name="axis"/> (a view), like <c>torch.narrow</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not fit in the axis.</exception>
    public Tensor Narrow(int axis, int start, int length)
    {
        var a = Shape.NormalizeAxis(axis, "Narrow");
        var n = Shape[a];
        var s = start < 0 ? start + n : start;
        if (s < 0 || length < 0 || s + length > n)
            throw new ArgumentOutOfRangeException(nameof(start), start, $"Narrow: start {start} and length {length} do not fit in axis {axis} of length {n} (shape {Shape}).");
        return Ops.StridedView.Apply(this, new Ops.SliceSpec(a, s, length, 1));
    }

    /// <summary>The sub-tensor at <paramref name="index"/> along <paramref name="axis"/>, which disappears (a view), like <c>x[..., index, ...]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    public Tensor Select(int axis, int index)
    {
        var a = Shape.NormalizeAxis(axis, "Select");
        var n = Shape[a];
        var i = index < 0 ? index + n : index;
        if (i < 0 || i >= n)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Select: index {index} is out of range for axis {axis} of length {n} (shape {Shape}).");
        return Ops.StridedView.Apply(this, new Ops.SelectSpec(a, i));
    }

    /// <summary>
    /// The diagonal of the matrices spanned by <paramref name="axis1"/> and <paramref name="axis2"/> (the first two by
    /// default, as in PyTorch), shifted by <paramref name="offset"/> (above the main diagonal when positive): a view
    /// whose last axis is the diagonal.
    /// </summary>
    /// <exception cref="ArgumentException">The two axes are the same.</exception>
    public Tensor Diagonal(int offset = 0, int axis1 = 0, int axis2 = 1)
    {
        var a1 = Shape.NormalizeAxis(axis1, "Diagonal");
        var a2 = Shape.NormalizeAxis(axis2, "Diagonal");
        if (a1 == a2) throw new ArgumentException($"Diagonal: the two axes must differ, got {axis1} and {axis2} (shape {Shape}).");
        return Ops.StridedView.Apply(this, new Ops.DiagonalSpec(offset, a1, a2));
    }

    /// <summary>Joins tensors along an existing axis; all other dimensions and the dtype must match.</summary>
    /// <exception cref="ArgumentException">The list is empty, or shapes, ranks or dtypes disagree.</exception>
    public static Tensor Concat(Tensor[] tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("Concat: expected at least one tensor.", nameof(tensors));
        CheckNoNulls(tensors, "Concat");
        var first = tensors[0];
        if (first.Rank == 0) throw new ArgumentException("Concat: cannot concatenate 0-d tensors; use Stack.");
        var a = first.Shape.NormalizeAxis(axis, "Concat");
        for (var i = 1; i < tensors.Length; i++)
        {
            var t = tensors[i];
            Checks.SameDType(first, t, "Concat");
            var compatible = t.Rank == first.Rank;
            for (var d = 0; compatible && d < first.Rank; d++) compatible = d == a || t.Shape[d] == first.Shape[d];
            if (!compatible)
                throw new ArgumentException($"Concat: tensor {i} has shape {t.Shape}, which does not match {first.Shape} outside axis {axis}.");
        }
        return Ops.Concat.Apply(tensors, a);
    }

    /// <summary>Joins tensors of equal shape along a new axis.</summary>
    /// <exception cref="ArgumentException">The list is empty or the shapes differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is outside <c>[-Rank-1, Rank]</c> of the inputs.</exception>
    public static Tensor Stack(Tensor[] tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("Stack: expected at least one tensor.", nameof(tensors));
        CheckNoNulls(tensors, "Stack");
        var rank = tensors[0].Rank;
        var a = axis < 0 ? axis + rank + 1 : axis;
        if (a < 0 || a > rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Stack: axis {axis} is out of range for tensors of shape {tensors[0].Shape}; expected [{-rank - 1}, {rank}].");
        for (var i = 1; i < tensors.Length; i++)
        {
            Checks.SameDType(tensors[0], tensors[i], "Stack");
            if (tensors[i].Shape != tensors[0].Shape)
                throw new ArgumentException($"Stack: tensor {i} has shape {tensors[i].Shape}, but tensor 0 has shape {tensors[0].Shape}.");
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

    /// <summary>A contiguous tensor sharing this fresh contiguous result's storage with another shape of the same size; no graph.</summary>
    internal Tensor ViewAs(Shape shape) => new(Storage, shape, DType);

    private void CheckSameSize(Shape shape, string op)
    {
        if (shape.Size != Size)
            throw new ArgumentException($"{op}: cannot reshape a tensor of shape {Shape} ({Size} elements) to {shape} ({shape.Size} elements).");
    }

    private int[] InferPart(int[] sizes, int length, int axis)
    {
        var inferred = Array.IndexOf(sizes, -1);
        long known = 1;
        foreach (var d in sizes) if (d != -1) known *= d;
        var part = (int[])sizes.Clone();
        if (inferred >= 0 && known != 0 && length % known == 0) part[inferred] = (int)(length / known);
        long product = 1;
        foreach (var d in part) product *= d;
        if (product != length || Array.Exists(part, d => d < 0))
            throw new ArgumentException($"Unflatten: sizes [{string.Join(", ", sizes)}] do not multiply to {length}, the length of axis {axis} (shape {Shape}).");
        return part;
    }

    private Shape InferShape(int[] shape, string op)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var inferred = -1;
        long known = 1;
        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (inferred >= 0) throw new ArgumentException($"{op}: only one dimension can be -1, got [{string.Join(", ", shape)}].");
                inferred = i;
            }
            else if (shape[i] < 0)
            {
                throw new ArgumentException($"{op}: invalid dimension {shape[i]} in [{string.Join(", ", shape)}].");
            }
            else
            {
                known *= shape[i];
            }
        }
        if (inferred < 0) return new Shape(shape);
        if (known == 0 || Size % known != 0)
            throw new ArgumentException($"{op}: cannot reshape a tensor of shape {Shape} ({Size} elements) to [{string.Join(", ", shape)}].");
        var dims = (int[])shape.Clone();
        dims[inferred] = (int)(Size / known);
        return new Shape(dims);
    }
}
