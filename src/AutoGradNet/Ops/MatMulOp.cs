using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

/// <summary>
/// Batched matrix product A·B of <c>[..., m, k]</c> and <c>[..., k, n]</c>, batch dims broadcast.
/// ∂/∂A = G·Bᵀ, ∂/∂B = Aᵀ·G (the engine sums over broadcast batch dims).
/// 1-D operands are promoted to matrices by <see cref="Tensor.MatMul"/> before reaching this op.
/// </summary>
internal sealed class MatMul : Node
{
    private MatMul(Tensor a, Tensor b) : base(a, b) => Save(a, b);

    public static Tensor Apply(Tensor a, Tensor b)
    {
        Checks.SameDType(a, b, "matmul");
        if (a.Shape[^1] != b.Shape[^2])
        {
            throw new ArgumentException(
                $"matmul: inner dimensions do not match: {a.Shape} @ {b.Shape} ({a.Shape[^1]} vs {b.Shape[^2]}).");
        }
        Shape batchA = new(a.Shape.Dims[..^2]), batchB = new(b.Shape.Dims[..^2]);
        if (!Shape.TryBroadcast(batchA, batchB, out var batch))
        {
            throw new ArgumentException(
                $"matmul: batch dimensions of {a.Shape} @ {b.Shape} cannot be broadcast together ({batchA} vs {batchB}).");
        }
        var r = Tensor.Empty(new Shape([.. batch.Dims, a.Shape[^2], b.Shape[^1]]), a.DType);
        Kernels.MatMul.Batched(a, b, r, batch);
        return ShouldRecord(a, b) ? r.Attach(new MatMul(a, b)) : r;
    }

    private protected override Tensor?[] Backward(Tensor g) =>
    [
        NeedsGrad(0) ? Apply(g, Saved(1).Transpose(-1, -2)) : null,
        NeedsGrad(1) ? Apply(Saved(0).Transpose(-1, -2), g) : null,
    ];
}
