using AutoGradNet.Autograd;
using AutoGradNet.Kernels;
using AutoGradNet.Ops;

namespace AutoGradNet;

// Indexing with C# syntax (x[1, .., ^1], x[idx], x[mask]) and the selection ops behind it.
public sealed partial class Tensor
{
    private const string IndexerName = "Indexer";

    /// <summary>
    /// A 0-d <see cref="DType.Float64"/> tensor holding <paramref name="value"/> (<see cref="Scalar"/>), so that
    /// <c>x[0, 1] = 5.0</c> and <c>x[mask] = 0</c> read naturally; the indexer converts the value to the target's
    /// dtype. Operators with a <see cref="double"/> operand (<c>x * 2.0</c>) keep using their scalar overloads, which
    /// take the tensor's dtype; <c>x == 5.0</c> does not compile (compare elements with <c>x.ElementwiseEquals(Tensor.Scalar(5, x.DType))</c>).
    /// Where a method takes only a <see cref="Tensor"/> (<c>x.Maximum(0.0)</c>), the converted number is a 0-d Float64
    /// tensor, which takes the other operand's float type (PyTorch's rule for scalars), so it works with Float32 too.
    /// </summary>
    public static implicit operator Tensor(double value) => Scalar(value);

    /// <summary>
    /// PyTorch-style indexing, recorded so gradients flow through it. Each entry indexes the next axis: an integer
    /// (<c>x[1]</c>, <c>x[^1]</c>) selects one position and removes the axis; a range (<c>x[1..3]</c>, <c>x[..]</c>)
    /// or <see cref="TensorIndex.Slice"/> keeps a run of positions (bounds clamped as in Python); <see cref="TensorIndex.Ellipsis"/>
    /// stands for the axes no other entry indexes; <see cref="TensorIndex.NewAxis"/> inserts an axis of length 1.
    /// These give a <b>view</b> sharing storage (like <c>Select</c>/<c>Slice</c>/<c>Unsqueeze</c>). One entry may be
    /// a tensor, giving a <b>copy</b>: an Int64 index tensor gathers along its axis (<c>x[idx]</c>: shape
    /// <c>idx.Shape</c> in place of that axis; negative indices count from the end), a Bool mask covering
    /// <c>mask.Rank</c> axes selects where it is true (<c>x[mask]</c>: those axes become one axis of length
    /// <c>count</c>). Gradients follow PyTorch: an indexed element gets the gradient of every place it was read
    /// (repeated indices add up); unselected elements get zero. A single element, <c>x[0, 2]</c>, is a 0-d tensor in
    /// the graph (use <see cref="ItemAt"/> for a plain <see cref="double"/>).
    /// <para>
    /// Assigning writes in place (not recorded, bumping the version): <c>x[.., 0] = v</c> copies <c>v</c>
    /// (broadcast, converted to this dtype) into the view; with an index tensor or mask it writes the selected
    /// positions (PyTorch's <c>index_put_</c> / <c>masked_fill_</c>; the last write wins on repeated indices). As for
    /// every in-place write, a tensor that requires grad (or a view of one) can be assigned to only under
    /// <see cref="NoGrad"/>. A number converts implicitly: <c>x[0, 1] = 5.0</c>.
    /// </para>
    /// </summary>
    /// <exception cref="ArgumentException">Too many indices, two ellipses, more than one tensor index, an index tensor that is not Int64 or Bool, a mask whose shape does not match the axes it covers, or an assigned value that does not broadcast.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An integer or an element of an index tensor is out of range for its axis.</exception>
    /// <exception cref="InvalidOperationException">Assigning to a tensor that requires grad (or a view of one) while grad mode is on, or to a broadcast view.</exception>
    [System.Runtime.CompilerServices.IndexerName("Index")] // the default name, Item, is taken by Item()
    public Tensor this[params TensorIndex[] indices]
    {
        get
        {
            var plan = PlanIndex(indices, IndexerName);
            var t = plan.View;
            if (plan.Tensor is null) return ReferenceEquals(t, this) ? Ops.Reshape.Apply(this, Shape) : t;
            var p = plan.Axis;
            if (plan.Tensor.DType == DType.Int64)
            {
                var index = NormalizedIndex(plan.Tensor, t.Shape[p], plan.SourceAxis, IndexerName);
                var r = Ops.IndexSelect.Apply(t, p, index.Reshape(-1));
                return index.Rank == 1 ? r : r.Reshape(SelectionShape(t.Shape, p, 1, index.Shape));
            }
            var mask = plan.Tensor;
            if (p == 0 && mask.Rank == t.Rank) return Ops.MaskedSelect.Apply(t, mask, t.Shape);
            var flat = mask.Rank == 0 ? t.Unsqueeze(p) : t.Flatten(p, p + mask.Rank - 1);
            return Ops.IndexSelect.Apply(flat, p, TruePositions(mask));
        }
        set
        {
            Checks.NotNull(value, IndexerName, "assigned value");
            IndexPlan plan;
            using (NoGrad()) plan = PlanIndex(indices, IndexerName);
            var target = plan.View;
            target.CheckWritable(IndexerName);
            if (GradMode.IsEnabled && value.RequiresGrad)
            {
                throw new InvalidOperationException(
                    $"{IndexerName}: assignment is not recorded, so the assigned value (shape {value.Shape}) cannot require grad while grad mode is on. " +
                    "Wrap the update in `using (Tensor.NoGrad())`, or assign value.Detach().");
            }
            var source = Promotion.Convert(value, target.DType);
            if (plan.Tensor is null)
            {
                CheckAssignable(value, target.Shape);
                Elementwise.CopyInto(source, target);
            }
            else
            {
                var (layout, shape) = WriteLayout(target, plan);
                CheckAssignable(value, shape);
                var dense = Empty(shape, target.DType);
                Elementwise.CopyInto(source, dense);
                IndexKernels.Put(dense, layout, target);
            }
            Storage.Bump();
        }
    }

    /// <summary>
    /// The slices of this tensor at <paramref name="index"/> along <paramref name="axis"/>, like <c>torch.index_select</c>:
    /// a copy whose axis has <c>index.Size</c> positions. <paramref name="index"/> is a 1-D (or 0-d) Int64 tensor of
    /// positions in <c>[0, length)</c>; negative positions are an error, as in PyTorch (the indexer <c>x[idx]</c>
    /// accepts them). Gradient: the output gradient added back at the indices (<see cref="IndexAdd"/>), so repeated
    /// indices accumulate, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException">The index is not Int64 or has rank above 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The axis or an index is out of range.</exception>
    public Tensor IndexSelect(int axis, Tensor index)
    {
        var a = Shape.NormalizeAxis(axis, "IndexSelect");
        var flat = CheckAxisIndex(index, a, "IndexSelect");
        return Ops.IndexSelect.Apply(this, a, flat);
    }

    /// <summary>
    /// A copy of this tensor with <c>alpha·source</c>'s slices added at <paramref name="index"/> along
    /// <paramref name="axis"/>, like <c>torch.index_add</c> (out of place): <c>r[..., index[j], ...] += alpha·source[..., j, ...]</c>,
    /// repeated indices adding up. <paramref name="source"/> has this shape with <paramref name="axis"/> of length
    /// <c>index.Size</c>. Gradients: this tensor gets the output gradient; <paramref name="source"/> gets
    /// <c>alpha·g.IndexSelect(axis, index)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The index is not a 1-D Int64 tensor, the dtypes differ or are Bool, or <paramref name="source"/> has the wrong shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The axis or an index is out of range.</exception>
    public Tensor IndexAdd(int axis, Tensor index, Tensor source, double alpha = 1)
    {
        var a = Shape.NormalizeAxis(axis, "IndexAdd");
        var flat = CheckAxisIndex(index, a, "IndexAdd");
        Checks.NotNull(source, "IndexAdd", "source");
        Checks.SameDType(this, source, "IndexAdd");
        if (DType == DType.Bool)
            throw new ArgumentException($"IndexAdd: Bool tensors cannot be added (shape {Shape}); convert with .To(DType.Int64) or a float dtype.");
        var expected = Shape.With(a, flat.Size);
        if (source.Shape != expected)
            throw new ArgumentException($"IndexAdd: source has shape {source.Shape}, expected {expected} (self {Shape} with axis {axis} of length {flat.Size}, the number of indices).");
        return Ops.IndexAdd.Apply(this, a, flat, source, alpha);
    }

    /// <summary>
    /// The elements where the Bool <paramref name="mask"/> is true, as a 1-D copy in row-major order, like
    /// <c>torch.masked_select</c>; this tensor and the mask broadcast together. Gradient: the output gradient
    /// scattered back to the selected positions, zero elsewhere.
    /// </summary>
    /// <exception cref="ArgumentException">The mask is not Bool, or the shapes do not broadcast.</exception>
    public Tensor MaskedSelect(Tensor mask)
    {
        Checks.NotNull(mask, "MaskedSelect", "mask");
        if (mask.DType != DType.Bool)
            throw new ArgumentException($"MaskedSelect: the mask must be Bool, got {mask.DType} (shape {mask.Shape}). Compare first, e.g. x > 0.");
        var shape = Shape.Broadcast(Shape, mask.Shape, "MaskedSelect");
        return Ops.MaskedSelect.Apply(this, mask, shape);
    }

    /// <summary>The view after the integer, range, ellipsis and new-axis entries, and where the one tensor entry (if any) applies.</summary>
    private readonly record struct IndexPlan(Tensor View, Tensor? Tensor, int Axis, int SourceAxis);

    private IndexPlan PlanIndex(TensorIndex[] indices, string op)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int consumed = 0, ellipses = 0;
        Tensor? advanced = null;
        foreach (var index in indices)
        {
            switch (index.Kind)
            {
                case TensorIndexKind.Ellipsis: ellipses++; break;
                case TensorIndexKind.NewAxis: break;
                case TensorIndexKind.Tensor:
                    if (advanced is not null)
                        throw new ArgumentException($"{op}: only one Int64 index tensor or Bool mask per indexing expression is supported, got a second one ({index}) indexing a tensor of shape {Shape}; index in two steps.");
                    advanced = index.Tensor!;
                    if (advanced.DType is not (DType.Int64 or DType.Bool))
                        throw new ArgumentException($"{op}: an index tensor must be Int64 (positions) or Bool (a mask), got {advanced.DType} (shape {advanced.Shape}); convert with .To(DType.Int64).");
                    consumed += advanced.DType == DType.Bool ? advanced.Rank : 1;
                    break;
                default: consumed++; break;
            }
        }
        if (ellipses > 1)
            throw new ArgumentException($"{op}: an indexing expression can contain only one Ellipsis, got {ellipses} (shape {Shape}).");
        if (consumed > Rank)
            throw new ArgumentException($"{op}: too many indices for a tensor of shape {Shape}: {consumed} axes indexed ([{string.Join(", ", indices)}]), but the tensor has rank {Rank}.");

        var t = this;
        int axis = 0, source = 0, tensorAxis = -1, tensorSource = -1;
        foreach (var index in indices)
        {
            switch (index.Kind)
            {
                case TensorIndexKind.Integer:
                {
                    var n = t.Shape[axis];
                    var position = index.Position(n);
                    if (position < 0 || position >= n)
                        throw new ArgumentOutOfRangeException(nameof(indices), index.ToString(), $"{op}: index {index} is out of range for axis {source} of length {n} (shape {Shape}).");
                    t = StridedView.Apply(t, new SelectSpec(axis, (int)position));
                    source++;
                    break;
                }
                case TensorIndexKind.Range or TensorIndexKind.Slice:
                {
                    var n = t.Shape[axis];
                    var (start, stop) = index.Bounds(n);
                    if (start != 0 || stop != n || index.Step != 1)
                        t = StridedView.Apply(t, new SliceSpec(axis, start, (stop - start + index.Step - 1) / index.Step, index.Step));
                    axis++;
                    source++;
                    break;
                }
                case TensorIndexKind.NewAxis:
                    t = t.Unsqueeze(axis);
                    axis++;
                    break;
                case TensorIndexKind.Ellipsis:
                    axis += Rank - consumed;
                    source += Rank - consumed;
                    break;
                default:
                {
                    var covered = advanced!.DType == DType.Bool ? advanced.Rank : 1;
                    if (advanced.DType == DType.Bool) CheckMaskShape(advanced, t.Shape, axis, source, op);
                    tensorAxis = axis;
                    tensorSource = source;
                    axis += covered;
                    source += covered;
                    break;
                }
            }
        }
        return new IndexPlan(t, advanced, tensorAxis, tensorSource);
    }

    private void CheckMaskShape(Tensor mask, Shape view, int axis, int source, string op)
    {
        for (var i = 0; i < mask.Rank; i++)
        {
            if (mask.Shape[i] != view[axis + i])
            {
                throw new ArgumentException(
                    $"{op}: the Bool mask of shape {mask.Shape} does not match the axes it indexes: mask axis {i} has length {mask.Shape[i]}, " +
                    $"but axis {source + i} of the tensor (shape {Shape}) has length {view[axis + i]}.");
            }
        }
    }

    /// <summary>The Int64 index with negative positions turned into positions from the end, every one checked against <paramref name="length"/>.</summary>
    private Tensor NormalizedIndex(Tensor index, int length, int axis, string op)
    {
        var values = index.Dense<long>();
        long[]? normalized = null;
        for (var j = 0; j < values.Length; j++)
        {
            var v = values[j];
            if (v < -length || v >= length)
                throw new ArgumentOutOfRangeException(nameof(index), v, $"{op}: index {v} (element {j} of the index tensor) is out of range for axis {axis} of length {length} (shape {Shape}).");
            if (v < 0)
            {
                normalized ??= values.ToArray();
                normalized[j] = v + length;
            }
        }
        return normalized is null ? index : FromArray(normalized, [.. index.Shape]);
    }

    /// <summary>Validates an Int64 index of rank ≤ 1 for an axis (no negative positions, as torch.index_select) and gives it as 1-D.</summary>
    private Tensor CheckAxisIndex(Tensor? index, int axis, string op)
    {
        Checks.NotNull(index, op, "index");
        if (index!.DType != DType.Int64)
            throw new ArgumentException($"{op}: the index must be Int64, got {index.DType} (shape {index.Shape}); convert with .To(DType.Int64).");
        if (index.Rank > 1)
            throw new ArgumentException($"{op}: the index must be 1-D (or 0-d), got shape {index.Shape}; flatten it, or use the indexer x[idx] for N-D indices.");
        var n = Shape[axis];
        var values = index.Dense<long>();
        for (var j = 0; j < values.Length; j++)
        {
            if (values[j] < 0 || values[j] >= n)
                throw new ArgumentOutOfRangeException(nameof(index), values[j], $"{op}: index {values[j]} (element {j}) is out of range for axis {axis} of length {n} (shape {Shape}); indices must lie in [0, {n}).");
        }
        return index.Rank == 1 ? index : index.Reshape(1);
    }

    /// <summary>The flat row-major positions where <paramref name="mask"/> is true, as a 1-D Int64 tensor.</summary>
    private static Tensor TruePositions(Tensor mask)
    {
        var values = mask.Dense<bool>();
        var positions = new List<long>();
        for (var k = 0; k < values.Length; k++)
        {
            if (values[k]) positions.Add(k);
        }
        return FromArray(positions.ToArray(), positions.Count);
    }

    /// <summary><paramref name="shape"/> with axes <c>[axis, axis + covered)</c> replaced by <paramref name="middle"/>.</summary>
    private static Shape SelectionShape(Shape shape, int axis, int covered, IEnumerable<int> middle)
        => new([.. shape.Dims[..axis], .. middle, .. shape.Dims[(axis + covered)..]]);

    /// <summary>Where an index-tensor or mask assignment writes in <paramref name="target"/>, and the shape of the selection.</summary>
    private (IndexLayout Layout, Shape Shape) WriteLayout(Tensor target, IndexPlan plan)
    {
        var p = plan.Axis;
        var strides = target.StrideArray;
        if (plan.Tensor!.DType == DType.Int64)
        {
            var index = NormalizedIndex(plan.Tensor, target.Shape[p], plan.SourceAxis, IndexerName);
            var picks = IndexLayout.AxisPicks(index.Dense<long>(), strides[p]);
            return (IndexLayout.Of(target.Shape, strides, target.StorageOffset, p, 1, picks), SelectionShape(target.Shape, p, 1, index.Shape));
        }
        var mask = plan.Tensor;
        var maskPicks = IndexLayout.MaskPicks(mask.Dense<bool>(), target.Shape.Dims.Slice(p, mask.Rank), strides.AsSpan(p, mask.Rank));
        return (IndexLayout.Of(target.Shape, strides, target.StorageOffset, p, mask.Rank, maskPicks), SelectionShape(target.Shape, p, mask.Rank, [maskPicks.Length]));
    }

    private void CheckAssignable(Tensor value, Shape target)
    {
        if (!value.Shape.CanBroadcastTo(target))
            throw new ArgumentException($"{IndexerName}: the assigned value of shape {value.Shape} cannot be broadcast to the indexed shape {target} (indexing a tensor of shape {Shape}).");
    }
}
