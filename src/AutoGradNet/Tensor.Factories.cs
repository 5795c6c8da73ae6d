using System.Numerics;
using System.Runtime.InteropServices;
using AutoGradNet.Kernels;

namespace AutoGradNet;

public sealed partial class Tensor
{
    /// <summary>A tensor of <paramref name="shape"/> holding a copy of <paramref name="data"/> (row-major).</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/>'s length is not the shape's element count.</exception>
    public static Tensor FromArray(double[] data, params int[] shape) => FromFlat(data, new Shape(shape), DType.Float64);

    /// <summary>A <see cref="DType.Float32"/> tensor of <paramref name="shape"/> holding a copy of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/>'s length is not the shape's element count.</exception>
    public static Tensor FromArray(float[] data, params int[] shape) => FromFlat(data, new Shape(shape), DType.Float32);

    /// <summary>A 1-D <see cref="DType.Float64"/> tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(double[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromFlat(data, new Shape(data.Length), DType.Float64);
    }

    /// <summary>A 1-D <see cref="DType.Float32"/> tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromFlat(data, new Shape(data.Length), DType.Float32);
    }

    /// <summary>An <see cref="DType.Int64"/> tensor of <paramref name="shape"/> (1-D when no shape is given) holding a copy of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/>'s length is not the shape's element count.</exception>
    public static Tensor FromArray(long[] data, params int[] shape) => FromFlat(data, ShapeOrLength(data, shape), DType.Int64);

    /// <summary>An <see cref="DType.Int64"/> tensor (C# ints widened) of <paramref name="shape"/> (1-D when no shape is given): class targets, indices.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/>'s length is not the shape's element count.</exception>
    public static Tensor FromArray(int[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromArray(Array.ConvertAll(data, v => (long)v), shape);
    }

    /// <summary>A <see cref="DType.Bool"/> tensor of <paramref name="shape"/> (1-D when no shape is given): a mask.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/>'s length is not the shape's element count.</exception>
    public static Tensor FromArray(bool[] data, params int[] shape) => FromFlat(data, ShapeOrLength(data, shape), DType.Bool);

    private static Shape ShapeOrLength(Array data, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        return shape.Length == 0 ? new Shape(data.Length) : new Shape(shape);
    }

    /// <summary>A 2-D <see cref="DType.Float64"/> tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(double[,] data) => From2D(data, DType.Float64);

    /// <summary>A 2-D <see cref="DType.Float32"/> tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(float[,] data) => From2D(data, DType.Float32);

    /// <summary>A 1-D <see cref="DType.Float64"/> tensor; lets <c>Tensor x = new double[] { 1, 2 };</c> work.</summary>
    public static implicit operator Tensor(double[] data) => FromArray(data);

    /// <summary>A 2-D <see cref="DType.Float64"/> tensor; lets <c>Tensor x = new double[,] { { 1, 2 } };</c> work.</summary>
    public static implicit operator Tensor(double[,] data) => FromArray(data);

    /// <summary>A 0-d tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float64) => Full([], value, dtype);

    /// <summary>A tensor of <paramref name="shape"/> filled with zeros.</summary>
    public static Tensor Zeros(Shape shape, DType dtype = DType.Float64)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Empty(shape, dtype);
    }

    /// <summary>A tensor of <paramref name="shape"/> filled with ones.</summary>
    public static Tensor Ones(Shape shape, DType dtype = DType.Float64) => Full(shape, 1, dtype);

    /// <summary>A tensor of <paramref name="shape"/> with every element <paramref name="value"/>.</summary>
    public static Tensor Full(Shape shape, double value, DType dtype = DType.Float64)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var t = Empty(shape, dtype);
        t.FillWith(value);
        return t;
    }

    /// <summary>Zeros with the shape of <paramref name="other"/> and its dtype, or <paramref name="dtype"/> if given.</summary>
    public static Tensor ZerosLike(Tensor other, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Zeros(other.Shape, dtype ?? other.DType);
    }

    /// <summary>Ones with the shape of <paramref name="other"/> and its dtype, or <paramref name="dtype"/> if given.</summary>
    public static Tensor OnesLike(Tensor other, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Ones(other.Shape, dtype ?? other.DType);
    }

    /// <summary>The 1-D tensor <c>[start, start+step, ...]</c> of values below <paramref name="stop"/> (numpy's arange).</summary>
    /// <exception cref="ArgumentException"><paramref name="step"/> is zero or not finite, a bound is not finite, or the range has more elements than an array can hold.</exception>
    public static Tensor Arange(double start, double stop, double step = 1, DType dtype = DType.Float64)
    {
        if (step == 0 || !double.IsFinite(step) || !double.IsFinite(start) || !double.IsFinite(stop))
            throw new ArgumentException($"Arange: start {start}, stop {stop} and step {step} must be finite and step non-zero.");
        var exactCount = Math.Ceiling((stop - start) / step);
        if (exactCount > Array.MaxLength)
            throw new ArgumentException($"Arange: start {start}, stop {stop} and step {step} give {exactCount} elements, more than an array can hold.");
        var count = Math.Max(0, (int)exactCount);
        var values = new double[count];
        for (var i = 0; i < count; i++) values[i] = start + i * step;
        return FromFlat(values, new Shape(count), DType.Float64).To(dtype);
    }

    /// <summary>The 1-D <see cref="DType.Float64"/> tensor <c>[0, 1, ..., stop-1]</c>.</summary>
    public static Tensor Arange(int stop) => Arange(0, stop, 1);

    // Random factories. A seed or a Random is always required, so every draw is reproducible; the bounds come
    // before it, so a numpy-style call such as Uniform(shape, -1, 1) does not compile instead of silently
    // taking -1 as the seed.

    /// <summary>Values drawn uniformly from <c>[0, 1)</c> with a fixed <paramref name="seed"/>.</summary>
    public static Tensor Uniform(Shape shape, int seed) => Uniform(shape, 0, 1, new Random(seed));

    /// <summary>Values drawn uniformly from <c>[0, 1)</c> with <paramref name="random"/>.</summary>
    public static Tensor Uniform(Shape shape, Random random) => Uniform(shape, 0, 1, random);

    /// <summary>Values drawn uniformly from <c>[low, high)</c> with a fixed <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">A bound is not finite, <paramref name="low"/> &gt; <paramref name="high"/>, or <paramref name="dtype"/> is not floating point.</exception>
    public static Tensor Uniform(Shape shape, double low, double high, int seed, DType dtype = DType.Float64)
        => Uniform(shape, low, high, new Random(seed), dtype);

    /// <summary>Values drawn uniformly from <c>[low, high)</c> with <paramref name="random"/>.</summary>
    /// <exception cref="ArgumentException">A bound is not finite, <paramref name="low"/> &gt; <paramref name="high"/>, or <paramref name="dtype"/> is not floating point.</exception>
    public static Tensor Uniform(Shape shape, double low, double high, Random random, DType dtype = DType.Float64)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(random);
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"Uniform: random values need a floating-point dtype, got {dtype}; draw in Float64, then convert with .To(DType.Int64) or compare (x < 0.5) for integers or masks.", nameof(dtype));
        if (!double.IsFinite(low) || !double.IsFinite(high) || low > high)
            throw new ArgumentException($"Uniform: expected finite bounds with low <= high, got low {low} and high {high}.");
        var values = new double[shape.Size];
        for (var i = 0; i < values.Length; i++) values[i] = low + (high - low) * random.NextDouble();
        return FromFlat(values, shape, DType.Float64).To(dtype);
    }

    /// <summary>Values drawn from the standard normal distribution (mean 0, std 1) with a fixed <paramref name="seed"/>.</summary>
    public static Tensor Normal(Shape shape, int seed) => Normal(shape, 0, 1, new Random(seed));

    /// <summary>Values drawn from the standard normal distribution (mean 0, std 1) with <paramref name="random"/>.</summary>
    public static Tensor Normal(Shape shape, Random random) => Normal(shape, 0, 1, random);

    /// <summary>Values drawn from a normal distribution with a fixed <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="mean"/> is not finite, <paramref name="std"/> is negative or not finite, or <paramref name="dtype"/> is not floating point.</exception>
    public static Tensor Normal(Shape shape, double mean, double std, int seed, DType dtype = DType.Float64)
        => Normal(shape, mean, std, new Random(seed), dtype);

    /// <summary>Values drawn from a normal distribution (Box–Muller) with <paramref name="random"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="mean"/> is not finite, <paramref name="std"/> is negative or not finite, or <paramref name="dtype"/> is not floating point.</exception>
    public static Tensor Normal(Shape shape, double mean, double std, Random random, DType dtype = DType.Float64)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(random);
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"Normal: random values need a floating-point dtype, got {dtype}; draw in Float64, then convert with .To(DType.Int64) or compare (x < 0.5) for integers or masks.", nameof(dtype));
        if (!double.IsFinite(mean) || !double.IsFinite(std) || std < 0)
            throw new ArgumentException($"Normal: expected a finite mean and a finite std >= 0, got mean {mean} and std {std}.");
        var values = new double[shape.Size];
        for (var i = 0; i < values.Length; i += 2)
        {
            var u1 = 1.0 - random.NextDouble(); // in (0, 1]: log is finite
            var u2 = random.NextDouble();
            var radius = Math.Sqrt(-2 * Math.Log(u1));
            values[i] = mean + std * radius * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < values.Length) values[i + 1] = mean + std * radius * Math.Sin(2 * Math.PI * u2);
        }
        return FromFlat(values, shape, DType.Float64).To(dtype);
    }

    /// <summary>
    /// A copy of this tensor converted to <paramref name="dtype"/> (this tensor itself when it already has it).
    /// Recorded: the gradient flows back converted to the source dtype, so mixed-precision graphs stay connected.
    /// </summary>
    public Tensor To(DType dtype) => dtype == DType ? this : Ops.Cast.Apply(this, dtype);

    /// <summary>The conversion itself, unrecorded: numbers truncate toward zero (and saturate), booleans are 0 and 1, a number is true when non-zero.</summary>
    internal Tensor ConvertedTo(DType dtype)
    {
        var r = Empty(Shape, dtype);
        Dispatch.Copy(DType, new ConvertKernel(this, r));
        return r;
    }

    private readonly struct ConvertKernel(Tensor source, Tensor target) : ICopyKernel
    {
        public void Run<TFrom>() where TFrom : unmanaged
        {
            var from = source.Dense<TFrom>();
            switch (target.DType)
            {
                case DType.Float64: Convert(from, target.AsSpan<double>()); break;
                case DType.Float32: Convert(from, target.AsSpan<float>()); break;
                case DType.Int64: Convert(from, target.AsSpan<long>()); break;
                default: ToBool(from, target.AsSpan<bool>()); break;
            }
        }

        private static void Convert<TFrom, TTo>(ReadOnlySpan<TFrom> from, Span<TTo> to) where TFrom : unmanaged where TTo : INumberBase<TTo>
        {
            if (typeof(TFrom) == typeof(double)) ConvertNumbers(MemoryMarshal.Cast<TFrom, double>(from), to);
            else if (typeof(TFrom) == typeof(float)) ConvertNumbers(MemoryMarshal.Cast<TFrom, float>(from), to);
            else if (typeof(TFrom) == typeof(long)) ConvertNumbers(MemoryMarshal.Cast<TFrom, long>(from), to);
            else
            {
                var b = MemoryMarshal.Cast<TFrom, bool>(from);
                for (var i = 0; i < to.Length; i++) to[i] = b[i] ? TTo.One : TTo.Zero;
            }
        }

        private static void ConvertNumbers<TFrom, TTo>(ReadOnlySpan<TFrom> from, Span<TTo> to) where TFrom : INumberBase<TFrom> where TTo : INumberBase<TTo>
        {
            for (var i = 0; i < to.Length; i++) to[i] = TTo.CreateTruncating(from[i]);
        }

        private static void ToBool<TFrom>(ReadOnlySpan<TFrom> from, Span<bool> to) where TFrom : unmanaged
        {
            if (typeof(TFrom) == typeof(bool))
            {
                MemoryMarshal.Cast<TFrom, bool>(from).CopyTo(to);
                return;
            }
            var d = new double[from.Length];
            Convert(from, d.AsSpan());
            for (var i = 0; i < to.Length; i++) to[i] = d[i] != 0;
        }
    }

    private static Tensor FromFlat(Array data, Shape shape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != shape.Size)
            throw new ArgumentException($"FromArray: {data.Length} values cannot fill shape {shape} ({shape.Size} elements).");
        var t = Empty(shape, dtype);
        Array.Copy(data, t.Storage.Data, data.Length);
        return t;
    }

    private static Tensor From2D(Array data, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(data);
        var t = Empty(new Shape(data.GetLength(0), data.GetLength(1)), dtype);
        // A rectangular array is stored row-major, so one block copy preserves the layout.
        Buffer.BlockCopy(data, 0, t.Storage.Data, 0, Buffer.ByteLength(data));
        return t;
    }

    /// <summary>Sets every element to <paramref name="value"/> (through the strides, for a view); not a recorded op.</summary>
    private void FillWith(double value)
    {
        var scalar = Empty(Shape.Scalar, DType);
        Dispatch.Copy(DType, new FillKernel(scalar, value));
        Elementwise.CopyInto(scalar, this);
    }

    private readonly struct FillKernel(Tensor t, double value) : ICopyKernel
    {
        public void Run<T>() where T : unmanaged => t.AsSpan<T>()[0] = Values.Convert<double, T>(value);
    }
}
