using AutoGradNet.Kernels;
using AutoGradNet.Ops;

namespace AutoGradNet;

// Arithmetic and comparison operators. Tensor–tensor operands broadcast (numpy rules) and must share a
// dtype; a C# double is converted to the tensor's dtype.
public sealed partial class Tensor
{
    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Ops.Add.Apply(a, b);

    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(Tensor a, double b) => Ops.Add.Apply(a, ScalarLike(a, b));

    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(double a, Tensor b) => Ops.Add.Apply(ScalarLike(b, a), b);

    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Ops.Sub.Apply(a, b);

    /// <summary>Subtracts a scalar from every element.</summary>
    public static Tensor operator -(Tensor a, double b) => Ops.Sub.Apply(a, ScalarLike(a, b));

    /// <summary>Subtracts every element from a scalar.</summary>
    public static Tensor operator -(double a, Tensor b) => Ops.Sub.Apply(ScalarLike(b, a), b);

    /// <summary>Elementwise product with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Ops.Mul.Apply(a, b);

    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(Tensor a, double b) => Ops.Mul.Apply(a, ScalarLike(a, b));

    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(double a, Tensor b) => Ops.Mul.Apply(ScalarLike(b, a), b);

    /// <summary>Elementwise quotient with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Ops.Div.Apply(a, b);

    /// <summary>Divides every element by a scalar.</summary>
    public static Tensor operator /(Tensor a, double b) => Ops.Div.Apply(a, ScalarLike(a, b));

    /// <summary>Divides a scalar by every element.</summary>
    public static Tensor operator /(double a, Tensor b) => Ops.Div.Apply(ScalarLike(b, a), b);

    /// <summary>Elementwise negation.</summary>
    public static Tensor operator -(Tensor x) => Ops.Neg.Apply(x);

    /// <summary>1 where <c>a &gt; b</c>, else 0 (same dtype; not differentiable).</summary>
    public static Tensor operator >(Tensor a, Tensor b) => Compare.Apply<GreaterOp>(a, b, "gt");

    /// <summary>1 where <c>a &lt; b</c>, else 0 (same dtype; not differentiable).</summary>
    public static Tensor operator <(Tensor a, Tensor b) => Compare.Apply<LessOp>(a, b, "lt");

    /// <summary>1 where <c>a ≥ b</c>, else 0 (same dtype; not differentiable).</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => Compare.Apply<GreaterEqualOp>(a, b, "ge");

    /// <summary>1 where <c>a ≤ b</c>, else 0 (same dtype; not differentiable).</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => Compare.Apply<LessEqualOp>(a, b, "le");

    /// <summary>1 where <c>a &gt; b</c>, else 0.</summary>
    public static Tensor operator >(Tensor a, double b) => a > ScalarLike(a, b);

    /// <summary>1 where <c>a &lt; b</c>, else 0.</summary>
    public static Tensor operator <(Tensor a, double b) => a < ScalarLike(a, b);

    /// <summary>1 where <c>a ≥ b</c>, else 0.</summary>
    public static Tensor operator >=(Tensor a, double b) => a >= ScalarLike(a, b);

    /// <summary>1 where <c>a ≤ b</c>, else 0.</summary>
    public static Tensor operator <=(Tensor a, double b) => a <= ScalarLike(a, b);

    /// <summary>A 0-d constant with <paramref name="like"/>'s dtype, for a C# scalar operand.</summary>
    private static Tensor ScalarLike(Tensor like, double value)
    {
        Checks.NotNull(like, "arithmetic with a scalar", "tensor operand");
        return Scalar(value, like.DType);
    }

    /// <summary>1 where <c>a &gt; b</c>, else 0.</summary>
    public static Tensor operator >(double a, Tensor b) => ScalarLike(b, a) > b;

    /// <summary>1 where <c>a &lt; b</c>, else 0.</summary>
    public static Tensor operator <(double a, Tensor b) => ScalarLike(b, a) < b;

    /// <summary>1 where <c>a ≥ b</c>, else 0.</summary>
    public static Tensor operator >=(double a, Tensor b) => ScalarLike(b, a) >= b;

    /// <summary>1 where <c>a ≤ b</c>, else 0.</summary>
    public static Tensor operator <=(double a, Tensor b) => ScalarLike(b, a) <= b;

    /// <summary>Elementwise sum with broadcasting (same as <c>+</c>).</summary>
    public Tensor Add(Tensor other) => this + other;

    /// <summary>Elementwise difference with broadcasting (same as <c>-</c>).</summary>
    public Tensor Sub(Tensor other) => this - other;

    /// <summary>Elementwise product with broadcasting (same as <c>*</c>).</summary>
    public Tensor Mul(Tensor other) => this * other;

    /// <summary>Elementwise quotient with broadcasting (same as <c>/</c>).</summary>
    public Tensor Div(Tensor other) => this / other;

    /// <summary>Adds a scalar to every element (same as <c>+</c>).</summary>
    public Tensor Add(double other) => this + other;

    /// <summary>Subtracts a scalar from every element (same as <c>-</c>).</summary>
    public Tensor Sub(double other) => this - other;

    /// <summary>Multiplies every element by a scalar (same as <c>*</c>).</summary>
    public Tensor Mul(double other) => this * other;

    /// <summary>Divides every element by a scalar (same as <c>/</c>).</summary>
    public Tensor Div(double other) => this / other;

    /// <summary>Elementwise negation.</summary>
    public Tensor Neg() => -this;

    /// <summary>
    /// 1 where this equals <paramref name="other"/>, else 0 (not differentiable). Note that <c>==</c> on tensors is
    /// reference equality, as for any .NET class; this method is the elementwise comparison.
    /// </summary>
    public Tensor ElementwiseEquals(Tensor other) => Compare.Apply<EqualOp>(this, other, "eq");

    /// <summary>1 where this differs from <paramref name="other"/>, else 0 (not differentiable).</summary>
    public Tensor ElementwiseNotEquals(Tensor other) => Compare.Apply<NotEqualOp>(this, other, "ne");

    /// <summary>
    /// <paramref name="ifTrue"/> where <paramref name="condition"/> is non-zero, else <paramref name="ifFalse"/>,
    /// all three broadcast together. Differentiable in both branches; the condition gets no gradient.
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor ifTrue, Tensor ifFalse)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return Ops.Where.Apply(condition, ifTrue, ifFalse);
    }

    /// <summary><see cref="Where(Tensor, Tensor, Tensor)"/> with a scalar for the false branch.</summary>
    public static Tensor Where(Tensor condition, Tensor ifTrue, double ifFalse) => Where(condition, ifTrue, ScalarLike(ifTrue, ifFalse));

    /// <summary><see cref="Where(Tensor, Tensor, Tensor)"/> with a scalar for the true branch.</summary>
    public static Tensor Where(Tensor condition, double ifTrue, Tensor ifFalse) => Where(condition, ScalarLike(ifFalse, ifTrue), ifFalse);

    /// <summary><see cref="Where(Tensor, Tensor, Tensor)"/> with scalars for both branches (the result has the condition's dtype and shape).</summary>
    public static Tensor Where(Tensor condition, double ifTrue, double ifFalse)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return Where(condition, Scalar(ifTrue, condition.DType), Scalar(ifFalse, condition.DType));
    }

    /// <summary>
    /// Elementwise maximum of two tensors (broadcast); where they tie the gradient goes to <c>this</c>.
    /// NaN in either operand gives NaN, as in PyTorch.
    /// </summary>
    public Tensor Maximum(Tensor other) => Where(SelectsThis(this >= other), this, other);

    /// <summary>
    /// Elementwise minimum of two tensors (broadcast); where they tie the gradient goes to <c>this</c>.
    /// NaN in either operand gives NaN, as in PyTorch.
    /// </summary>
    public Tensor Minimum(Tensor other) => Where(SelectsThis(this <= other), this, other);

    /// <summary>
    /// The selection mask for Maximum/Minimum: a NaN in <c>this</c> is selected; a NaN in the other operand already
    /// fails <paramref name="comparison"/>, so the other (NaN) is selected.
    /// </summary>
    private Tensor SelectsThis(Tensor comparison) => Where(IsNaN(), 1.0, comparison);

    /// <summary>
    /// Limits every element to <c>[min, max]</c>; the gradient is 1 inside the range and 0 outside. NaN stays NaN,
    /// with gradient 0, as in PyTorch.
    /// </summary>
    public Tensor Clamp(double min, double max)
    {
        if (min > max) throw new ArgumentException($"clamp: min {min} is greater than max {max}.");
        var notNaN = Where(IsNaN(), double.NaN, this); // a NaN takes the constant branch, so no gradient flows to it
        return Where(this < min, min, Where(this > max, max, notNaN));
    }

    /// <summary>eˣ elementwise.</summary>
    public Tensor Exp() => Ops.Exp.Apply(this);

    /// <summary>Natural logarithm elementwise.</summary>
    public Tensor Log() => Ops.Log.Apply(this);

    /// <summary>ln(1 + x) elementwise, accurate when |x| is tiny (where <c>(1 + x).Log()</c> rounds to 0).</summary>
    public Tensor Log1p() => Ops.Log1p.Apply(this);

    /// <summary>Each element raised to the scalar <paramref name="exponent"/>.</summary>
    public Tensor Pow(double exponent) => Ops.Pow.Apply(this, exponent);

    /// <summary>Square root elementwise.</summary>
    public Tensor Sqrt() => Ops.Sqrt.Apply(this);

    /// <summary>Absolute value elementwise (its gradient at 0 is 0).</summary>
    public Tensor Abs() => Ops.Abs.Apply(this);

    /// <summary>−1, 0 or +1 elementwise (not differentiable: its derivative is 0 wherever it exists).</summary>
    public Tensor Sign() => UnaryForward.Run<SignOp>(this);

    /// <summary>1 where the element is NaN, else 0 (not differentiable).</summary>
    public Tensor IsNaN() => UnaryForward.Run<IsNaNOp>(this);

    /// <summary>1 where the element is finite, 0 where it is ±∞ or NaN (not differentiable).</summary>
    public Tensor IsFinite() => UnaryForward.Run<IsFiniteOp>(this);

    /// <summary>A differentiable copy with its own storage.</summary>
    public Tensor Clone() => Ops.Clone.Apply(this);

    /// <summary>The logistic sigmoid, <see cref="Functional.Sigmoid"/>.</summary>
    public Tensor Sigmoid() => Functional.Sigmoid(this);

    /// <summary>Hyperbolic tangent elementwise (a primitive); d/dx = 1 − tanh²x.</summary>
    public Tensor Tanh() => Ops.Tanh.Apply(this);

    /// <summary>Rectified linear unit, <see cref="Functional.Relu"/>.</summary>
    public Tensor Relu() => Functional.Relu(this);

    /// <summary>softplus, ln(1 + eˣ): <see cref="Functional.Softplus"/>.</summary>
    public Tensor Softplus() => Functional.Softplus(this);

    /// <summary>Softmax over <paramref name="axis"/>: <see cref="Functional.Softmax"/>.</summary>
    public Tensor Softmax(int axis = -1) => Functional.Softmax(this, axis);

    /// <summary>Log-softmax over <paramref name="axis"/>: <see cref="Functional.LogSoftmax"/>.</summary>
    public Tensor LogSoftmax(int axis = -1) => Functional.LogSoftmax(this, axis);
}
