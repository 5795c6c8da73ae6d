using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

// Ops that move elements without arithmetic. Most are views: they share the input's storage and only change how it
// is read (shape, strides, offset). Their derivatives move the gradient back.

/// <summary>Reshape: a view when the layout allows, else a copy (as in PyTorch). ∂: reshape the gradient back.</summary>
internal sealed class Reshape(Tensor x, Shape target) : Node(x)
{
    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["shape"] = target.ToArray() };

    public static Tensor Apply(Tensor x, Shape shape)
    {
        var strides = ViewStrides(x, shape);
        var r = strides is null ? x.Detach().Contiguous().View(shape, shape.ContiguousStrides, 0) : x.View(shape, strides, x.StorageOffset);
        return Graph.Record(r, x, shape, static (x, shape) => new Reshape(x, shape));
    }

    private protected override Tensor?[] Backward(Tensor g) => [g.Reshape(Edges[0].Shape)];

    /// <summary>
    /// The strides that read <paramref name="x"/>'s elements in row-major order with <paramref name="shape"/>, or
    /// <see langword="null"/> when no strides can (PyTorch's computeStride): each run of input axes that is contiguous
    /// in storage may be split or merged freely; a split across a gap needs a copy.
    /// </summary>
    public static int[]? ViewStrides(Tensor x, Shape shape)
    {
        if (x.IsContiguous || x.Size == 0) return shape.ContiguousStrides; // shared, never written
        var oldShape = x.Shape;
        var oldStrides = x.Strides;
        var strides = new int[shape.Rank];
        var viewD = shape.Rank - 1;
        var chunkBaseStride = oldStrides[^1];
        long tensorNumel = 1, viewNumel = 1;
        for (var d = oldShape.Rank - 1; d >= 0; d--)
        {
            tensorNumel *= oldShape[d];
            if (d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBaseStride))
            {
                while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] == 1))
                {
                    strides[viewD] = (int)(viewNumel * chunkBaseStride);
                    viewNumel *= shape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0)
                {
                    chunkBaseStride = oldStrides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? strides : null;
    }
}

/// <summary>Permute axes (a view): output axis i is input axis <c>axes[i]</c>. ∂: permute the gradient by the inverse.</summary>
internal sealed class Permute : Node
{
    private readonly int[] _axes;
    private readonly int[] _inverse;

    private Permute(Tensor x, int[] axes) : base(x)
    {
        _axes = axes;
        _inverse = new int[axes.Length];
        for (var i = 0; i < axes.Length; i++) _inverse[axes[i]] = i;
    }

    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["axes"] = _axes.Clone() };

    public static Tensor Apply(Tensor x, int[] axes)
    {
        var dims = new int[axes.Length];
        var strides = new int[axes.Length];
        for (var i = 0; i < axes.Length; i++)
        {
            dims[i] = x.Shape[axes[i]];
            strides[i] = x.Strides[axes[i]];
        }
        var r = x.View(new Shape(dims), strides, x.StorageOffset);
        return Graph.Record(r, x, axes, static (x, axes) => new Permute(x, axes));
    }

    private protected override Tensor?[] Backward(Tensor g) => [g.Permute(_inverse)];
}

/// <summary>Broadcast to a larger shape: a view with stride 0 along the expanded axes. ∂: the engine sums the gradient back.</summary>
internal sealed class Expand(Tensor x, Shape target) : Node(x)
{
    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["shape"] = target.ToArray() };

    public static Tensor Apply(Tensor x, Shape shape)
    {
        var r = x.View(shape, x.BroadcastStrides(shape), x.StorageOffset);
        return Graph.Record(r, x, shape, static (x, shape) => new Expand(x, shape));
    }

    private protected override Tensor?[] Backward(Tensor g) => [g];
}

/// <summary>
/// A view that picks part of its input: a slice with a step, one index along an axis, a diagonal. Each maps an input
/// layout (shape, strides, offset) to the view's layout, so the same spec can also pick that part out of a gradient.
/// </summary>
internal abstract class ViewSpec
{
    public abstract string OpName { get; }

    public abstract IReadOnlyDictionary<string, object> Attributes { get; }

    public abstract (Shape Shape, int[] Strides, int Offset) Map(Shape shape, IReadOnlyList<int> strides, int offset);

    /// <summary>The view of <paramref name="t"/> (unrecorded).</summary>
    public Tensor ViewOf(Tensor t)
    {
        var (shape, strides, offset) = Map(t.Shape, t.Strides, t.StorageOffset);
        return t.View(shape, strides, offset);
    }
}

/// <summary><c>x[..., start:start+length*step:step, ...]</c> along one axis.</summary>
internal sealed class SliceSpec(int axis, int start, int length, int step) : ViewSpec
{
    public override string OpName => "Slice";

    public override IReadOnlyDictionary<string, object> Attributes =>
        new Dictionary<string, object> { ["axis"] = axis, ["start"] = start, ["length"] = length, ["step"] = step };

    public override (Shape, int[], int) Map(Shape shape, IReadOnlyList<int> strides, int offset)
    {
        var s = strides.ToArray();
        var o = offset + (length == 0 ? 0 : start * s[axis]);
        s[axis] *= step;
        return (shape.With(axis, length), s, o);
    }
}

/// <summary><c>x[..., index, ...]</c>: one index along an axis, which disappears.</summary>
internal sealed class SelectSpec(int axis, int index) : ViewSpec
{
    public override string OpName => "Select";

    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["axis"] = axis, ["index"] = index };

    public override (Shape, int[], int) Map(Shape shape, IReadOnlyList<int> strides, int offset)
    {
        var dims = shape.ToList();
        var s = strides.ToList();
        var o = offset + index * s[axis];
        dims.RemoveAt(axis);
        s.RemoveAt(axis);
        return (new Shape([.. dims]), [.. s], o);
    }
}

/// <summary>The diagonal of the matrices spanned by two axes, with an offset; it becomes the last axis.</summary>
internal sealed class DiagonalSpec(int offset, int axis1, int axis2) : ViewSpec
{
    public override string OpName => "Diagonal";

    public override IReadOnlyDictionary<string, object> Attributes =>
        new Dictionary<string, object> { ["offset"] = offset, ["axis1"] = axis1, ["axis2"] = axis2 };

    public override (Shape, int[], int) Map(Shape shape, IReadOnlyList<int> strides, int storageOffset)
    {
        var length = offset >= 0
            ? Math.Max(0, Math.Min(shape[axis1], shape[axis2] - offset))
            : Math.Max(0, Math.Min(shape[axis1] + offset, shape[axis2]));
        var o = storageOffset;
        if (length > 0) o += offset >= 0 ? offset * strides[axis2] : -offset * strides[axis1];
        var dims = new List<int>();
        var s = new List<int>();
        for (var i = 0; i < shape.Rank; i++)
        {
            if (i == axis1 || i == axis2) continue;
            dims.Add(shape[i]);
            s.Add(strides[i]);
        }
        dims.Add(length);
        s.Add(strides[axis1] + strides[axis2]);
        return (new Shape([.. dims]), [.. s], o);
    }
}

/// <summary>A view picked by a <see cref="ViewSpec"/>. ∂: the gradient placed into zeros of the input's shape at the view's positions.</summary>
internal sealed class StridedView(Tensor x, ViewSpec spec) : Node(x)
{
    public override string OpName => spec.OpName;

    public override IReadOnlyDictionary<string, object> Attributes => spec.Attributes;

    public static Tensor Apply(Tensor x, ViewSpec spec)
        => Graph.Record(spec.ViewOf(x), x, spec, static (x, spec) => new StridedView(x, spec));

    private protected override Tensor?[] Backward(Tensor g) => [ViewScatter.Apply(g, Edges[0].Shape, spec)];
}

/// <summary>
/// The backward of a <see cref="StridedView"/>, itself differentiable (for gradients of gradients): zeros of the
/// input's shape with <c>g</c> written at the view's positions. ∂: the same view of the incoming gradient.
/// </summary>
internal sealed class ViewScatter(Tensor g, ViewSpec spec) : Node(g)
{
    public override string OpName => spec.OpName + "Scatter";

    public override IReadOnlyDictionary<string, object> Attributes => spec.Attributes;

    public static Tensor Apply(Tensor g, Shape shape, ViewSpec spec)
    {
        var r = Tensor.Zeros(shape, g.DType);
        Elementwise.CopyInto(g, spec.ViewOf(r));
        return Graph.Record(r, g, spec, static (g, spec) => new ViewScatter(g, spec));
    }

    private protected override Tensor?[] Backward(Tensor g) => [StridedView.Apply(g, spec)];
}

/// <summary>Concatenation along an axis (a copy). ∂: each input gets its own slice of the gradient.</summary>
internal sealed class Concat(Tensor[] parts, int axis) : Node(parts)
{
    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["axis"] = axis };

    public static Tensor Apply(Tensor[] parts, int axis)
    {
        var total = 0;
        foreach (var p in parts) total += p.Shape[axis];
        var r = Tensor.Empty(parts[0].Shape.With(axis, total), parts[0].DType);
        Layout.Concat(parts, axis, r);
        return Graph.Record(r, parts, axis, static (parts, axis) => new Concat(parts, axis));
    }

    private protected override Tensor?[] Backward(Tensor g)
    {
        var edges = Edges;
        var grads = new Tensor?[edges.Length];
        var at = 0;
        for (var i = 0; i < edges.Length; i++)
        {
            var length = edges[i].Shape[axis];
            if (edges[i].IsActive) grads[i] = g.Slice(axis, at, at + length);
            at += length;
        }
        return grads;
    }
}
