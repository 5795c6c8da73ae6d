using System.Numerics;
using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet;

// Reading values out of a tensor.
public sealed partial class Tensor
{
    /// <summary>The elements in row-major order as a new <see cref="double"/> array (other dtypes are converted; true is 1).</summary>
    public double[] ToArray() => ToArray<double>();

    /// <summary>
    /// The elements in row-major order, converted to <typeparamref name="T"/> (<see cref="bool"/> or any number type;
    /// conversions truncate and saturate like <c>CreateTruncating</c>, booleans count as 0 and 1).
    /// </summary>
    public T[] ToArray<T>()
    {
        var result = new T[Size];
        Dispatch.Copy(DType, new ToArrayKernel<T>(this, result));
        return result;
    }

    /// <summary>The value of a single-element tensor (any shape with one element, 0-d included), as a <see cref="double"/>.</summary>
    /// <exception cref="InvalidOperationException">The tensor has more or fewer than one element.</exception>
    public double Item()
    {
        if (Size != 1)
            throw new InvalidOperationException($"Item: only a tensor with exactly one element can be converted to a number; this one has shape {Shape} ({Size} elements).");
        return ToArray()[0];
    }

    /// <summary>
    /// The number at <paramref name="indices"/> (one per axis, negative counts from the end), as a <see cref="double"/>:
    /// a plain value, not recorded. To compute with an element and keep its gradient, index the tensor instead
    /// (<c>x[0, 2]</c> is a 0-d tensor in the graph).
    /// </summary>
    /// <exception cref="ArgumentException">The number of indices is not the rank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range for its axis.</exception>
    public double ItemAt(params int[] indices)
    {
        var i = StorageIndexOf(indices, "ItemAt");
        return DType switch
        {
            DType.Float64 => ((double[])Storage.Data)[i],
            DType.Float32 => ((float[])Storage.Data)[i],
            DType.Int64 => ((long[])Storage.Data)[i],
            _ => ((bool[])Storage.Data)[i] ? 1 : 0,
        };
    }

    /// <summary>
    /// Writes <paramref name="value"/> at <paramref name="indices"/> in place (converted to this dtype). Like any in-place
    /// write it is allowed on a tensor that requires grad only under <see cref="NoGrad"/>, and bumps the version counter.
    /// </summary>
    /// <exception cref="InvalidOperationException">Grad mode is on and this tensor requires grad.</exception>
    public void SetItemAt(double value, params int[] indices)
    {
        CheckWritable("SetItemAt");
        var i = StorageIndexOf(indices, "SetItemAt");
        switch (DType)
        {
            case DType.Float64: ((double[])Storage.Data)[i] = value; break;
            case DType.Float32: ((float[])Storage.Data)[i] = (float)value; break;
            case DType.Int64: ((long[])Storage.Data)[i] = (long)value; break;
            default: ((bool[])Storage.Data)[i] = value != 0; break;
        }
        Storage.Bump();
    }

    /// <summary>
    /// Whether every element satisfies |this − other| ≤ <paramref name="absoluteTolerance"/> +
    /// <paramref name="relativeTolerance"/>·|other| (shapes broadcast), like <c>torch.allclose</c>: equal values (infinities included) are close, NaN never is.
    /// Not recorded.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast or the dtypes differ.</exception>
    public bool AllClose(Tensor other, double relativeTolerance = 1e-5, double absoluteTolerance = 1e-8)
    {
        Ops.Checks.NotNull(other, "AllClose", "other");
        Ops.Checks.SameDType(this, other, "AllClose");
        AutoGradNet.Shape.Broadcast(Shape, other.Shape, "AllClose");
        using var noGrad = NoGrad();
        var withinTolerance = ((this - other).Abs() <= other.Abs() * relativeTolerance + absoluteTolerance) & IsFinite() & other.IsFinite();
        var close = ElementwiseEquals(other) | withinTolerance; // non-finite values are close only when equal, as in torch
        return close.All().Item() == 1;
    }

    private int StorageIndexOf(int[] indices, string op)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Length != Rank)
            throw new ArgumentException($"{op}: {indices.Length} indices given for a tensor of shape {Shape} (rank {Rank}).", nameof(indices));
        var index = StorageOffset;
        for (var axis = 0; axis < Rank; axis++)
        {
            var n = Shape[axis];
            var i = indices[axis] < 0 ? indices[axis] + n : indices[axis];
            if (i < 0 || i >= n)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[axis], $"{op}: index {indices[axis]} is out of range for axis {axis} of length {n} (shape {Shape}).");
            index += i * _strides[axis];
        }
        return index;
    }

    private readonly struct ToArrayKernel<TTo>(Tensor t, TTo[] result) : ICopyKernel
    {
        public void Run<T>() where T : unmanaged
        {
            var src = t.Dense<T>();
            if (typeof(T) == typeof(TTo))
            {
                src.CopyTo((T[])(object)result);
                return;
            }
            for (var i = 0; i < src.Length; i++) result[i] = Values.Convert<T, TTo>(src[i]);
        }
    }
}

/// <summary>Element conversions between every dtype's C# type and any number type or bool.</summary>
internal static class Values
{
    /// <summary>Converts one value: numbers truncate and saturate (<c>CreateTruncating</c>); a bool is 0 or 1; a number is true when non-zero.</summary>
    public static TTo Convert<TFrom, TTo>(TFrom value)
    {
        if (value is bool b) return FromBool<TTo>(b);
        if (typeof(TTo) == typeof(bool)) return (TTo)(object)!IsZero(value);
        return value switch
        {
            double d => Create<TTo, double>(d),
            float f => Create<TTo, float>(f),
            long l => Create<TTo, long>(l),
            int i => Create<TTo, int>(i),
            _ => throw new NotSupportedException($"ToArray: conversion from {typeof(TFrom).Name} is not supported."),
        };
    }

    private static bool IsZero<T>(T value) => value switch
    {
        double d => d == 0,
        float f => f == 0,
        long l => l == 0,
        int i => i == 0,
        _ => false,
    };

    private static TTo FromBool<TTo>(bool b)
    {
        if (typeof(TTo) == typeof(bool)) return (TTo)(object)b;
        return Create<TTo, int>(b ? 1 : 0);
    }

    private static TTo Create<TTo, TFrom>(TFrom value) where TFrom : INumberBase<TFrom> => typeof(TTo) switch
    {
        var t when t == typeof(double) => (TTo)(object)double.CreateTruncating(value),
        var t when t == typeof(float) => (TTo)(object)float.CreateTruncating(value),
        var t when t == typeof(long) => (TTo)(object)long.CreateTruncating(value),
        var t when t == typeof(int) => (TTo)(object)int.CreateTruncating(value),
        var t when t == typeof(short) => (TTo)(object)short.CreateTruncating(value),
        var t when t == typeof(byte) => (TTo)(object)byte.CreateTruncating(value),
        var t when t == typeof(decimal) => (TTo)(object)decimal.CreateTruncating(value),
        _ => throw new NotSupportedException($"ToArray: conversion to {typeof(TTo).Name} is not supported."),
    };
}
