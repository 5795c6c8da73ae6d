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

    /// <summary>The reduced axes and keepDim, as a node's attributes.</summary>
    public IReadOnlyDictionary<string, object> Describe()
    {
        var axes = new List<int>();
        for (var i = 0; i < Mask.Length; i++)
        {
            if (Mask[i]) axes.Add(i);
        }
        return new Dictionary<string, object> { ["axes"] = axes.ToArray(), ["keepDim"] = OutputShape.Rank == Input.Rank };
    }

    /// <summary>Reduces <paramref name="x"/> one axis at a time (last first), giving a tensor of <see cref="KeptShape"/>.</summary>
    public Tensor Reduce<TOp>(Tensor x) where TOp : IBinaryOp<TOp>
    {
        var current = x;
        for (var axis = Input.Rank - 1; axis >= 0; axis--)
        {
            if (!Mask[axis]) continue;
            var next = Tensor.Empty(current.Shape.With(axis, 1), x.DType);
            Kernels.Reduction.Axis<TOp>(current, axis, next);
            current = next;
        }
        // A 0-d input reduces over no axis; the result must still be a tensor of its own, not the input's storage.
        return ReferenceEquals(current, x) ? x.Detach().Clone() : current;
    }
}

/// <summary>Sum over axes. ∂/∂x = 1 for every element: the gradient is broadcast back to the input's shape.</summary>
internal sealed class Sum(Tensor x, ReductionAxes axes) : Node(x)
{
    public override IReadOnlyDictionary<string, object> Attributes => axes.Describe();

    /// <summary>The sum; Bool counts as Int64 (the number of true elements), as in PyTorch.</summary>
    public static Tensor Apply(Tensor x, ReadOnlySpan<int> axes, bool keepDim, string op = "Sum")
    {
        if (x.DType == DType.Bool) x = x.ConvertedTo(DType.Int64);
        var spec = ReductionAxes.Of(x.Shape, axes, keepDim, op);
        Tensor r;
        if (spec.IsAll)
        {
            r = Tensor.Empty(spec.OutputShape, x.DType);
            Kernels.Reduction.SumAll(x, r);
        }
        else
        {
            r = spec.Reduce<AddOp>(x).ViewAs(spec.OutputShape);
        }
        return Graph.Record(r, x, spec, static (x, spec) => new Sum(x, spec));
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

    public override IReadOnlyDictionary<string, object> Attributes => _axes.Describe();

    /// <param name="x">The input.</param>
    /// <param name="axes">The axes to reduce; empty for all.</param>
    /// <param name="keepDim">Whether the reduced axes stay, with length 1.</param>
    /// <param name="op">The method the user called (<c>Max</c>, or <c>Min</c>, which negates around this op), for messages.</param>
    public static Tensor Apply(Tensor x, ReadOnlySpan<int> axes, bool keepDim, string op = "Max")
    {
        if (x.DType == DType.Bool) throw new ArgumentException($"{op}: not defined for Bool tensors (shape {x.Shape}); use Any() or All(), or convert with .To(DType.Int64).");
        var spec = ReductionAxes.Of(x.Shape, axes, keepDim, op);
        for (var i = 0; i < spec.Mask.Length; i++)
        {
            if (spec.Mask[i] && x.Shape[i] == 0)
                throw new ArgumentException($"{op}: cannot reduce over axis {i} of length 0 (tensor shape {x.Shape}); the {(op == "Min" ? "minimum" : "maximum")} of nothing is undefined.");
        }
        var kept = spec.Reduce<MaxOp>(x);
        var r = kept.ViewAs(spec.OutputShape);
        return Graph.Record(r, x, (kept, spec), static (x, state) => new Max(x, state.kept, state.spec));
    }

    private protected override Tensor?[] Backward(Tensor g)
    {
        // The maximum's positions share the gradient. A NaN maximum is NaN's own: the gradient goes to the NaN
        // positions (when the maximum is not NaN there are none, so "or is NaN" adds nothing).
        var x = Saved(0);
        var mask = (x.ElementwiseEquals(Saved(1)) | x.IsNaN()).To(g.DType);
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
