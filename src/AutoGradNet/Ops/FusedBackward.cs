using System.Numerics;
using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

/// <summary>
/// One-pass forms of derivative rules that take several tensor ops, for the common small case: the backward is not
/// recorded (no createGraph), and the gradient and the saved operands are contiguous tensors of one shape and float
/// dtype. Each element gets exactly the operations of the rule's tensor form, in the same order, so the bits are those of
/// the general path (IEEE division and multiplication are correctly rounded, scalar or SIMD); only the intermediate
/// tensors and their passes are saved. Larger tensors take the general path, whose SIMD passes cost more than their
/// allocations there.
/// </summary>
internal static class FusedBackward
{
    /// <summary>Above this many elements the tensor-op form is used (its per-op overhead no longer dominates).</summary>
    private const int MaxElements = 1024;

    private static bool Applies(Tensor g, Tensor a)
        => g.Size <= MaxElements && g.DType.IsFloatingPoint() && a.DType == g.DType && a.Shape == g.Shape
           && g.IsContiguous && a.IsContiguous;

    /// <summary>
    /// Div's rule, a: g / b and b: −g·a / (b·b), in one pass; <see langword="false"/> (nothing computed) when the fast path
    /// does not apply.
    /// </summary>
    public static bool TryDiv(Tensor g, Tensor a, Tensor b, bool needA, bool needB, out Tensor? gradA, out Tensor? gradB)
    {
        gradA = gradB = null;
        if (!Applies(g, a) || !Applies(g, b) || Graph.ShouldRecord(g, a, b)) return false;
        gradA = needA ? Tensor.Uninitialized(g.Shape, g.DType) : null;
        gradB = needB ? Tensor.Uninitialized(g.Shape, g.DType) : null;
        Dispatch.Run(g.DType, new DivKernel(g, a, b, gradA, gradB));
        return true;
    }

    /// <summary>c / a's rule, g·(−c) / (a·a), in one pass; <see langword="null"/> when the fast path does not apply.</summary>
    public static Tensor? TryScalarDiv(Tensor g, Tensor a, double c)
    {
        if (!Applies(g, a) || Graph.ShouldRecord(g, a)) return null;
        var r = Tensor.Uninitialized(g.Shape, g.DType);
        Dispatch.Run(g.DType, new ScalarDivKernel(g, a, c, r));
        return r;
    }

    private readonly struct DivKernel(Tensor g, Tensor a, Tensor b, Tensor? gradA, Tensor? gradB) : IKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var gs = g.AsSpan<T>();
            var bs = b.AsSpan<T>();
            if (gradA is not null)
            {
                var ra = gradA.AsSpan<T>();
                for (var i = 0; i < gs.Length; i++) ra[i] = gs[i] / bs[i];
            }
            if (gradB is not null)
            {
                var as_ = a.AsSpan<T>();
                var rb = gradB.AsSpan<T>();
                for (var i = 0; i < gs.Length; i++) rb[i] = -gs[i] * as_[i] / (bs[i] * bs[i]);
            }
        }
    }

    private readonly struct ScalarDivKernel(Tensor g, Tensor a, double c, Tensor r) : IKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var gs = g.AsSpan<T>();
            var xs = a.AsSpan<T>();
            var rs = r.AsSpan<T>();
            var negC = -T.CreateTruncating(c);
            for (var i = 0; i < gs.Length; i++) rs[i] = gs[i] * negC / (xs[i] * xs[i]);
        }
    }
}
