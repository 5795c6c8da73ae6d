namespace AutoGradNet.Kernels;

/// <summary>Kernels that move elements without arithmetic.</summary>
internal static class Layout
{
    /// <summary>Concatenates <paramref name="parts"/> along <paramref name="axis"/> into <paramref name="result"/>.</summary>
    public static void Concat(Tensor[] parts, int axis, Tensor result)
        => Dispatch.Copy(result.DType, new ConcatKernel(parts, axis, result));

    /// <summary>The product of the dimensions before and after <paramref name="axis"/>.</summary>
    public static (int Outer, int Inner) Split(Shape shape, int axis)
    {
        int outer = 1, inner = 1;
        for (var i = 0; i < axis; i++) outer *= shape[i];
        for (var i = axis + 1; i < shape.Rank; i++) inner *= shape[i];
        return (outer, inner);
    }

    private readonly struct ConcatKernel(Tensor[] parts, int axis, Tensor result) : ICopyKernel
    {
        public void Run<T>() where T : unmanaged
        {
            var (outer, inner) = Split(result.Shape, axis);
            var total = result.Shape[axis];
            var dst = result.AsSpan<T>();
            var at = 0;
            foreach (var part in parts)
            {
                var src = part.Dense<T>();
                var chunk = part.Shape[axis] * inner;
                for (var o = 0; o < outer; o++)
                    src.Slice(o * chunk, chunk).CopyTo(dst.Slice((o * total + at) * inner, chunk));
                at += part.Shape[axis];
            }
        }
    }
}
