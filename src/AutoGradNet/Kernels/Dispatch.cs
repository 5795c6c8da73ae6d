using System.Numerics;

namespace AutoGradNet.Kernels;

/// <summary>
/// A kernel written once with generic math; <see cref="Dispatch"/> instantiates it for the dtype at hand,
/// so no kernel is ever written twice for <see cref="double"/> and <see cref="float"/>.
/// </summary>
internal interface IKernel
{
    void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>;
}

internal static class Dispatch
{
    /// <summary>Runs <paramref name="kernel"/> with the element type that <paramref name="dtype"/> names.</summary>
    public static void Run<TKernel>(DType dtype, ref TKernel kernel) where TKernel : struct, IKernel
    {
        switch (dtype)
        {
            case DType.Float64: kernel.Run<double>(); break;
            case DType.Float32: kernel.Run<float>(); break;
            default: throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype.");
        }
    }

    public static void Run<TKernel>(DType dtype, TKernel kernel) where TKernel : struct, IKernel => Run(dtype, ref kernel);
}
