using System.Numerics;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

/// <summary>
/// aᵇ with a tensor exponent (broadcast; integers compute in Float64). ∂/∂a = b·aᵇ⁻¹ (0 where b = 0),
/// ∂/∂b = ln(a)·aᵇ (0 where a = 0 and b ≥ 0), the values PyTorch's pow_backward_self/_exponent give.
/// </summary>
internal readonly struct PowTensor : IBinaryFunction
{
    public static string Name => "Pow";
    public static Saves Saves => Saves.Inputs | Saves.Output;
    public static bool AlwaysFloat => true;
    public static void Forward(Tensor a, Tensor b, Tensor r) => Dispatch.Run(r.DType, new Kernel(a, b, r));

    public static Tensor GradA(Tensor g, Tensor a, Tensor b, Tensor y) =>
        Tensor.Where(b.ElementwiseEquals(Tensor.Scalar(0, b.DType)), 0.0, g * b * a.Pow(b - 1.0));

    public static Tensor GradB(Tensor g, Tensor a, Tensor b, Tensor y) =>
        Tensor.Where(a.ElementwiseEquals(Tensor.Scalar(0, a.DType)) & (b >= 0.0), 0.0, g * y * a.Log());

    private readonly struct Kernel(Tensor a, Tensor b, Tensor r) : IKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var x = Elementwise.Expand<T>(a, r.Shape);
            var p = Elementwise.Expand<T>(b, r.Shape);
            var d = r.AsSpan<T>();
            for (var i = 0; i < d.Length; i++) d[i] = T.Pow(x[i], p[i]);
        }
    }
}
