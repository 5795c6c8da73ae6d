using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

// Ops that move elements without arithmetic. Their derivatives move the gradient back.

/// <summary>Reshape (shares storage). ∂: reshape the gradient back to the input's shape.</summary>
internal sealed class Reshape(Tensor x) : Node(x)
{
    public static Tensor Apply(Tensor x, Shape shape)
    {
        var r = x.ViewAs(shape);
        return ShouldRecord(x) ? r.Attach(new Reshape(x)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) => [g.Reshape(Edges[0].Shape)];
}

/// <summary>Permute axes: output axis i is input axis <c>axes[i]</c>. ∂: permute the gradient by the inverse.</summary>
internal sealed class Permute : Node
{
    private readonly int[] _inverse;

    private Permute(Tensor x, int[] axes) : base(x)
    {
        _inverse = new int[axes.Length];
        for (var i = 0; i < axes.Length; i++) _inverse[axes[i]] = i;
    }

    public static Tensor Apply(Tensor x, int[] axes)
    {
        var dims = new int[axes.Length];
        for (var i = 0; i < axes.Length; i++) dims[i] = x.Shape[axes[i]];
        var r = Tensor.Empty(new Shape(dims), x.DType);
        Layout.Permute(x, axes, r);
        return ShouldRecord(x) ? r.Attach(new Permute(x, axes)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) => [g.Permute(_inverse)];
}

/// <summary>Broadcast to a larger shape (materialized). ∂: the engine sums the gradient back to the input's shape.</summary>
internal sealed class BroadcastTo(Tensor x) : Node(x)
{
    public static Tensor Apply(Tensor x, Shape shape)
    {
        var r = Tensor.Empty(shape, x.DType);
        Elementwise.BroadcastTo(x, r);
        return ShouldRecord(x) ? r.Attach(new BroadcastTo(x)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) => [g];
}

/// <summary><c>x[..., start:start+length, ...]</c> along one axis. ∂: the gradient padded with zeros back to the input's extent.</summary>
internal sealed class Slice(Tensor x, int axis, int start) : Node(x)
{
    public static Tensor Apply(Tensor x, int axis, int start, int length)
    {
        var r = Tensor.Empty(x.Shape.With(axis, length), x.DType);
        Layout.Slice(x, axis, start, r);
        return ShouldRecord(x) ? r.Attach(new Slice(x, axis, start)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g)
    {
        var input = Edges[0].Shape;
        var before = Tensor.Zeros(input.With(axis, start), g.DType);
        var after = Tensor.Zeros(input.With(axis, input[axis] - start - g.Shape[axis]), g.DType);
        return [Tensor.Concat([before, g, after], axis)];
    }
}

/// <summary>Concatenation along an axis. ∂: each input gets its own slice of the gradient.</summary>
internal sealed class Concat(Tensor[] parts, int axis) : Node(parts)
{
    public static Tensor Apply(Tensor[] parts, int axis)
    {
        var total = 0;
        foreach (var p in parts) total += p.Shape[axis];
        var r = Tensor.Empty(parts[0].Shape.With(axis, total), parts[0].DType);
        Layout.Concat(parts, axis, r);
        return ShouldRecord(parts) ? r.Attach(new Concat(parts, axis)) : r;
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
