using System.Numerics;
using System.Numerics.Tensors;

namespace AutoGradNet.Kernels;

/// <summary>Sum and max over one axis, viewing the input as <c>[outer, n, inner]</c>.</summary>
internal static class Reduction
{
    /// <summary>Reduces axis <paramref name="axis"/> of <paramref name="x"/> into <paramref name="result"/> (that axis of length 1).</summary>
    public static void Axis<TOp>(Tensor x, int axis, Tensor result) where TOp : IBinaryOp<TOp>
    {
        var dims = x.Shape.Dims;
        int outer = 1, inner = 1;
        for (var i = 0; i < axis; i++) outer *= dims[i];
        for (var i = axis + 1; i < dims.Length; i++) inner *= dims[i];
        Dispatch.Run(x.DType, new AxisKernel<TOp>(x, result, outer, dims[axis], inner));
    }

    /// <summary>Sum of all elements (0 for an empty tensor).</summary>
    public static void SumAll(Tensor x, Tensor result) => Dispatch.Run(x.DType, new SumAllKernel(x, result));

    private readonly struct SumAllKernel(Tensor x, Tensor result) : IKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
            => result.AsSpan<T>()[0] = TensorPrimitives.Sum<T>(x.AsSpan<T>());
    }

    private readonly struct AxisKernel<TOp>(Tensor x, Tensor result, int outer, int n, int inner) : IKernel where TOp : IBinaryOp<TOp>
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            ReadOnlySpan<T> src = x.AsSpan<T>();
            var dst = result.AsSpan<T>();
            if (n == 0) return; // sum over an empty axis is 0, which the zeroed result already holds
            if (inner == 1)
            {
                // The reduced axis is contiguous: fold each row in one SIMD pass.
                for (var o = 0; o < outer; o++) dst[o] = TOp.Aggregate(src.Slice(o * n, n));
                return;
            }
            for (var o = 0; o < outer; o++)
            {
                var block = src.Slice(o * n * inner, n * inner);
                var acc = dst.Slice(o * inner, inner);
                block[..inner].CopyTo(acc);
                for (var j = 1; j < n; j++) TOp.Apply(acc, block.Slice(j * inner, inner), acc);
            }
        }
    }
}
