using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

// Gather and scatter-add along an axis: each is the other's backward, so gradients of gradients work.

/// <summary>
/// gather(x, axis, index): <c>r[p] = x[p with axis coordinate index[p]]</c>, shape of the index (a copy).
/// ∂/∂x = zeros(x.shape).ScatterAdd(axis, index, g): repeated indices accumulate, as in PyTorch.
/// </summary>
internal sealed class Gather : Node
{
    private readonly int _axis;
    private readonly Tensor _index;

    private Gather(Tensor x, int axis, Tensor index) : base(x)
    {
        _axis = axis;
        _index = index;
        Save(index);
    }

    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["axis"] = _axis, ["index"] = _index };

    public static Tensor Apply(Tensor x, int axis, Tensor index, string op = "Gather")
    {
        IndexChecks.Int64(index, op, "index");
        var a = x.Shape.NormalizeAxis(axis, op);
        IndexChecks.SameRank(index, x, op, "input");
        for (var d = 0; d < x.Rank; d++)
        {
            if (d != a && index.Shape[d] > x.Shape[d])
            {
                throw new ArgumentException(
                    $"{op}: index shape {index.Shape} is larger than input shape {x.Shape} on axis {d} ({index.Shape[d]} > {x.Shape[d]}); " +
                    $"only the gather axis {a} may be longer.");
            }
        }
        IndexChecks.InRange(index, a, x.Shape, op, "input");
        var r = Tensor.Empty(index.Shape, x.DType);
        Indexing.Gather(x, a, index, r);
        return Graph.Record(r, x, (a, index), static (x, s) => new Gather(x, s.a, s.index));
    }

    private protected override Tensor?[] Backward(Tensor g)
        => [ScatterAdd.Apply(Tensor.Zeros(Edges[0].Shape, g.DType), _axis, Saved(0), g)];
}

/// <summary>
/// scatter_add(x, axis, index, source): a copy of x with <c>source[p]</c> added at <c>p with axis coordinate index[p]</c>
/// for every position p of the index (repeats accumulate). ∂/∂x = g; ∂/∂source = g.Gather(axis, index).
/// </summary>
internal sealed class ScatterAdd : Node
{
    private readonly int _axis;
    private readonly Tensor _index;

    private ScatterAdd(Tensor x, Tensor source, int axis, Tensor index) : base(x, source)
    {
        _axis = axis;
        _index = index;
        Save(index);
    }

    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["axis"] = _axis, ["index"] = _index };

    public static Tensor Apply(Tensor x, int axis, Tensor index, Tensor source)
    {
        const string op = "ScatterAdd";
        IndexChecks.Int64(index, op, "index");
        Checks.NotNull(source, op, "source");
        if (x.DType != source.DType)
        {
            throw new ArgumentException(
                $"{op}: the source's dtype {source.DType} (shape {source.Shape}) differs from the input's {x.DType} (shape {x.Shape}). " +
                $"Convert it with .To(DType.{x.DType}).");
        }
        if (x.DType == DType.Bool)
            throw new ArgumentException($"{op}: Bool tensors cannot be added (input shape {x.Shape}); use Int64 or a floating-point dtype.");
        var a = x.Shape.NormalizeAxis(axis, op);
        IndexChecks.SameRank(index, x, op, "input");
        IndexChecks.SameRank(index, source, op, "source");
        for (var d = 0; d < x.Rank; d++)
        {
            if (index.Shape[d] > source.Shape[d])
            {
                throw new ArgumentException(
                    $"{op}: index shape {index.Shape} is larger than source shape {source.Shape} on axis {d} ({index.Shape[d]} > {source.Shape[d]}).");
            }
            if (d != a && index.Shape[d] > x.Shape[d])
            {
                throw new ArgumentException(
                    $"{op}: index shape {index.Shape} is larger than input shape {x.Shape} on axis {d} ({index.Shape[d]} > {x.Shape[d]}); " +
                    $"only the scatter axis {a} may be longer.");
            }
        }
        IndexChecks.InRange(index, a, x.Shape, op, "input");
        // Only the index's extent of the source is read: narrow it (a recorded view) so its gradient pads with zeros.
        for (var d = 0; d < source.Rank; d++)
        {
            if (source.Shape[d] != index.Shape[d]) source = source.Slice(d, 0, index.Shape[d]);
        }
        var r = Tensor.Empty(x.Shape, x.DType);
        Elementwise.CopyInto(x, r);
        Indexing.ScatterAdd(r, a, index, source);
        return Graph.Record(r, x, source, (a, index), static (x, source, s) => new ScatterAdd(x, source, s.a, s.index));
    }

    private protected override Tensor?[] Backward(Tensor g)
        => [NeedsGrad(0) ? g : null, NeedsGrad(1) ? Gather.Apply(g, _axis, Saved(0)) : null];
}

/// <summary>Guard clauses for index tensors: dtype, rank and range, each message naming the op, the index and the shapes.</summary>
internal static class IndexChecks
{
    public static void Int64([System.Diagnostics.CodeAnalysis.NotNull] Tensor? index, string op, string which)
    {
        Checks.NotNull(index, op, which);
        if (index!.DType != DType.Int64)
        {
            throw new ArgumentException(
                $"{op}: the {which} must be Int64, got {index.DType} (shape {index.Shape}). Convert it with .To(DType.Int64) or build it from long values.");
        }
    }

    public static void SameRank(Tensor index, Tensor other, string op, string which)
    {
        if (index.Rank != other.Rank)
        {
            throw new ArgumentException(
                $"{op}: the index (shape {index.Shape}, rank {index.Rank}) must have the same rank as the {which} (shape {other.Shape}, rank {other.Rank}).");
        }
    }

    /// <summary>Every index lies in <c>[0, shape[axis])</c>; else an error naming the first bad value, its position, the axis and the shape.</summary>
    public static void InRange(Tensor index, int axis, Shape shape, string op, string which)
    {
        var size = shape[axis];
        var values = index.Dense<long>();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] >= 0 && values[i] < size) continue;
            throw new ArgumentOutOfRangeException(nameof(index), values[i],
                $"{op}: index {values[i]} is out of range for axis {axis} of size {size} ({which} shape {shape}); " +
                $"found at position {new Shape(Position(index.Shape, i))} of the index (shape {index.Shape}). Indices must lie in [0, {size - 1}].");
        }
    }

    /// <summary>The coordinates of row-major position <paramref name="flat"/> in <paramref name="shape"/>.</summary>
    public static int[] Position(Shape shape, int flat)
    {
        var coords = new int[shape.Rank];
        for (var d = shape.Rank - 1; d >= 0; d--)
        {
            coords[d] = flat % shape[d];
            flat /= shape[d];
        }
        return coords;
    }
}
