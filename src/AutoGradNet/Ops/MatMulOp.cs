using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

/// <summary>
/// Batched matrix product A·B of <c>[..., m, k]</c> and <c>[..., k, n]</c>, batch dims broadcast.
/// ∂/∂A = G·Bᵀ, ∂/∂B = Aᵀ·G (the engine sums over broadcast batch dims). The transposes are views: the kernel
/// reads them in place.
/// 1-D operands are promoted to matrices by <see cref="Tensor.MatMul"/> before reaching this op.
/// </summary>
internal sealed class MatMul : Node
{
    private MatMul(Tensor a, Tensor b) : base(a, b) => Save(a, b);

    /// <summary>
    /// a @ b for operands of rank 2 or more whose dtypes and inner dimensions <see cref="Tensor.MatMul"/> has checked (the
    /// backward's products match by construction: a hook cannot change a gradient's shape or dtype).
    /// </summary>
    public static Tensor Apply(Tensor a, Tensor b)
    {
        if (!a.DType.IsFloatingPoint())
            throw new ArgumentException($"MatMul: only floating-point tensors are supported, got {a.DType} (shapes {a.Shape} @ {b.Shape}); convert with .To(DType.Float64).");
        Shape batch, shape;
        if (a.Rank == 2 && b.Rank == 2)
        {
            // Plain matrices (the common case, and every product in a small graph): no batch shapes to build.
            batch = Shape.Scalar;
            shape = new Shape(a.Shape[0], b.Shape[1]);
        }
        else
        {
            Shape batchA = new(a.Shape.Dims[..^2]), batchB = new(b.Shape.Dims[..^2]);
            if (!Shape.TryBroadcast(batchA, batchB, out var broadcast))
            {
                throw new ArgumentException(
                    $"MatMul: batch dimensions of {a.Shape} @ {b.Shape} cannot be broadcast together ({batchA} vs {batchB}).");
            }
            batch = broadcast;
            shape = new Shape([.. batch.Dims, a.Shape[^2], b.Shape[^1]]);
        }
        var r = Tensor.Uninitialized(shape, a.DType); // the GEMM writes every element
        Kernels.MatMul.Batched(a, b, r, batch);
        return Graph.Record(r, a, b, 0, static (a, b, _) => new MatMul(a, b));
    }

    /// <remarks>
    /// An operand stored column-major (a transposed view, like <c>w.T</c> in <c>x.MatMul(w.T)</c>) gets its gradient in
    /// the same layout, as PyTorch does: (Gᵀ·A)ᵀ instead of Aᵀ·G, the same sums. The transpose's own backward then
    /// hands <c>w</c> a row-major gradient, which the leaf keeps without a strided copy.
    /// </remarks>
    private protected override Tensor?[] Backward(Tensor g)
    {
        Tensor a = Saved(0), b = Saved(1);
        Tensor? ga = null, gb = null;
        if (NeedsGrad(0))
            ga = IsColumnMajor(a) ? Apply(b, g.Transpose(-1, -2)).Transpose(-1, -2) : Apply(g, b.Transpose(-1, -2));
        if (NeedsGrad(1))
            gb = IsColumnMajor(b) ? Apply(g.Transpose(-1, -2), a).Transpose(-1, -2) : Apply(a.Transpose(-1, -2), g);
        return [ga, gb];
    }

    /// <summary>Whether a matrix (the last two axes) lies column by column in storage, as a transpose of a contiguous one does.</summary>
    private static bool IsColumnMajor(Tensor t) => t.Strides[^2] == 1 && t.Strides[^1] != 1 && t.Shape[^1] > 1 && t.Shape[^2] > 1;
}
