using AutoGradNet.Kernels;
using AutoGradNet.Ops;

namespace AutoGradNet;

// Arithmetic, comparison and logical operators. Tensor–tensor operands broadcast (numpy rules); mixed dtypes promote
// (Bool < Int64 < float; Float32 with Float64 is an error). A C# number takes the tensor's dtype when it fits that
// category: a long with any tensor, a double with a float tensor; a double with an Int64 or Bool tensor gives Float64.
public sealed partial class Tensor
{
    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Binary<Ops.Add>.Apply(a, b);

    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(Tensor a, double b) => KeepsScalar(a) ? ScalarOp<AddScalar>.Apply(a, b) : Binary<Ops.Add>.Apply(a, ScalarLike(a, b));

    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(double a, Tensor b) => KeepsScalar(b) ? ScalarOp<ScalarAdd>.Apply(b, a) : Binary<Ops.Add>.Apply(ScalarLike(b, a), b);

    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Binary<Ops.Sub>.Apply(a, b);

    /// <summary>Subtracts a scalar from every element.</summary>
    public static Tensor operator -(Tensor a, double b) => KeepsScalar(a) ? ScalarOp<SubScalar>.Apply(a, b) : Binary<Ops.Sub>.Apply(a, ScalarLike(a, b));

    /// <summary>Subtracts every element from a scalar.</summary>
    public static Tensor operator -(double a, Tensor b) => KeepsScalar(b) ? ScalarOp<ScalarSub>.Apply(b, a) : Binary<Ops.Sub>.Apply(ScalarLike(b, a), b);

    /// <summary>Elementwise product with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Binary<Ops.Mul>.Apply(a, b);

    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(Tensor a, double b) => KeepsScalar(a) ? ScalarOp<MulScalar>.Apply(a, b) : Binary<Ops.Mul>.Apply(a, ScalarLike(a, b));

    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(double a, Tensor b) => KeepsScalar(b) ? ScalarOp<ScalarMul>.Apply(b, a) : Binary<Ops.Mul>.Apply(ScalarLike(b, a), b);

    /// <summary>Elementwise quotient with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Binary<Ops.Div>.Apply(a, b);

    /// <summary>Divides every element by a scalar.</summary>
    public static Tensor operator /(Tensor a, double b) => KeepsScalar(a) ? ScalarOp<DivScalar>.Apply(a, b) : Binary<Ops.Div>.Apply(a, ScalarLike(a, b));

    /// <summary>Divides a scalar by every element.</summary>
    public static Tensor operator /(double a, Tensor b) => KeepsScalar(b) ? ScalarOp<ScalarDiv>.Apply(b, a) : Binary<Ops.Div>.Apply(ScalarLike(b, a), b);

    /// <summary>Adds an integer to every element (an Int64 tensor stays Int64).</summary>
    public static Tensor operator +(Tensor a, long b) => Binary<Ops.Add>.Apply(a, ScalarLike(a, b));

    /// <summary>Adds an integer to every element.</summary>
    public static Tensor operator +(long a, Tensor b) => Binary<Ops.Add>.Apply(ScalarLike(b, a), b);

    /// <summary>Subtracts an integer from every element.</summary>
    public static Tensor operator -(Tensor a, long b) => Binary<Ops.Sub>.Apply(a, ScalarLike(a, b));

    /// <summary>Subtracts every element from an integer.</summary>
    public static Tensor operator -(long a, Tensor b) => Binary<Ops.Sub>.Apply(ScalarLike(b, a), b);

    /// <summary>Multiplies every element by an integer.</summary>
    public static Tensor operator *(Tensor a, long b) => Binary<Ops.Mul>.Apply(a, ScalarLike(a, b));

    /// <summary>Multiplies every element by an integer.</summary>
    public static Tensor operator *(long a, Tensor b) => Binary<Ops.Mul>.Apply(ScalarLike(b, a), b);

    /// <summary>Divides every element by an integer (true division: Int64 tensors give Float64).</summary>
    public static Tensor operator /(Tensor a, long b) => Binary<Ops.Div>.Apply(a, ScalarLike(a, b));

    /// <summary>Divides an integer by every element (true division).</summary>
    public static Tensor operator /(long a, Tensor b) => Binary<Ops.Div>.Apply(ScalarLike(b, a), b);

    /// <summary>Elementwise negation (not defined for Bool; use <c>!</c>).</summary>
    public static Tensor operator -(Tensor x)
    {
        Checks.NotNull(x, "Neg", "input");
        return x.DType switch
        {
            DType.Bool => throw new ArgumentException($"Neg: negation is not defined for Bool tensors (shape {x.Shape}); use the ! operator (LogicalNot)."),
            DType.Int64 => Binary<Ops.Sub>.Apply(Scalar(0, DType.Int64), x),
            _ => Unary<Ops.Neg>.Apply(x),
        };
    }

    /// <summary>Elementwise logical and of two Bool tensors (broadcast).</summary>
    public static Tensor operator &(Tensor a, Tensor b) => Where(CheckBool(a, "LogicalAnd"), CheckBool(b, "LogicalAnd"), Scalar(0, DType.Bool));

    /// <summary>Elementwise logical or of two Bool tensors (broadcast).</summary>
    public static Tensor operator |(Tensor a, Tensor b) => Where(CheckBool(a, "LogicalOr"), Scalar(1, DType.Bool), CheckBool(b, "LogicalOr"));

    /// <summary>Elementwise exclusive or of two Bool tensors (broadcast).</summary>
    public static Tensor operator ^(Tensor a, Tensor b) => Compare.Apply<NotEqualOp>(CheckBool(a, "LogicalXor"), CheckBool(b, "LogicalXor"), "LogicalXor");

    /// <summary>Elementwise logical not of a Bool tensor.</summary>
    public static Tensor operator !(Tensor x) => Compare.Apply<EqualOp>(CheckBool(x, "LogicalNot"), Scalar(0, DType.Bool), "LogicalNot");

    /// <summary>Elementwise logical and (same as <c>&amp;</c>).</summary>
    public Tensor LogicalAnd(Tensor other) => this & other;

    /// <summary>Elementwise logical or (same as <c>|</c>).</summary>
    public Tensor LogicalOr(Tensor other) => this | other;

    /// <summary>Elementwise logical not (same as <c>!</c>).</summary>
    public Tensor LogicalNot() => !this;

    /// <summary>Whether any element is true (non-zero), as a 0-d Bool tensor.</summary>
    public Tensor Any() => Scalar(Ops.Sum.Apply(AsMask("Any"), [], keepDim: false, "Any").Item() > 0 ? 1 : 0, DType.Bool);

    /// <summary>Whether every element is true (non-zero), as a 0-d Bool tensor (true for an empty tensor).</summary>
    public Tensor All() => Scalar(Ops.Sum.Apply(AsMask("All"), [], keepDim: false, "All").Item() == Size ? 1 : 0, DType.Bool);

    private Tensor AsMask(string op)
    {
        Checks.NotNull(this, op, "input");
        return DType == DType.Bool ? this : Compare.Apply<NotEqualOp>(this, Scalar(0, DType), op);
    }

    private static Tensor CheckBool(Tensor t, string op)
    {
        Checks.NotNull(t, op, "operand");
        if (t.DType != DType.Bool)
            throw new ArgumentException($"{op}: expected Bool tensors, got {t.DType} (shape {t.Shape}). Compare first (e.g. x > 0), or convert with .To(DType.Bool).");
        return t;
    }

    /// <summary>True where <c>a &gt; b</c> (a Bool tensor; not differentiable).</summary>
    public static Tensor operator >(Tensor a, Tensor b) => Compare.Apply<GreaterOp>(a, b, "Greater");

    /// <summary>True where <c>a &lt; b</c> (a Bool tensor; not differentiable).</summary>
    public static Tensor operator <(Tensor a, Tensor b) => Compare.Apply<LessOp>(a, b, "Less");

    /// <summary>True where <c>a ≥ b</c> (a Bool tensor; not differentiable).</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => Compare.Apply<GreaterEqualOp>(a, b, "GreaterEqual");

    /// <summary>True where <c>a ≤ b</c> (a Bool tensor; not differentiable).</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => Compare.Apply<LessEqualOp>(a, b, "LessEqual");

    /// <summary>True where <c>a &gt; b</c> (a Bool tensor).</summary>
    public static Tensor operator >(Tensor a, double b) => a > ScalarLike(a, b);

    /// <summary>True where <c>a &lt; b</c> (a Bool tensor).</summary>
    public static Tensor operator <(Tensor a, double b) => a < ScalarLike(a, b);

    /// <summary>True where <c>a ≥ b</c> (a Bool tensor).</summary>
    public static Tensor operator >=(Tensor a, double b) => a >= ScalarLike(a, b);

    /// <summary>True where <c>a ≤ b</c> (a Bool tensor).</summary>
    public static Tensor operator <=(Tensor a, double b) => a <= ScalarLike(a, b);

    /// <summary>
    /// Whether arithmetic of <paramref name="t"/> with a C# number keeps the number in the node (<see cref="ScalarOp{TFn}"/>)
    /// instead of making it a 0-d tensor: for floating-point tensors, outside anomaly mode (whose messages list the
    /// operands as tensors). Either way the values, gradients and recorded graph are the same.
    /// </summary>
    private static bool KeepsScalar(Tensor t) => t is not null && t.DType.IsFloatingPoint() && !Autograd.AnomalyMode.IsEnabled;

    /// <summary>A 0-d constant for a C# double operand: the tensor's dtype if it is floating point, else Float64.</summary>
    private static Tensor ScalarLike(Tensor like, double value)
    {
        Checks.NotNull(like, "arithmetic with a scalar", "tensor operand");
        return Scalar(value, like.DType.IsFloatingPoint() ? like.DType : DType.Float64);
    }

    /// <summary>A 0-d constant for a C# integer operand: the tensor's dtype if it is floating point, else Int64.</summary>
    private static Tensor ScalarLike(Tensor like, long value)
    {
        Checks.NotNull(like, "arithmetic with a scalar", "tensor operand");
        return like.DType.IsFloatingPoint() ? Scalar(value, like.DType) : Scalar(value, DType.Int64);
    }

    /// <summary>True where <c>a &gt; b</c> (a Bool tensor).</summary>
    public static Tensor operator >(double a, Tensor b) => ScalarLike(b, a) > b;

    /// <summary>True where <c>a &lt; b</c> (a Bool tensor).</summary>
    public static Tensor operator <(double a, Tensor b) => ScalarLike(b, a) < b;

    /// <summary>True where <c>a ≥ b</c> (a Bool tensor).</summary>
    public static Tensor operator >=(double a, Tensor b) => ScalarLike(b, a) >= b;

    /// <summary>True where <c>a ≤ b</c> (a Bool tensor).</summary>
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
    /// True where this equals <paramref name="other"/> (a Bool tensor; not differentiable). Note that <c>==</c> on tensors is
    /// reference equality, as for any .NET class; this method is the elementwise comparison.
    /// </summary>
    public Tensor ElementwiseEquals(Tensor other) => Compare.Apply<EqualOp>(this, other, "ElementwiseEquals");

    /// <summary>True where this differs from <paramref name="other"/> (a Bool tensor; not differentiable).</summary>
    public Tensor ElementwiseNotEquals(Tensor other) => Compare.Apply<NotEqualOp>(this, other, "ElementwiseNotEquals");

    /// <summary>
    /// <paramref name="ifTrue"/> where <paramref name="condition"/> is true, else <paramref name="ifFalse"/>, all three
    /// broadcast together; the branches' dtypes promote. The condition is a Bool tensor (a numeric one selects where it is
    /// non-zero). Differentiable in both branches; the condition gets no gradient.
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor ifTrue, Tensor ifFalse) => Ops.Where.Apply(condition, ifTrue, ifFalse); // checks all three for null

    /// <summary><see cref="Where(Tensor, Tensor, Tensor)"/> with a scalar for the false branch.</summary>
    public static Tensor Where(Tensor condition, Tensor ifTrue, double ifFalse)
    {
        Checks.NotNull(ifTrue, "Where", "ifTrue operand");
        return Where(condition, ifTrue, ScalarLike(ifTrue, ifFalse));
    }

    /// <summary><see cref="Where(Tensor, Tensor, Tensor)"/> with a scalar for the true branch.</summary>
    public static Tensor Where(Tensor condition, double ifTrue, Tensor ifFalse)
    {
        Checks.NotNull(ifFalse, "Where", "ifFalse operand");
        return Where(condition, ScalarLike(ifFalse, ifTrue), ifFalse);
    }

    /// <summary>
    /// <see cref="Where(Tensor, Tensor, Tensor)"/> with scalars for both branches: the result has the condition's shape
    /// and dtype Float64, or <paramref name="dtype"/> if given.
    /// </summary>
    public static Tensor Where(Tensor condition, double ifTrue, double ifFalse, DType dtype = DType.Float64)
        => Where(condition, Scalar(ifTrue, dtype), Scalar(ifFalse, dtype));

    /// <summary>
    /// Elementwise maximum of two tensors (broadcast); where they tie the gradient goes to <c>this</c>.
    /// NaN in either operand gives NaN, as in PyTorch.
    /// </summary>
    public Tensor Maximum(Tensor other) => Where(SelectsThis(CheckBinary(other, "Maximum") >= other), this, other);

    /// <summary>
    /// Elementwise minimum of two tensors (broadcast); where they tie the gradient goes to <c>this</c>.
    /// NaN in either operand gives NaN, as in PyTorch.
    /// </summary>
    public Tensor Minimum(Tensor other) => Where(SelectsThis(CheckBinary(other, "Minimum") <= other), this, other);

    /// <summary>Checks a composite binary op's operands under its own name (not its inner primitives'); returns this.</summary>
    private Tensor CheckBinary(Tensor? other, string op)
    {
        Ops.Checks.NotNull(other, op, "right operand");
        DTypes.Promote(this, other!, op);
        Shape.Broadcast(Shape, other!.Shape, op);
        return this;
    }

    /// <summary>
    /// The selection mask for Maximum/Minimum: a NaN in <c>this</c> is selected; a NaN in the other operand already
    /// fails <paramref name="comparison"/>, so the other (NaN) is selected.
    /// </summary>
    private Tensor SelectsThis(Tensor comparison) => IsNaN() | comparison;

    /// <summary>
    /// Limits every element to <c>[min, max]</c>; the gradient is 1 inside the range and 0 outside. NaN stays NaN,
    /// with gradient 0, as in PyTorch.
    /// </summary>
    public Tensor Clamp(double min, double max)
    {
        if (min > max) throw new ArgumentException($"Clamp: min {min} is greater than max {max}.");
        if (DType == DType.Int64 && double.IsInteger(min) && double.IsInteger(max))
            return Clamp(ClampBound(this, min), ClampBound(this, max)); // stays Int64, as PyTorch's integer clamp
        var notNaN = Where(IsNaN(), double.NaN, this); // a NaN takes the constant branch, so no gradient flows to it
        return Where(this < min, min, Where(this > max, max, notNaN));
    }

    /// <summary>eˣ elementwise.</summary>
    public Tensor Exp() => Unary<Ops.Exp>.Apply(this);

    /// <summary>Natural logarithm elementwise.</summary>
    public Tensor Log() => Unary<Ops.Log>.Apply(this);

    /// <summary>ln(1 + x) elementwise, accurate when |x| is tiny (where <c>(1 + x).Log()</c> rounds to 0).</summary>
    public Tensor Log1p() => Unary<Ops.Log1p>.Apply(this);

    /// <summary>Each element raised to the scalar <paramref name="exponent"/>.</summary>
    public Tensor Pow(double exponent) => Ops.Pow.Apply(this, exponent);

    /// <summary>Square root elementwise.</summary>
    public Tensor Sqrt() => Unary<Ops.Sqrt>.Apply(this);

    /// <summary>Absolute value elementwise (its gradient at 0 is 0).</summary>
    public Tensor Abs() => DType.IsFloatingPoint() ? Unary<Ops.Abs>.Apply(this) : Where(this < 0, -NotBool("Abs"), this);

    /// <summary>This tensor, unless it is Bool, on which <paramref name="op"/> (a negating op) is undefined.</summary>
    private Tensor NotBool(string op) => DType != DType.Bool ? this : throw new ArgumentException(
        $"{op}: not defined for Bool tensors (shape {Shape}); use Any() or All() or the logical operators, or convert with .To(DType.Int64).");

    /// <summary>−1, 0 or +1 elementwise, in this tensor's dtype; NaN stays NaN (not differentiable: its derivative is 0 wherever it exists).</summary>
    public Tensor Sign()
    {
        if (!DType.IsFloatingPoint()) return (this > 0).To(DType.Int64) - (this < 0).To(DType.Int64);
        var r = Empty(Shape, DType);
        Elementwise.Unary<SignOp>(this, r);
        return r;
    }

    /// <summary>True where the element is NaN (a Bool tensor; not differentiable).</summary>
    public Tensor IsNaN() => Compare.Test<IsNaNOp>(this, "IsNaN");

    /// <summary>True where the element is finite, false where it is ±∞ or NaN (a Bool tensor; not differentiable).</summary>
    public Tensor IsFinite() => Compare.Test<IsFiniteOp>(this, "IsFinite");

    /// <summary>A differentiable copy with its own storage.</summary>
    public Tensor Clone() => Ops.Clone.Apply(this);

    /// <summary>The logistic sigmoid, <see cref="Functional.Sigmoid"/>.</summary>
    public Tensor Sigmoid() => Functional.Sigmoid(this);

    /// <summary>Hyperbolic tangent elementwise (a primitive); d/dx = 1 − tanh²x.</summary>
    public Tensor Tanh() => Unary<Ops.Tanh>.Apply(this);

    /// <summary>Rectified linear unit, <see cref="Functional.Relu"/>.</summary>
    public Tensor Relu() => Functional.Relu(this);

    /// <summary>softplus, ln(1 + eˣ): <see cref="Functional.Softplus"/>.</summary>
    public Tensor Softplus() => Functional.Softplus(this);

    /// <summary>Softmax over <paramref name="axis"/>: <see cref="Functional.Softmax"/>.</summary>
    public Tensor Softmax(int axis = -1) => Functional.Softmax(this, axis);

    /// <summary>Log-softmax over <paramref name="axis"/>: <see cref="Functional.LogSoftmax"/>.</summary>
    public Tensor LogSoftmax(int axis = -1) => Functional.LogSoftmax(this, axis);
}
