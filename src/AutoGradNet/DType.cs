namespace AutoGradNet;

/// <summary>The element type of a <see cref="Tensor"/>.</summary>
public enum DType
{
    /// <summary>64-bit IEEE 754 floating point (C# <see cref="double"/>). The default, like numpy's and the tutorial's.</summary>
    Float64,

    /// <summary>32-bit IEEE 754 floating point (C# <see cref="float"/>): half the memory, twice the SIMD width.</summary>
    Float32,

    /// <summary>64-bit signed integers (C# <see cref="long"/>): indices, class targets, counts. Never differentiable.</summary>
    Int64,

    /// <summary>Booleans (C# <see cref="bool"/>): the result of comparisons, and masks. Never differentiable.</summary>
    Bool,
}

/// <summary>Facts about dtypes and the promotion rule for mixed operands.</summary>
public static class DTypes
{
    /// <summary>Whether <paramref name="dtype"/> is a floating-point type (the only kind that can require grad).</summary>
    public static bool IsFloatingPoint(this DType dtype) => dtype is DType.Float64 or DType.Float32;

    /// <summary>
    /// The dtype of a binary operation on <paramref name="a"/> and <paramref name="b"/>, following PyTorch's promotion
    /// between categories: Bool &lt; Int64 &lt; floating point, so an integer or boolean operand takes the other
    /// operand's float type, and Bool with Int64 gives Int64. Float32 with Float64 is deliberately an error rather
    /// than a silent upcast: a float32 model that meets one float64 tensor would otherwise double its memory and time
    /// without a word. Convert explicitly with <see cref="Tensor.To(DType)"/>. (A 0-d operand, such as a C# number,
    /// does not count: it takes the other operand's float type.)
    /// </summary>
    /// <exception cref="ArgumentException">One operand is Float32 and the other Float64.</exception>
    public static DType Promote(DType a, DType b, string op)
    {
        if (a == b) return a;
        if (a.IsFloatingPoint() && b.IsFloatingPoint())
        {
            throw new ArgumentException(
                $"{op}: dtype mismatch, {a} vs {b}. Float32 and Float64 do not mix implicitly; convert one with .To(DType.{a}).");
        }
        if (a.IsFloatingPoint()) return a;
        if (b.IsFloatingPoint()) return b;
        return DType.Int64; // Int64 with Bool
    }

    /// <summary>
    /// <see cref="Promote(DType, DType, string)"/> for two tensors, with PyTorch's rule for 0-d tensors: a 0-d operand
    /// of the same category as a dimensioned one does not decide the dtype. So a 0-d Float64 scalar (what a C# double
    /// converts to) combines with a Float32 tensor to give Float32, while two dimensioned tensors of Float32 and Float64
    /// still throw.
    /// </summary>
    /// <exception cref="ArgumentException">Both operands have dimensions, one Float32 and the other Float64.</exception>
    internal static DType Promote(Tensor a, Tensor b, string op)
    {
        if (a.DType != b.DType && a.DType.IsFloatingPoint() && b.DType.IsFloatingPoint())
        {
            if (a.Rank == 0 && b.Rank > 0) return b.DType;
            if (b.Rank == 0 && a.Rank > 0) return a.DType;
        }
        return Promote(a.DType, b.DType, op);
    }

    /// <summary>The size of one element in bytes.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.Float64 or DType.Int64 => 8,
        DType.Float32 => 4,
        DType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };
}
