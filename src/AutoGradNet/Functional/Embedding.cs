namespace AutoGradNet;

public static partial class Functional
{
    /// <summary>
    /// Looks up rows of <paramref name="weight"/> (shape <c>[count, dim]</c>) at the Int64 <paramref name="indices"/>
    /// of any shape, like <c>torch.nn.functional.embedding</c>: the result has shape <c>[..indices.Shape, dim]</c> and
    /// is a copy, <c>weight.IndexSelect(0, indices.Flatten()).Reshape(...)</c>. Gradient: each row of
    /// <paramref name="weight"/> gets the sum of the output gradients of the positions that looked it up; the row
    /// <paramref name="paddingIndex"/>, when given, gets none (PyTorch's <c>padding_idx</c>; its value is still returned).
    /// Negative indices are an error, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="weight"/> is not 2-D, or <paramref name="indices"/> is not Int64.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index or <paramref name="paddingIndex"/> is out of range.</exception>
    public static Tensor Embedding(Tensor weight, Tensor indices, int? paddingIndex = null)
    {
        Ops.Checks.NotNull(weight, "Embedding", "weight");
        Ops.Checks.NotNull(indices, "Embedding", "indices");
        if (weight.Rank != 2)
            throw new ArgumentException($"Embedding: the weight must be 2-D [count, dim], got shape {weight.Shape}.");
        if (indices.DType != DType.Int64)
            throw new ArgumentException($"Embedding: the indices must be Int64, got {indices.DType} (shape {indices.Shape}); convert with .To(DType.Int64).");
        var count = weight.Shape[0];
        if (paddingIndex is { } pad && (pad < -count || pad >= count))
            throw new ArgumentOutOfRangeException(nameof(paddingIndex), pad, $"Embedding: paddingIndex {pad} is out of range for a weight of {count} rows (shape {weight.Shape}).");
        int[] shape = [.. indices.Shape, weight.Shape[1]];
        var rows = weight.IndexSelect(0, indices.Flatten()).Reshape(shape);
        if (paddingIndex is not { } padding) return rows;
        if (padding < 0) padding += count;
        // Same values, but the padding positions read a detached copy of the weight, so that row gets no gradient.
        var isPadding = indices.ElementwiseEquals(Tensor.Scalar(padding, DType.Int64)).Unsqueeze(-1);
        return Tensor.Where(isPadding, weight.Detach().IndexSelect(0, indices.Flatten()).Reshape(shape), rows);
    }
}
