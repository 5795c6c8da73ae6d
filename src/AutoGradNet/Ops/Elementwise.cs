using System.Numerics;
using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

/// <summary>What an elementwise node keeps for its backward.</summary>
[Flags]
internal enum Saves
{
    /// <summary>Nothing: the derivative is a constant.</summary>
    None = 0,

    /// <summary>The input(s).</summary>
    Inputs = 1,

    /// <summary>The output (e.g. eˣ's derivative is its own output).</summary>
    Output = 2,
}

/// <summary>
/// A unary elementwise primitive, defined by its forward kernel and its derivative side by side. <see cref="Unary{TFn}"/>
/// runs the kernel, and the one generic <see cref="UnaryNode{TFn}"/> records it.
/// </summary>
internal interface IUnaryFunction
{
    /// <summary>The forward op's name, as the user calls it (<c>Exp</c>, <c>Sin</c>).</summary>
    static abstract string Name { get; }

    /// <summary>Which of x and y the derivative reads.</summary>
    static abstract Saves Saves { get; }

    /// <summary>
    /// y = f(x), elementwise. <paramref name="y"/> may be <paramref name="x"/> itself (a strided input is gathered into the
    /// result and computed in place), so each y[i] may depend on x[i] only and must be written after x[i] is read.
    /// </summary>
    static abstract void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>∂L/∂x = g · f′(x), from g = ∂L/∂y, the input x and the output y (each null unless saved).</summary>
    static abstract Tensor Backward(Tensor g, Tensor x, Tensor y);
}

/// <summary>
/// A binary elementwise primitive with numpy broadcasting: its forward kernel and one derivative per input.
/// Gradients are returned in the broadcast shape; the engine sums them back to each input's shape.
/// </summary>
internal interface IBinaryFunction
{
    /// <summary>The forward op's name, as the user calls it (<c>Add</c>, <c>Pow</c>).</summary>
    static abstract string Name { get; }

    /// <summary>What the derivatives read.</summary>
    static abstract Saves Saves { get; }

    /// <summary>Whether integer operands are computed in floating point (true division, pow).</summary>
    static virtual bool AlwaysFloat => false;

    /// <summary>result = f(a, b); the operands already have the result's dtype.</summary>
    static abstract void Forward(Tensor a, Tensor b, Tensor result);

    /// <summary>∂L/∂a from g = ∂L/∂y.</summary>
    static abstract Tensor GradA(Tensor g, Tensor a, Tensor b, Tensor y);

    /// <summary>∂L/∂b from g = ∂L/∂y.</summary>
    static abstract Tensor GradB(Tensor g, Tensor a, Tensor b, Tensor y);

    /// <summary>
    /// Whether each derivative reads only the other operand (a·b: ∂/∂a = b, ∂/∂b = a), so an operand is saved only when the
    /// other one needs a gradient, as PyTorch does: <c>x * mask</c> with a constant mask does not keep x.
    /// </summary>
    static virtual bool CrossDerivatives => false;

    /// <summary>
    /// Both gradients in one pass with the bits of <see cref="GradA"/> and <see cref="GradB"/>, when the op has such a form
    /// and it applies (<see cref="FusedBackward"/>); <see langword="false"/> to use the two rules.
    /// </summary>
    static virtual bool TryFusedBackward(Tensor g, Tensor a, Tensor b, bool needA, bool needB, out Tensor? gradA, out Tensor? gradB)
    {
        gradA = gradB = null;
        return false;
    }
}

/// <summary>Runs and records a unary elementwise primitive.</summary>
internal static class Unary<TFn> where TFn : struct, IUnaryFunction
{
    /// <summary>f(x); an Int64 or Bool input is computed in Float64, as PyTorch computes it in its default float type.</summary>
    public static Tensor Apply(Tensor x)
    {
        x = Promotion.ToFloating(x);
        var y = Tensor.Uninitialized(x.Shape, x.DType); // the kernel writes every element
        Dispatch.Run(x.DType, new Kernel(x, y));
        return Graph.Record(y, x, static (x, y) => new UnaryNode<TFn>(x, y));
    }

    private readonly struct Kernel(Tensor x, Tensor y) : IKernel
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var ys = y.AsSpan<T>();
            ReadOnlySpan<T> xs = ys;
            // A strided input is gathered into the result and computed in place: one buffer, not a copy and a result.
            if (x.IsContiguous) xs = x.Dense<T>();
            else Strided.Gather(x.StorageSpan<T>(), x.StrideArray, x.Shape, ys);
            TFn.Forward(xs, ys);
        }
    }
}

/// <summary>The node of every unary elementwise primitive: the derivative comes from <typeparamref name="TFn"/>.</summary>
internal sealed class UnaryNode<TFn> : Node where TFn : struct, IUnaryFunction
{
    public UnaryNode(Tensor x, Tensor y) : base(x)
    {
        switch (TFn.Saves)
        {
            case Saves.Inputs: Save(x); break;
            case Saves.Output: Save(y); break;
            case Saves.Inputs | Saves.Output: Save(x, y); break;
        }
    }

    public override string OpName => TFn.Name;

    private protected override Tensor?[] Backward(Tensor g)
    {
        var x = (TFn.Saves & Saves.Inputs) != 0 ? Saved(0) : null;
        var y = TFn.Saves == Saves.Output ? Saved(0) : TFn.Saves == (Saves.Inputs | Saves.Output) ? Saved(1) : null;
        return [TFn.Backward(g, x!, y!)];
    }
}

/// <summary>Runs and records a binary elementwise primitive, promoting mixed dtypes first.</summary>
internal static class Binary<TFn> where TFn : struct, IBinaryFunction
{
    public static Tensor Apply(Tensor a, Tensor b)
    {
        Checks.NotNull(a, TFn.Name, "left operand");
        Checks.NotNull(b, TFn.Name, "right operand");
        var dtype = DTypes.Promote(a, b, TFn.Name);
        if (TFn.AlwaysFloat && !dtype.IsFloatingPoint()) dtype = DType.Float64;
        if (dtype == DType.Bool)
        {
            throw new ArgumentException(
                $"{TFn.Name}: arithmetic is not defined for two Bool tensors (shapes {a.Shape} and {b.Shape}); use &, | or ^ for logic, or convert with .To(DType.Int64).");
        }
        a = Promotion.Convert(a, dtype);
        b = Promotion.Convert(b, dtype);
        var r = Tensor.Uninitialized(Shape.Broadcast(a.Shape, b.Shape, TFn.Name), dtype); // the kernel writes every element
        TFn.Forward(a, b, r);
        return Graph.Record(r, a, b, r, static (a, b, r) => new BinaryNode<TFn>(a, b, r));
    }
}

/// <summary>The node of every binary elementwise primitive.</summary>
internal sealed class BinaryNode<TFn> : Node where TFn : struct, IBinaryFunction
{
    public BinaryNode(Tensor a, Tensor b, Tensor y) : base(a, b)
    {
        if (TFn.CrossDerivatives && TFn.Saves == Saves.Inputs)
        {
            // GradA reads b (slot 1) and GradB reads a (slot 0): keep only what the needed gradients read. A slot nothing
            // reads repeats the other operand, so the slots (and the index in a modified-saved-tensor error) stay a, b.
            Save(NeedsGrad(1) ? a : b, NeedsGrad(0) ? b : a);
            return;
        }
        switch (TFn.Saves)
        {
            case Saves.Inputs: Save(a, b); break;
            case Saves.Output: Save(y); break;
            case Saves.Inputs | Saves.Output: Save(a, b, y); break;
        }
    }

    public override string OpName => TFn.Name;

    private protected override Tensor?[] Backward(Tensor g)
    {
        if (TFn.CrossDerivatives && TFn.Saves == Saves.Inputs)
        {
            bool needA = NeedsGrad(0), needB = NeedsGrad(1);
            var other = needA ? Saved(1) : null; // b, for a's gradient
            var self = needB ? Saved(0) : null;  // a, for b's gradient
            return [needA ? TFn.GradA(g, self!, other!, null!) : null, needB ? TFn.GradB(g, self!, other!, null!) : null];
        }
        var inputs = (TFn.Saves & Saves.Inputs) != 0;
        Tensor? a = inputs ? Saved(0) : null, b = inputs ? Saved(1) : null;
        var y = TFn.Saves == Saves.Output ? Saved(0) : TFn.Saves == (Saves.Inputs | Saves.Output) ? Saved(2) : null;
        if (inputs && TFn.TryFusedBackward(g, a!, b!, NeedsGrad(0), NeedsGrad(1), out var gradA, out var gradB)) return [gradA, gradB];
        return [NeedsGrad(0) ? TFn.GradA(g, a!, b!, y!) : null, NeedsGrad(1) ? TFn.GradB(g, a!, b!, y!) : null];
    }
}

/// <summary>dtype conversions applied before an op (never recorded: they only ever convert Int64 and Bool).</summary>
internal static class Promotion
{
    /// <summary><paramref name="x"/> itself when floating point, else converted to Float64.</summary>
    public static Tensor ToFloating(Tensor x) => x.DType.IsFloatingPoint() ? x : x.ConvertedTo(DType.Float64);

    /// <summary>
    /// <paramref name="x"/> converted to <paramref name="dtype"/>: recorded (a Cast) between float types, so a 0-d Float64
    /// scalar that requires grad keeps its gradient when it meets a Float32 tensor; a plain conversion otherwise.
    /// </summary>
    public static Tensor Convert(Tensor x, DType dtype) =>
        x.DType == dtype ? x : x.DType.IsFloatingPoint() && dtype.IsFloatingPoint() ? x.To(dtype) : x.ConvertedTo(dtype);
}
