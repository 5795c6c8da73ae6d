using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

// Elementwise binary arithmetic with numpy broadcasting: each primitive is its kernel and one derivative per input.

/// <summary>a + b. ∂/∂a = 1, ∂/∂b = 1.</summary>
internal readonly struct Add : IBinaryFunction
{
    public static string Name => "Add";
    public static Saves Saves => Saves.None;
    public static void Forward(Tensor a, Tensor b, Tensor r) => Elementwise.Binary<AddOp>(a, b, r);
    public static Tensor GradA(Tensor g, Tensor a, Tensor b, Tensor y) => g;
    public static Tensor GradB(Tensor g, Tensor a, Tensor b, Tensor y) => g;
}

/// <summary>a − b. ∂/∂a = 1, ∂/∂b = −1.</summary>
internal readonly struct Sub : IBinaryFunction
{
    public static string Name => "Sub";
    public static Saves Saves => Saves.None;
    public static void Forward(Tensor a, Tensor b, Tensor r) => Elementwise.Binary<SubOp>(a, b, r);
    public static Tensor GradA(Tensor g, Tensor a, Tensor b, Tensor y) => g;
    public static Tensor GradB(Tensor g, Tensor a, Tensor b, Tensor y) => -g;
}

/// <summary>a · b. ∂/∂a = b, ∂/∂b = a.</summary>
internal readonly struct Mul : IBinaryFunction
{
    public static string Name => "Mul";
    public static Saves Saves => Saves.Inputs;
    public static void Forward(Tensor a, Tensor b, Tensor r) => Elementwise.Binary<MulOp>(a, b, r);
    public static Tensor GradA(Tensor g, Tensor a, Tensor b, Tensor y) => g * b;
    public static Tensor GradB(Tensor g, Tensor a, Tensor b, Tensor y) => g * a;
}

/// <summary>a / b (true division: integers divide in Float64). ∂/∂a = 1/b, ∂/∂b = −a/b².</summary>
internal readonly struct Div : IBinaryFunction
{
    public static string Name => "Div";
    public static Saves Saves => Saves.Inputs;
    public static bool AlwaysFloat => true;
    public static void Forward(Tensor a, Tensor b, Tensor r) => Elementwise.Binary<DivOp>(a, b, r);
    public static Tensor GradA(Tensor g, Tensor a, Tensor b, Tensor y) => g / b;
    public static Tensor GradB(Tensor g, Tensor a, Tensor b, Tensor y) => -g * a / (b * b);

    public static bool TryFusedBackward(Tensor g, Tensor a, Tensor b, bool needA, bool needB, out Tensor? gradA, out Tensor? gradB)
        => FusedBackward.TryDiv(g, a, b, needA, needB, out gradA, out gradB);
}
