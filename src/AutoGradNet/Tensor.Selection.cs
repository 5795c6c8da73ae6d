using AutoGradNet.Ops;

namespace AutoGradNet;

// Selection by index tensors and masks: gather/scatter-add, take-along-dim, masked fill, one-hot, triangles,
// flip and roll. All results are copies; gradients follow PyTorch's conventions (stated on each method).
public sealed partial class Tensor
{
    /// <summary>
    /// torch.gather: <c>r[i][j][k] = x[index[i][j][k]][j][k]</c> for axis 0 (likewise for other axes). The result has
    /// the index's shape and this tensor's dtype (any dtype); it is a copy. The index is Int64 with this tensor's rank,
    /// no longer than this tensor on the other axes, and each value lies in <c>[0, Shape[axis])</c> (no negative
    /// indices, as in PyTorch). Gradient (PyTorch's): the incoming gradient scatter-added into zeros of this shape, so
    /// an element picked twice receives the sum.
    /// </summary>
    /// <exception cref="ArgumentException">The index is not Int64, has another rank, or is longer on a non-gather axis.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range, or an index value is (the message names it, its position, the axis and the shape).</exception>
    public Tensor Gather(int axis, Tensor index) => Ops.Gather.Apply(this, axis, index);

    /// <summary>
    /// torch.scatter_add (out of place): a copy of this tensor with <c>source[i][j][k]</c> added at
    /// <c>[index[i][j][k]][j][k]</c> for axis 0 (likewise for other axes); repeated indices accumulate. The index is
    /// Int64 with the same rank as this tensor and <paramref name="source"/>, no longer than <paramref name="source"/>
    /// on any axis nor than this tensor on the other axes; only the index's extent of the source is read. Source and
    /// this tensor share a dtype (Float64, Float32 or Int64). Gradient (PyTorch's): <c>g</c> for this tensor,
    /// <c>g.Gather(axis, index)</c> for the source (zero where the source was not read).
    /// </summary>
    /// <exception cref="ArgumentException">A dtype, rank or shape mismatch (the message names both shapes or dtypes).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range, or an index value is.</exception>
    public Tensor ScatterAdd(int axis, Tensor index, Tensor source) => Ops.ScatterAdd.Apply(this, axis, index, source);

    /// <summary>
    /// torch.take_along_dim: picks values along <paramref name="axis"/> at <paramref name="indices"/> (Int64), the
    /// other axes of the indices and this tensor broadcast against each other; with <paramref name="axis"/> null, both
    /// are flattened and the result is 1-D. Pairs with argsort/argmax results taken with keepDim. A copy; gradient as
    /// <see cref="Gather(int, Tensor)"/> (summed over broadcast axes).
    /// </summary>
    /// <exception cref="ArgumentException">The indices are not Int64, the ranks differ, or the non-axis dimensions do not broadcast.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The axis or an index value is out of range.</exception>
    public Tensor TakeAlongDim(Tensor indices, int? axis = null)
    {
        const string op = "TakeAlongDim";
        IndexChecks.Int64(indices, op, "indices");
        if (axis is null) return Ops.Gather.Apply(Reshape(-1), 0, indices.Reshape(-1), op);
        var a = Shape.NormalizeAxis(axis.Value, op);
        if (indices.Rank != Rank)
        {
            throw new ArgumentException(
                $"{op}: the indices (shape {indices.Shape}, rank {indices.Rank}) must have the same rank as the input (shape {Shape}, rank {Rank}).");
        }
        if (!Shape.TryBroadcast(Shape.With(a, indices.Shape[a]), indices.Shape, out var indexShape))
        {
            throw new ArgumentException(
                $"{op}: the indices of shape {indices.Shape} and the input of shape {Shape} do not broadcast on the axes other than {a}.");
        }
        var input = BroadcastTo(indexShape.With(a, Shape[a]));
        return Ops.Gather.Apply(input, a, indices.BroadcastTo(indexShape), op);
    }

    /// <summary>
    /// torch.masked_fill (out of place): a copy of this tensor with <paramref name="value"/> wherever the Bool
    /// <paramref name="mask"/> (broadcast to this shape) is true; the value is converted to this dtype. Built as
    /// <c>Where(mask, value, this)</c>, so the gradient (PyTorch's) is <c>g</c> where the mask is false and 0 at the
    /// filled positions.
    /// </summary>
    /// <exception cref="ArgumentException">The mask is not Bool, or does not broadcast to this shape.</exception>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        const string op = "MaskedFill";
        Checks.NotNull(mask, op, "mask");
        if (mask.DType != DType.Bool)
            throw new ArgumentException($"{op}: the mask must be Bool, got {mask.DType} (shape {mask.Shape}). Build it with a comparison such as x > 0.");
        if (!mask.Shape.CanBroadcastTo(Shape))
            throw new ArgumentException($"{op}: the mask of shape {mask.Shape} does not broadcast to the input's shape {Shape}.");
        return Where(mask, Scalar(value, DType), this);
    }

    /// <summary>
    /// torch.nn.functional.one_hot: an Int64 tensor of shape <c>[..indices.Shape, numClasses]</c> holding 1 at each
    /// index and 0 elsewhere. <paramref name="indices"/> is Int64 with values in <c>[0, numClasses)</c>;
    /// <paramref name="numClasses"/> = -1 takes the largest index + 1. Not differentiable (an integer result).
    /// </summary>
    /// <exception cref="ArgumentException">The indices are not Int64, are empty with numClasses = -1, or numClasses is below -1.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative or not below numClasses (the message names it and its position).</exception>
    public static Tensor OneHot(Tensor indices, int numClasses = -1)
    {
        const string op = "OneHot";
        IndexChecks.Int64(indices, op, "indices");
        if (numClasses < -1)
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, $"{op}: numClasses must be -1 (infer) or at least 0, got {numClasses}.");
        var values = indices.Dense<long>();
        if (numClasses == -1)
        {
            if (values.IsEmpty)
                throw new ArgumentException($"{op}: cannot infer the number of classes from empty indices (shape {indices.Shape}); pass numClasses.");
            var max = long.MinValue;
            foreach (var v in values) max = Math.Max(max, v);
            numClasses = (int)Math.Clamp(max + 1, 0, int.MaxValue);
        }
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] >= 0 && values[i] < numClasses) continue;
            throw new ArgumentOutOfRangeException(nameof(indices), values[i],
                $"{op}: index {values[i]} at position {new Shape(IndexChecks.Position(indices.Shape, i))} of the indices (shape {indices.Shape}) " +
                $"is out of range for {numClasses} classes; class indices must lie in [0, {numClasses - 1}].");
        }
        var classes = Arange(0, numClasses, 1, DType.Int64);
        return indices.Unsqueeze(-1).ElementwiseEquals(classes).ConvertedTo(DType.Int64);
    }

    /// <summary>
    /// torch.tril: a copy keeping the elements on and below diagonal <paramref name="diagonal"/> of the matrices in
    /// the last two axes (batched over the leading ones) and zeroing the rest. Diagonal 0 is the main one, positive
    /// counts above it, negative below. Built as <c>Where(mask, this, 0)</c>: the gradient is <c>g</c> on the kept
    /// triangle and 0 elsewhere, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor has fewer than two dimensions.</exception>
    public Tensor Tril(int diagonal = 0) => Where(TriangleMask("Tril", diagonal, lower: true), this, Scalar(0, DType));

    /// <summary>
    /// torch.triu: a copy keeping the elements on and above diagonal <paramref name="diagonal"/> of the matrices in the
    /// last two axes (batched) and zeroing the rest; gradient <c>g</c> on the kept triangle, 0 elsewhere.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor has fewer than two dimensions.</exception>
    public Tensor Triu(int diagonal = 0) => Where(TriangleMask("Triu", diagonal, lower: false), this, Scalar(0, DType));

    /// <summary>A Bool [rows, cols] mask: column − row ≤ diagonal (lower) or ≥ diagonal (upper).</summary>
    private Tensor TriangleMask(string op, int diagonal, bool lower)
    {
        if (Rank < 2)
            throw new ArgumentException($"{op}: the input needs at least 2 dimensions (the matrix axes), got shape {Shape}.");
        var rows = Shape[^2];
        var cols = Shape[^1];
        var mask = new bool[rows * cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
                mask[i * cols + j] = lower ? (long)j - i <= diagonal : (long)j - i >= diagonal;
        }
        return FromArray(mask, rows, cols);
    }

    /// <summary>
    /// torch.flip: a copy with the order of the elements along each of <paramref name="axes"/> reversed (PyTorch copies
    /// too: it has no negative strides). No axes gives a plain copy. Gradient: the incoming gradient flipped back.
    /// </summary>
    /// <exception cref="ArgumentException">An axis repeats.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An axis is out of range.</exception>
    public Tensor Flip(params int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        var normalized = new int[axes.Length];
        if (axes.Length > 0)
        {
            Shape.AxisMask(axes, "Flip"); // rejects out-of-range and repeated axes
            for (var i = 0; i < axes.Length; i++) normalized[i] = Shape.NormalizeAxis(axes[i], "Flip");
        }
        return Ops.Flip.Apply(this, normalized);
    }

    /// <summary>
    /// torch.roll: a copy with the elements shifted by <paramref name="shifts"/> positions along
    /// <paramref name="axis"/>, those leaving one end coming back at the other
    /// (<c>r[i] = x[(i − shifts) mod n]</c>); with no axis the tensor is rolled flattened and its shape restored.
    /// Gradient: the incoming gradient rolled back by −shifts.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range.</exception>
    public Tensor Roll(int shifts, int? axis = null)
        => axis is null ? RollFlat(shifts) : Roll([shifts], [axis.Value]);

    /// <summary>
    /// torch.roll over several axes: axis <c>axes[k]</c> is rolled by <c>shifts[k]</c> (an axis may repeat: the shifts
    /// add up). Empty axes with a single shift roll the flattened tensor. A copy; gradient: rolled back by −shifts.
    /// </summary>
    /// <exception cref="ArgumentException">The two arrays differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An axis is out of range.</exception>
    public Tensor Roll(int[] shifts, int[] axes)
    {
        ArgumentNullException.ThrowIfNull(shifts);
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Length == 0 && shifts.Length == 1) return RollFlat(shifts[0]);
        if (shifts.Length != axes.Length || shifts.Length == 0)
        {
            throw new ArgumentException(
                $"Roll: shifts [{string.Join(", ", shifts)}] and axes [{string.Join(", ", axes)}] must have the same, non-zero length " +
                $"(or give one shift and no axes to roll the flattened tensor of shape {Shape}).");
        }
        var normalized = Array.ConvertAll(axes, a => Shape.NormalizeAxis(a, "Roll"));
        return Ops.Roll.Apply(this, (int[])shifts.Clone(), normalized);
    }

    private Tensor RollFlat(int shifts) => Ops.Roll.Apply(Reshape(-1), [shifts], [0]).Reshape(Shape);
}
