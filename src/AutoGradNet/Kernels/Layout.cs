using System.Numerics;

namespace AutoGradNet.Kernels;

/// <summary>Kernels that move elements without arithmetic: permute, slice, concatenate.</summary>
internal static class Layout
{
    /// <summary>Writes <paramref name="x"/> with its axes reordered by <paramref name="axes"/> into <paramref name="result"/>.</summary>
    public static void Permute(Tensor x, int[] axes, Tensor result)
    {
        var own = x.Shape.Strides();
        var strides = new int[axes.Length];
        for (var i = 0; i < axes.Length; i++) strides[i] = own[axes[i]];
        Dispatch.Run(x.DType, new GatherKernel(x, strides, result));
    }

    /// <summary>Copies <c>x[..., start:start+length, ...]</c> along <paramref name="axis"/> into <paramref name="result"/>.</summary>
    public static void Slice(Tensor x, int axis, int start, Tensor result)
        => Dispatch.Run(x.DType, new SliceKernel(x, axis, start, result));

    /// <summary>Concatenates <paramref name="parts"/> along <paramref name="axis"/> into <paramref name="result"/>.</summary>
    public static void Concat(Tensor[] parts, int axis, Tensor result)
        => Dispatch.Run(result.DType, new ConcatKernel(parts, axis, result));

    private static (int Outer, int Inner) Split(Shape shape, int axis)
    {
        int outer = 1, inner = 1;
        for (var i = 0; i < axis; i++) outer *= shape[i];
        for (var i = axis + 1; i < shape.Rank; i++) inner *= shape[i];
        return (outer, inner);
    }

    private readonly struct GatherKernel(Tensor x, int[] strides, Tensor result) : IKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
            => Strided.Gather<T>(x.AsSpan<T>(), strides, result.Shape, result.AsSpan<T>());
    }

    private readonly struct SliceKernel(Tensor x, int axis, int start, Tensor result) : IKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (outer, inner) = Split(x.Shape, axis);
            int n = x.Shape[axis], length = result.Shape[axis];
            ReadOnlySpan<T> src = x.AsSpan<T>();
            var dst = result.AsSpan<T>();
            for (var o = 0; o < outer; o++)
                src.Slice((o * n + start) * inner, length * inner).CopyTo(dst.Slice(o * length * inner, length * inner));
        }
    }

    private readonly struct ConcatKernel(Tensor[] parts, int axis, Tensor result) : IKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (outer, inner) = Split(result.Shape, axis);
            var total = result.Shape[axis];
            var dst = result.AsSpan<T>();
            var at = 0;
            foreach (var part in parts)
            {
                ReadOnlySpan<T> src = part.AsSpan<T>();
                var chunk = part.Shape[axis] * inner;
                for (var o = 0; o < outer; o++)
                    src.Slice(o * chunk, chunk).CopyTo(dst.Slice((o * total + at) * inner, chunk));
                at += part.Shape[axis];
            }
        }
    }
}
