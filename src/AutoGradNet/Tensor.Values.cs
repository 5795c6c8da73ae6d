using System.Numerics;
using AutoGradNet.Autograd;

namespace AutoGradNet;

// Reading values out of a tensor (and writing single elements in).
public sealed partial class Tensor
{
    /// <summary>The elements in row-major order as a new <see cref="double"/> array (float32 values are widened).</summary>
    public double[] ToArray() => ToArray<double>();

    /// <summary>The elements in row-major order, converted to <typeparamref name="T"/>.</summary>
    public T[] ToArray<T>() where T : INumberBase<T>
    {
        var result = new T[Size];
        switch (DType)
        {
            case DType.Float64: Convert<double, T>(AsSpan<double>(), result); break;
            case DType.Float32: Convert<float, T>(AsSpan<float>(), result); break;
        }
        return result;
    }

    /// <summary>The value of a single-element tensor (any shape with one element, 0-d included).</summary>
    /// <exception cref="InvalidOperationException">The tensor has more or fewer than one element.</exception>
    public double Item()
    {
        if (Size != 1)
            throw new InvalidOperationException($"Item: only a tensor with exactly one element can be converted to a number; this one has shape {Shape} ({Size} elements).");
        return GetFlat(0);
    }

    /// <summary>
    /// The element at <paramref name="indices"/> (one per axis, negative counts from the end). Setting it is an
    /// in-place write: allowed outside recording, and it bumps the version counter.
    /// </summary>
    /// <exception cref="ArgumentException">The number of indices is not the rank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range for its axis.</exception>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public double this[params int[] indices]
    {
        get => GetFlat(FlatIndex(indices));
        set
        {
            if (GradMode.IsEnabled && RequiresGrad)
                throw new InvalidOperationException($"indexer set: a tensor of shape {Shape} that requires grad cannot be written in place while grad mode is on; use Tensor.NoGrad().");
            var i = FlatIndex(indices);
            switch (DType)
            {
                case DType.Float64: AsSpan<double>()[i] = value; break;
                case DType.Float32: AsSpan<float>()[i] = (float)value; break;
            }
            Storage.Version++;
        }
    }

    /// <summary>
    /// Whether every element satisfies |this − other| ≤ <paramref name="absoluteTolerance"/> +
    /// <paramref name="relativeTolerance"/>·|other| (shapes broadcast), like <c>torch.allclose</c>: equal values (infinities included) are close, NaN never is.
    /// Not recorded.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast or the dtypes differ.</exception>
    public bool AllClose(Tensor other, double relativeTolerance = 1e-5, double absoluteTolerance = 1e-8)
    {
        Ops.Checks.SameDType(this, other, "allclose");
        using var noGrad = NoGrad();
        var withinTolerance = ((this - other).Abs() <= other.Abs() * relativeTolerance + absoluteTolerance) * IsFinite() * other.IsFinite();
        var close = Where(ElementwiseEquals(other), 1.0, withinTolerance); // non-finite values are close only when equal, as in torch
        return close.Size == 0 || close.Min().Item() == 1;
    }

    private double GetFlat(int i) => DType == DType.Float64 ? AsSpan<double>()[i] : AsSpan<float>()[i];

    private int FlatIndex(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Length != Rank)
            throw new ArgumentException($"index: {indices.Length} indices given for a tensor of shape {Shape} (rank {Rank}).", nameof(indices));
        var flat = 0;
        for (var axis = 0; axis < Rank; axis++)
        {
            var n = Shape[axis];
            var i = indices[axis] < 0 ? indices[axis] + n : indices[axis];
            if (i < 0 || i >= n)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[axis], $"index: index {indices[axis]} is out of range for axis {axis} of length {n} (shape {Shape}).");
            flat = flat * n + i;
        }
        return flat;
    }
}
