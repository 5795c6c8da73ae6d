using System.Numerics;

namespace AutoGradNet.Kernels;

/// <summary>
/// A floating-point kernel written once with generic math; <see cref="Dispatch"/> instantiates it for the dtype at
/// hand, so no kernel is ever written twice for <see cref="double"/> and <see cref="float"/>.
/// </summary>
internal interface IKernel
{
    void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>A kernel for every numeric dtype: the floats and <see cref="long"/>.</summary>
internal interface INumericKernel
{
    void Run<T>() where T : unmanaged, INumber<T>;
}

/// <summary>A kernel that only moves elements, so it runs for every dtype, <see cref="bool"/> included.</summary>
internal interface ICopyKernel
{
    void Run<T>() where T : unmanaged;
}

internal static class Dispatch
{
    /// <summary>Runs <paramref name="kernel"/> with the float type that <paramref name="dtype"/> names.</summary>
    public static void Run<TKernel>(DType dtype, ref TKernel kernel) where TKernel : struct, IKernel
    {
        switch (dtype)
        {
            case DType.Float64: kernel.Run<double>(); break;
            case DType.Float32: kernel.Run<float>(); break;
            default: throw new InvalidOperationException($"internal error: a floating-point kernel was called on {dtype}.");
        }
    }

    public static void Run<TKernel>(DType dtype, TKernel kernel) where TKernel : struct, IKernel => Run(dtype, ref kernel);

    /// <summary>Runs <paramref name="kernel"/> with the numeric type that <paramref name="dtype"/> names.</summary>
    public static void Numeric<TKernel>(DType dtype, ref TKernel kernel) where TKernel : struct, INumericKernel
    {
        switch (dtype)
        {
            case DType.Float64: kernel.Run<double>(); break;
            case DType.Float32: kernel.Run<float>(); break;
            case DType.Int64: kernel.Run<long>(); break;
            default: throw new InvalidOperationException($"internal error: a numeric kernel was called on {dtype}.");
        }
    }

    public static void Numeric<TKernel>(DType dtype, TKernel kernel) where TKernel : struct, INumericKernel => Numeric(dtype, ref kernel);

    /// <summary>Runs <paramref name="kernel"/> with the element type that <paramref name="dtype"/> names.</summary>
    public static void Copy<TKernel>(DType dtype, ref TKernel kernel) where TKernel : struct, ICopyKernel
    {
        switch (dtype)
        {
            case DType.Float64: kernel.Run<double>(); break;
            case DType.Float32: kernel.Run<float>(); break;
            case DType.Int64: kernel.Run<long>(); break;
            case DType.Bool: kernel.Run<bool>(); break;
            default: throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype.");
        }
    }

    public static void Copy<TKernel>(DType dtype, TKernel kernel) where TKernel : struct, ICopyKernel => Copy(dtype, ref kernel);
}
