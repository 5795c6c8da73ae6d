using AutoGradNet.Ops;

namespace AutoGradNet;

// Sorting, arg-extremes and running sums/products.
public sealed partial class Tensor
{
    /// <summary>
    /// The row-major position of the largest element, as a 0-d Int64 tensor (PyTorch's <c>argmax(x)</c>). Ties give the
    /// first position; a NaN counts as the maximum, so the first NaN's position is returned when there is one.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is empty or Bool.</exception>
    public Tensor ArgMax() => SortOps.ArgExtreme(this, null, keepDim: false, max: true, "ArgMax");

    /// <summary>
    /// The position of the largest element along <paramref name="axis"/> (negative counts from the end), as a new Int64
    /// tensor with that axis removed, or kept with length 1 when <paramref name="keepDim"/> is set. Ties give the first
    /// position; a NaN counts as the maximum (the first NaN wins), as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException">The axis has length 0, or the tensor is Bool.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is out of range.</exception>
    public Tensor ArgMax(int axis, bool keepDim = false) => SortOps.ArgExtreme(this, axis, keepDim, max: true, "ArgMax");

    /// <summary>
    /// The row-major position of the smallest element, as a 0-d Int64 tensor. Ties give the first position; a NaN
    /// counts as the minimum (NaN propagates through min in PyTorch), so the first NaN's position is returned.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is empty or Bool.</exception>
    public Tensor ArgMin() => SortOps.ArgExtreme(this, null, keepDim: false, max: false, "ArgMin");

    /// <summary>
    /// The position of the smallest element along <paramref name="axis"/>, as a new Int64 tensor (the axis removed, or
    /// kept with length 1 when <paramref name="keepDim"/> is set). Ties give the first position; the first NaN wins.
    /// </summary>
    /// <exception cref="ArgumentException">The axis has length 0, or the tensor is Bool.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is out of range.</exception>
    public Tensor ArgMin(int axis, bool keepDim = false) => SortOps.ArgExtreme(this, axis, keepDim, max: false, "ArgMin");

    /// <summary>
    /// The largest elements along <paramref name="axis"/> and their positions, like PyTorch's <c>torch.max(x, dim)</c>:
    /// new tensors with that axis removed (kept with length 1 when <paramref name="keepDim"/> is set); the indices are
    /// Int64. Ties give the first position; a NaN counts as the maximum (the first NaN wins).
    /// <para>
    /// Gradient: PyTorch's <c>max(dim)</c> convention, the whole gradient goes to the returned index. This differs from
    /// <see cref="Max(int, bool)"/> (PyTorch's <c>amax</c>), which shares it equally among tied maxima.
    /// </para>
    /// </summary>
    /// <exception cref="ArgumentException">The axis has length 0, or the tensor is Bool.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is out of range.</exception>
    public (Tensor Values, Tensor Indices) MaxWithIndices(int axis, bool keepDim = false)
        => SortOps.ExtremeWithIndices(this, axis, keepDim, max: true, "MaxWithIndices");

    /// <summary>
    /// The smallest elements along <paramref name="axis"/> and their Int64 positions, like <c>torch.min(x, dim)</c>.
    /// Ties give the first position; a NaN counts as the minimum (the first NaN wins).
    /// <para>
    /// Gradient: PyTorch's <c>min(dim)</c> convention, the whole gradient goes to the returned index, unlike
    /// <see cref="Min(int, bool)"/> (PyTorch's <c>amin</c>), which shares it among tied minima.
    /// </para>
    /// </summary>
    /// <exception cref="ArgumentException">The axis has length 0, or the tensor is Bool.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is out of range.</exception>
    public (Tensor Values, Tensor Indices) MinWithIndices(int axis, bool keepDim = false)
        => SortOps.ExtremeWithIndices(this, axis, keepDim, max: false, "MinWithIndices");

    /// <summary>
    /// The elements sorted along <paramref name="axis"/>, and where each came from (Int64), like <c>torch.sort</c> with
    /// <c>stable=True</c>: new tensors of this shape. The sort is stable (tied values keep their index order, descending
    /// too); NaN counts as larger than every number, so it comes last ascending and first descending.
    /// Gradient: each value's gradient goes back to the position it came from (values = x gathered at the indices).
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is Bool.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is out of range.</exception>
    public (Tensor Values, Tensor Indices) Sort(int axis = -1, bool descending = false) => SortOps.Sort(this, axis, descending);

    /// <summary>The Int64 indices that sort this tensor along <paramref name="axis"/> (the indices of <see cref="Sort"/>); a new tensor.</summary>
    /// <exception cref="ArgumentException">The tensor is Bool.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is out of range.</exception>
    public Tensor ArgSort(int axis = -1, bool descending = false) => SortOps.Sort(Detach(), axis, descending, "ArgSort").Indices;

    /// <summary>
    /// The <paramref name="k"/> largest (or, with <paramref name="largest"/> false, smallest) elements along
    /// <paramref name="axis"/> and their Int64 positions, like <c>torch.topk</c>: new tensors with length
    /// <paramref name="k"/> along the axis. Results always come in sorted order (largest first, or smallest first), also
    /// when <paramref name="sorted"/> is false, which PyTorch allows to be any order. NaN counts as the largest value.
    /// Among tied values the earlier position comes first; PyTorch's CPU topk may pick other tied positions, so the
    /// indices (and where the gradient goes) can differ from PyTorch's on ties, while the values agree.
    /// Gradient: each value's gradient goes back to the position it came from.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is Bool.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is out of range, or <paramref name="k"/> is negative or longer than the axis.</exception>
    public (Tensor Values, Tensor Indices) TopK(int k, int axis = -1, bool largest = true, bool sorted = true)
        => SortOps.TopK(this, k, axis, largest, sorted);

    /// <summary>
    /// The running sum along <paramref name="axis"/>: element j is the sum of elements 0..j, like <c>torch.cumsum</c>;
    /// a new tensor of this shape. Bool counts as Int64 (giving Int64). Gradient: element i receives the sum of the
    /// output gradients at positions ≥ i (a reversed running sum), itself differentiable.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is out of range.</exception>
    public Tensor CumSum(int axis) => Ops.CumSum.Apply(this, axis);

    /// <summary>
    /// The running product along <paramref name="axis"/>: element j is the product of elements 0..j, like
    /// <c>torch.cumprod</c>; a new tensor of this shape. Bool counts as Int64. Gradient: element i receives
    /// Σ_{j≥i} g_j·Π_{k≤j, k≠i} x_k, exact also where the input holds zeros.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is out of range.</exception>
    public Tensor CumProd(int axis) => Ops.CumProd.Apply(this, axis);
}
