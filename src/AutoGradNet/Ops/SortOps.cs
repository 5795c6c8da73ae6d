using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

/// <summary>
/// Picks <c>x[…, indices[…, j, …], …]</c> along one axis: the values of Sort, TopK and Max/MinWithIndices.
/// ∂/∂x puts each gradient element back where its value came from (<see cref="PutAlong"/>, an adjoint pair).
/// The indices get no gradient.
/// </summary>
internal sealed class TakeAlong : Node
{
    private readonly int _axis;
    private readonly int _length;
    private readonly string _opName;
    private readonly IReadOnlyDictionary<string, object> _attributes;

    private TakeAlong(Tensor x, Tensor indices, int axis, string opName, IReadOnlyDictionary<string, object> attributes) : base(x)
    {
        _axis = axis;
        _length = x.Shape[axis];
        _opName = opName;
        _attributes = attributes;
        Save(indices);
    }

    /// <summary>The method the user called (<c>Sort</c>, <c>TopK</c>, <c>MaxWithIndices</c>…).</summary>
    public override string OpName => _opName;

    public override IReadOnlyDictionary<string, object> Attributes => _attributes;

    /// <param name="x">The input (any dtype).</param>
    /// <param name="indices">Contiguous Int64 positions along <paramref name="axis"/>, valid for <paramref name="x"/>; the result has their shape.</param>
    /// <param name="axis">The normalized axis.</param>
    /// <param name="opName">The public op this implements, for the node's descriptor.</param>
    /// <param name="attributes">That op's attributes.</param>
    public static Tensor Apply(Tensor x, Tensor indices, int axis, string opName, IReadOnlyDictionary<string, object> attributes)
    {
        var r = Tensor.Empty(indices.Shape, x.DType);
        Sorting.TakeAlong(x, indices, axis, r);
        return Graph.Record(r, x, (indices, axis, opName, attributes),
            static (x, s) => new TakeAlong(x, s.indices, s.axis, s.opName, s.attributes));
    }

    private protected override Tensor?[] Backward(Tensor g) => [PutAlong.Apply(g, Saved(0), _axis, _length)];
}

/// <summary>
/// Adds each element of g into a zero tensor at <c>indices</c> along one axis (the backward of <see cref="TakeAlong"/>).
/// ∂/∂g takes the gradient back from those positions (<see cref="TakeAlong"/>), so double backward works.
/// </summary>
internal sealed class PutAlong : Node
{
    private readonly int _axis;

    private PutAlong(Tensor g, Tensor indices, int axis) : base(g)
    {
        _axis = axis;
        Save(indices);
    }

    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["axis"] = _axis };

    public static Tensor Apply(Tensor g, Tensor indices, int axis, int length)
    {
        var r = Tensor.Empty(indices.Shape.With(axis, length), g.DType);
        Sorting.PutAlong(g, indices, axis, r);
        return Graph.Record(r, g, (indices, axis), static (g, s) => new PutAlong(g, s.indices, s.axis));
    }

    private protected override Tensor?[] Backward(Tensor g) =>
        [TakeAlong.Apply(g, Saved(0), _axis, "TakeAlong", new Dictionary<string, object> { ["axis"] = _axis })];
}

/// <summary>
/// Sort, TopK, ArgMax/ArgMin and Max/MinWithIndices: the indices come from a kernel (no gradient), the values are
/// <see cref="TakeAlong"/> of those indices, so the gradient goes to exactly the selected positions.
/// </summary>
internal static class SortOps
{
    public static (Tensor Values, Tensor Indices) Sort(Tensor x, int axis, bool descending, string op = "Sort")
    {
        var a = CheckAxis(x, axis, op);
        if (x.Rank == 0) return OnVector(x, v => Sort(v, 0, descending, op));
        var indices = Tensor.Empty(x.Shape, DType.Int64);
        Sorting.SortIndices(x, a, descending, x.Shape[a], indices);
        var attributes = new Dictionary<string, object> { ["axis"] = a, ["descending"] = descending };
        return (TakeAlong.Apply(x, indices, a, op, attributes), indices);
    }

    public static (Tensor Values, Tensor Indices) TopK(Tensor x, int k, int axis, bool largest, bool sorted)
    {
        const string op = "TopK";
        var a = CheckAxis(x, axis, op);
        var n = x.Rank == 0 ? 1 : x.Shape[a];
        if (k < 0 || k > n)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k,
                $"{op}: k = {k} is out of range for axis {axis} of length {n} (tensor shape {x.Shape}); expected 0 <= k <= {n}.");
        }
        if (x.Rank == 0) return OnVector(x, v => TopK(v, k, 0, largest, sorted));
        var indices = Tensor.Empty(x.Shape.With(a, k), DType.Int64);
        Sorting.SortIndices(x, a, descending: largest, k, indices);
        var attributes = new Dictionary<string, object> { ["k"] = k, ["axis"] = a, ["largest"] = largest, ["sorted"] = sorted };
        return (TakeAlong.Apply(x, indices, a, op, attributes), indices);
    }

    /// <summary>The position of the maximum (or minimum) along <paramref name="axis"/>, or over all elements when it is null.</summary>
    public static Tensor ArgExtreme(Tensor x, int? axis, bool keepDim, bool max, string op)
    {
        CheckOrderable(x, op);
        if (axis is null)
        {
            if (x.Size == 0)
                throw new ArgumentException($"{op}: the tensor of shape {x.Shape} is empty; the position of the {Extreme(max)} of nothing is undefined.");
            var all = Tensor.Empty(Shape.Scalar, DType.Int64);
            Sorting.ArgExtreme(x, 1, x.Size, 1, max, all);
            return all;
        }
        var a = CheckAxis(x, axis.Value, op);
        if (x.Rank == 0) return Tensor.Scalar(0, DType.Int64);
        if (x.Shape[a] == 0)
        {
            throw new ArgumentException(
                $"{op}: cannot reduce over axis {axis} of length 0 (tensor shape {x.Shape}); the position of the {Extreme(max)} of nothing is undefined.");
        }
        var kept = x.Shape.With(a, 1);
        var indices = Tensor.Empty(kept, DType.Int64);
        var (outer, inner) = Layout.Split(x.Shape, a);
        Sorting.ArgExtreme(x, outer, x.Shape[a], inner, max, indices);
        return keepDim ? indices : indices.Reshape(Squeezed(x.Shape, a));
    }

    /// <summary>torch.max(x, dim): the values and the index of the first maximum (or first NaN); its gradient goes to that index.</summary>
    public static (Tensor Values, Tensor Indices) ExtremeWithIndices(Tensor x, int axis, bool keepDim, bool max, string op)
    {
        var indices = ArgExtreme(x, axis, keepDim: true, max, op);
        if (x.Rank == 0) return (TakeAlong.Apply(x.Reshape(1), indices.Reshape(1), 0, op, Describe(0, keepDim)).Reshape(Shape.Scalar), indices);
        var a = x.Shape.NormalizeAxis(axis, op);
        var values = TakeAlong.Apply(x, indices, a, op, Describe(a, keepDim));
        if (keepDim) return (values, indices);
        var shape = Squeezed(x.Shape, a);
        return (values.Reshape(shape), indices.Reshape(shape));
    }

    private static Dictionary<string, object> Describe(int axis, bool keepDim) => new() { ["axis"] = axis, ["keepDim"] = keepDim };

    private static string Extreme(bool max) => max ? "maximum" : "minimum";

    /// <summary>Validates the dtype and axis; a 0-d tensor accepts axis 0 or −1 (as a one-element vector, like PyTorch).</summary>
    private static int CheckAxis(Tensor x, int axis, string op)
    {
        CheckOrderable(x, op);
        if (x.Rank == 0)
        {
            if (axis is 0 or -1) return 0;
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"{op}: axis {axis} is out of range for a 0-d tensor (shape {x.Shape}); expected 0 or -1.");
        }
        return x.Shape.NormalizeAxis(axis, op);
    }

    private static void CheckOrderable(Tensor x, string op)
    {
        if (x.DType == DType.Bool)
            throw new ArgumentException($"{op}: not defined for Bool tensors (shape {x.Shape}); convert with .To(DType.Int64) first.");
    }

    /// <summary>Runs a sort-like op on a 0-d tensor as on a one-element vector, giving 0-d results.</summary>
    private static (Tensor Values, Tensor Indices) OnVector(Tensor x, Func<Tensor, (Tensor Values, Tensor Indices)> f)
    {
        var (values, indices) = f(x.Reshape(1));
        return values.Size == 1 ? (values.Reshape(Shape.Scalar), indices.Reshape(Shape.Scalar)) : (values, indices);
    }

    private static Shape Squeezed(Shape shape, int axis)
    {
        var dims = shape.ToArray().ToList();
        dims.RemoveAt(axis);
        return new Shape([.. dims]);
    }
}
