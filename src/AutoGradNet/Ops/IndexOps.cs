using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

// Selection by an index tensor or a mask (copies, unlike the strided views), each paired with the scatter that is its
// derivative, and that scatter's derivative is the selection again: so gradients of gradients work.

/// <summary>
/// y = x.index_select(axis, index): the slices of x at <c>index</c> (validated: 1-D Int64, in range, non-negative).
/// ∂x = zeros.IndexAdd(axis, index, g): repeated indices add up.
/// </summary>
internal sealed class IndexSelect : Node
{
    private readonly int _axis;

    private IndexSelect(Tensor x, int axis, Tensor index) : base(x)
    {
        _axis = axis;
        Save(index);
    }

    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["axis"] = _axis };

    public static Tensor Apply(Tensor x, int axis, Tensor index)
    {
        var picks = IndexLayout.AxisPicks(index.Dense<long>(), x.Strides[axis]);
        var r = Tensor.Empty(x.Shape.With(axis, index.Size), x.DType);
        IndexKernels.Take(x, IndexLayout.Of(x.Shape, x.StrideArray, x.StorageOffset, axis, 1, picks), r);
        return Graph.Record(r, x, (axis, index), static (x, s) => new IndexSelect(x, s.axis, s.index));
    }

    private protected override Tensor?[] Backward(Tensor g)
        => [IndexAdd.Apply(Tensor.Zeros(Edges[0].Shape, g.DType), _axis, Saved(0), g, 1)];
}

/// <summary>
/// y = self.index_add(axis, index, source, alpha): a copy of self with alpha·source's slices added at <c>index</c>
/// (repeats add up). ∂self = g; ∂source = alpha·g.IndexSelect(axis, index).
/// </summary>
internal sealed class IndexAdd : Node
{
    private readonly int _axis;
    private readonly double _alpha;

    private IndexAdd(Tensor self, Tensor source, int axis, Tensor index, double alpha) : base(self, source)
    {
        _axis = axis;
        _alpha = alpha;
        Save(index);
    }

    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["axis"] = _axis, ["alpha"] = _alpha };

    public static Tensor Apply(Tensor self, int axis, Tensor index, Tensor source, double alpha)
    {
        var r = Tensor.Empty(self.Shape, self.DType);
        Elementwise.CopyInto(self, r);
        var picks = IndexLayout.AxisPicks(index.Dense<long>(), r.Strides[axis]);
        IndexKernels.Accumulate(source, alpha, IndexLayout.Of(r.Shape, r.StrideArray, 0, axis, 1, picks), r);
        return Graph.Record(r, self, source, (axis, index, alpha), static (a, b, s) => new IndexAdd(a, b, s.axis, s.index, s.alpha));
    }

    private protected override Tensor?[] Backward(Tensor g)
    {
        Tensor? source = null;
        if (NeedsGrad(1))
        {
            source = IndexSelect.Apply(g, _axis, Saved(0));
            if (_alpha != 1) source = source * _alpha; // not *=, which would write in place into a graph tensor under createGraph
        }
        return [NeedsGrad(0) ? g : null, source];
    }
}

/// <summary>
/// y = x.masked_select(mask): the elements of x (broadcast with the Bool mask) where the mask is true, as a 1-D
/// tensor in row-major order. ∂x = g scattered into zeros at the mask's true positions (<see cref="MaskedScatter"/>).
/// </summary>
internal sealed class MaskedSelect : Node
{
    private readonly Shape _shape;

    private MaskedSelect(Tensor x, Tensor mask, Shape shape) : base(x)
    {
        _shape = shape;
        Save(mask);
    }

    public static Tensor Apply(Tensor x, Tensor mask, Shape shape)
    {
        var strides = x.BroadcastStrides(shape);
        var picks = IndexLayout.MaskPicks(Elementwise.Expand<bool>(mask, shape), shape.Dims, strides);
        var r = Tensor.Empty(new Shape(picks.Length), x.DType);
        IndexKernels.Take(x, new IndexLayout(x.StorageOffset, [0], picks, [0]), r);
        return Graph.Record(r, x, (mask, shape), static (x, s) => new MaskedSelect(x, s.mask, s.shape));
    }

    private protected override Tensor?[] Backward(Tensor g) => [MaskedScatter.Apply(g, Saved(0), _shape)];
}

/// <summary>
/// The backward of <see cref="MaskedSelect"/>: zeros of the broadcast shape with the 1-D g written, in order, at the
/// mask's true positions (PyTorch's masked_scatter into zeros). ∂g = the incoming gradient's MaskedSelect.
/// </summary>
internal sealed class MaskedScatter : Node
{
    private MaskedScatter(Tensor g, Tensor mask) : base(g) => Save(mask);

    public static Tensor Apply(Tensor g, Tensor mask, Shape shape)
    {
        var r = Tensor.Zeros(shape, g.DType);
        var picks = IndexLayout.MaskPicks(Elementwise.Expand<bool>(mask, shape), shape.Dims, shape.Strides());
        IndexKernels.Put(g, new IndexLayout(0, [0], picks, [0]), r);
        return Graph.Record<Tensor>(r, g, mask, static (g, mask) => new MaskedScatter(g, mask));
    }

    private protected override Tensor?[] Backward(Tensor g)
    {
        var mask = Saved(0);
        return [MaskedSelect.Apply(g, mask, Shape.Broadcast(g.Shape, mask.Shape, "MaskedSelect"))];
    }
}
