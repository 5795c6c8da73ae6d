using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

/// <summary>Which axes a reduction collapses and the shapes before and after.</summary>
internal readonly record struct ReductionAxes(Shape Input, bool[] Mask, Shape KeptShape, Shape OutputShape)
{
    public static ReductionAxes Of(Shape input, ReadOnlySpan<int> axes, bool keepDim, string op)
    {
        var mask = input.AxisMask(axes, op);
        var kept = new int[input.Rank];
        var output = new List<int>(input.Rank);
        for (var i = 0; i < input.Rank; i++)
        {
            kept[i] = mask[i] ? 1 : input[i];
            if (!mask[i]) output.Add(input[i]);
        }
        return new ReductionAxes(input, mask, kept, keepDim ? kept : output.ToArray());
    }

    public bool IsAll => Array.TrueForAll(Mask, m => m);

    /// <summary>Reduces <paramref name="x"/> one axis at a time (last first), giving a tensor of <see cref="KeptShape"/>.</summary>
    public Tensor Reduce<TOp>(Tensor x) where TOp : IBinaryOp<TOp>
    {
        var current = x;
        for (var axis = Input.Rank - 1; axis >= 0; axis--)
        {
            if (!Mask[axis]) continue;
            var next = Tensor.Empty(current.Shape.With(axis, 1), x.DType);
            Reduction.Axis<TOp>(current, axis, next);
            current = next;
        }
        // A 0-d input reduces over no axis; the result must still be a tensor of its own, not the input's storage.
        return ReferenceEquals(current, x) ? x.Detach().Clone() : current;
    }
}

/// <summary>Sum over axes. ∂/∂x = 1 for every element: the gradient is broadcast back to the input's shape.</summary>
internal sealed class Sum(Tensor x, ReductionAxes axes) : Node(x)
{
    public static Tensor Apply(Tensor x, ReadOnlySpan<int> axes, bool keepDim)
    {
        var spec = ReductionAxes.Of(x.Shape, axes, keepDim, "sum");
        Tensor r;
        if (spec.IsAll)
        {
            r = Tensor.Empty(spec.OutputShape, x.DType);
            Reduction.SumAll(x, r);
        }
        else
        {
            r = spec.Reduce<AddOp>(x).ViewAs(spec.OutputShape);
        }
        return ShouldRecord(x) ? r.Attach(new Sum(x, spec)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) => [g.Reshape(axes.KeptShape).BroadcastTo(axes.Input)];
}

/// <summary>
/// Max over axes. ∂/∂x = 1 at the maximum, 0 elsewhere; ties share the gradient equally
/// (as PyTorch's amax does), so the rule stays a valid subgradient.
/// </summary>
internal sealed class Max : Node
{
    private readonly ReductionAxes _axes;

    private Max(Tensor x, Tensor kept, ReductionAxes axes) : base(x)
    {
        _axes = axes;
        Save(x, kept);
    }

    public static Tensor Apply(Tensor x, ReadOnlySpan<int> axes, bool keepDim)
    {
        var spec = ReductionAxes.Of(x.Shape, axes, keepDim, "max");
        for (var i = 0; i < spec.Mask.Length; i++)
        {
            if (spec.Mask[i] && x.Shape[i] == 0)
                throw new ArgumentException($"max: cannot reduce over axis {i} of length 0 (tensor shape {x.Shape}); the maximum of nothing is undefined.");
        }
        var kept = spec.Reduce<MaxOp>(x);
        var r = kept.ViewAs(spec.OutputShape);
        return ShouldRecord(x) ? r.Attach(new Max(x, kept, spec)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g)
    {
        var mask = Saved(0).ElementwiseEquals(Saved(1));
        var share = mask / mask.Sum(ToAxes(_axes.Mask), keepDim: true);
        return [g.Reshape(_axes.KeptShape) * share];
    }

    private static int[] ToAxes(bool[] mask)
    {
        var axes = new List<int>();
        for (var i = 0; i < mask.Length; i++)
        {
            if (mask[i]) axes.Add(i);
        }
        return [.. axes];
    }
}
