using System.Numerics;
using System.Numerics.Tensors;
using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

// Arithmetic between a floating-point tensor and a C# number (x * 2.0, 1.0 - x): the number stays a double in the node
// instead of becoming a 0-d tensor, and the node records under the tensor–tensor op's name (Mul, Sub, ...) with the
// number as a 0-d constant input, so graphs, traces and exports read exactly as for x * Tensor.Scalar(2.0). The values
// and gradients are those of the tensor–tensor op with a 0-d operand, bit for bit (same kernels, same formulas).

/// <summary>An elementwise op between a tensor a and a scalar c (c ∘ a when <see cref="ScalarFirst"/>).</summary>
internal interface IScalarFunction
{
    /// <summary>The tensor–tensor op this is a form of (<c>Add</c>, <c>Mul</c>, ...): its derivative rule applies.</summary>
    static abstract string Name { get; }

    /// <summary>Whether the scalar is the left operand (c − a, c / a).</summary>
    static abstract bool ScalarFirst { get; }

    /// <summary>Whether the derivative reads the tensor operand (only c / a does).</summary>
    static abstract bool SavesInput { get; }

    /// <summary>y = a ∘ c (or c ∘ a), elementwise.</summary>
    static abstract void Forward<T>(ReadOnlySpan<T> a, T c, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>∂L/∂a from g = ∂L/∂y, the saved input (null unless saved) and c.</summary>
    static abstract Tensor Backward(Tensor g, Tensor a, double c);
}

/// <summary>a + c (and c + a). ∂/∂a = 1.</summary>
internal readonly struct AddScalar : IScalarFunction
{
    public static string Name => "Add";
    public static bool ScalarFirst => false;
    public static bool SavesInput => false;
    public static void Forward<T>(ReadOnlySpan<T> a, T c, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(a, c, y);
    public static Tensor Backward(Tensor g, Tensor a, double c) => g;
}

/// <summary>c + a (the same sum, recorded with the constant first). ∂/∂a = 1.</summary>
internal readonly struct ScalarAdd : IScalarFunction
{
    public static string Name => "Add";
    public static bool ScalarFirst => true;
    public static bool SavesInput => false;
    public static void Forward<T>(ReadOnlySpan<T> a, T c, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(a, c, y);
    public static Tensor Backward(Tensor g, Tensor a, double c) => g;
}

/// <summary>a − c. ∂/∂a = 1.</summary>
internal readonly struct SubScalar : IScalarFunction
{
    public static string Name => "Sub";
    public static bool ScalarFirst => false;
    public static bool SavesInput => false;
    public static void Forward<T>(ReadOnlySpan<T> a, T c, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, c, y);
    public static Tensor Backward(Tensor g, Tensor a, double c) => g;
}

/// <summary>c − a. ∂/∂a = −1.</summary>
internal readonly struct ScalarSub : IScalarFunction
{
    public static string Name => "Sub";
    public static bool ScalarFirst => true;
    public static bool SavesInput => false;
    public static void Forward<T>(ReadOnlySpan<T> a, T c, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(c, a, y);
    public static Tensor Backward(Tensor g, Tensor a, double c) => -g;
}

/// <summary>a · c. ∂/∂a = c.</summary>
internal readonly struct MulScalar : IScalarFunction
{
    public static string Name => "Mul";
    public static bool ScalarFirst => false;
    public static bool SavesInput => false;
    public static void Forward<T>(ReadOnlySpan<T> a, T c, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(a, c, y);
    public static Tensor Backward(Tensor g, Tensor a, double c) => g * c;
}

/// <summary>c · a. ∂/∂a = c.</summary>
internal readonly struct ScalarMul : IScalarFunction
{
    public static string Name => "Mul";
    public static bool ScalarFirst => true;
    public static bool SavesInput => false;
    public static void Forward<T>(ReadOnlySpan<T> a, T c, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(a, c, y);
    public static Tensor Backward(Tensor g, Tensor a, double c) => g * c;
}

/// <summary>a / c. ∂/∂a = 1/c.</summary>
internal readonly struct DivScalar : IScalarFunction
{
    public static string Name => "Div";
    public static bool ScalarFirst => false;
    public static bool SavesInput => false;
    public static void Forward<T>(ReadOnlySpan<T> a, T c, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, c, y);
    public static Tensor Backward(Tensor g, Tensor a, double c) => g / c;
}

/// <summary>c / a. ∂/∂a = −c/a².</summary>
internal readonly struct ScalarDiv : IScalarFunction
{
    public static string Name => "Div";
    public static bool ScalarFirst => true;
    public static bool SavesInput => true;
    public static void Forward<T>(ReadOnlySpan<T> a, T c, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(c, a, y);
    public static Tensor Backward(Tensor g, Tensor a, double c) =>
        FusedBackward.TryScalarDiv(g, a, c) ?? g * -c / (a * a); // = (−g)·c/(a·a) bit for bit, one op fewer
}

/// <summary>Runs and records a tensor–scalar op; <see cref="Tensor"/>'s operators call it for floating-point tensors.</summary>
internal static class ScalarOp<TFn> where TFn : struct, IScalarFunction
{
    /// <summary>
    /// a ∘ c for a floating-point <paramref name="a"/>, c converted to a's dtype (as a 0-d constant of that dtype would be).
    /// </summary>
    public static Tensor Apply(Tensor a, double c)
    {
        var r = Tensor.Uninitialized(a.Shape, a.DType); // the kernel writes every element
        Dispatch.Run(a.DType, new Kernel(a, c, r));
        return Graph.Record(r, a, c, static (a, c) => new ScalarNode<TFn>(a, c));
    }

    private readonly struct Kernel(Tensor a, double c, Tensor r) : IKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var y = r.AsSpan<T>();
            ReadOnlySpan<T> x = y;
            // A strided or broadcast input (the seed's view in a backward) is gathered into the result and computed in
            // place (each Forward is one TensorPrimitives call, which allows that), not copied to a buffer of its own.
            if (a.IsContiguous) x = a.Dense<T>();
            else Kernels.Strided.Gather(a.StorageSpan<T>(), a.StrideArray, a.Shape, y);
            TFn.Forward(x, T.CreateTruncating(c), y);
        }
    }
}

/// <summary>The node of a tensor–scalar op: one real input, the scalar kept as a number, shown as a 0-d constant input.</summary>
internal sealed class ScalarNode<TFn> : Node where TFn : struct, IScalarFunction
{
    private readonly double _c;

    public ScalarNode(Tensor a, double c) : base(a, TFn.ScalarFirst ? 0 : 1)
    {
        _c = c;
        if (TFn.SavesInput) Save(a);
    }

    public override string OpName => TFn.Name;

    private protected override Tensor?[] Backward(Tensor g)
    {
        var a = TFn.SavesInput ? Saved(0) : null;
        var grad = TFn.Backward(g, a!, _c);
        return TFn.ScalarFirst ? [null, grad] : [grad, null];
    }
}
