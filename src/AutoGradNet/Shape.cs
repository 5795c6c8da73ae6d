using System.Collections;
using System.Runtime.CompilerServices;

namespace AutoGradNet;

/// <summary>
/// The immutable shape of a <see cref="Tensor"/>: the length of each dimension, outermost first.
/// A 0-d (scalar) tensor has an empty shape. Shapes compare by value and print like <c>[2, 3]</c>.
/// </summary>
[CollectionBuilder(typeof(Shape), nameof(Create))]
public sealed class Shape : IReadOnlyList<int>, IEquatable<Shape>
{
    private readonly int[] _dims;
    private int[]? _contiguousStrides;

    /// <summary>The shape of a 0-d scalar: no dimensions.</summary>
    public static Shape Scalar { get; } = new([]);

    /// <summary>Creates a shape from dimension lengths; every length must be zero or positive.</summary>
    /// <param name="dims">The length of each dimension, outermost first.</param>
    /// <exception cref="ArgumentException">A length is negative.</exception>
    public Shape(params ReadOnlySpan<int> dims)
    {
        foreach (var d in dims)
        {
            if (d < 0)
                throw new ArgumentException($"Shape {Format(dims)} has a negative dimension.", nameof(dims));
        }
        _dims = dims.ToArray();
        long size = 1;
        foreach (var d in _dims)
        {
            size *= d;
            if (size > Array.MaxLength)
                throw new ArgumentException($"Shape {Format(dims)} has more elements than an array can hold.", nameof(dims));
        }
        Size = (int)size;
    }

    /// <summary>Creates a shape from a collection expression such as <c>[3, 4]</c>.</summary>
    public static Shape Create(ReadOnlySpan<int> dims) => new(dims);

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => _dims.Length;

    /// <summary>The number of elements: the product of the dimensions (1 for a scalar).</summary>
    public int Size { get; }

    /// <inheritdoc/>
    public int Count => _dims.Length;

    /// <summary>The length of dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => _dims[NormalizeAxis(axis, "shape index")];

    /// <summary>The dimensions as a read-only span.</summary>
    public ReadOnlySpan<int> Dims => _dims;

    /// <summary>Converts an array of dimension lengths to a shape.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="dims"/> is null (it would otherwise read as a 0-d shape).</exception>
    public static implicit operator Shape(int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        return new(dims);
    }

    /// <summary>
    /// <see cref="Strides"/> computed once per shape and shared by every contiguous tensor of this shape (never to be
    /// modified: tensors read their strides from it).
    /// </summary>
    internal int[] ContiguousStrides => _contiguousStrides ??= Strides();

    /// <summary>Row-major (C-order) strides in elements: the last axis has stride 1.</summary>
    public int[] Strides()
    {
        var strides = new int[_dims.Length];
        var s = 1;
        for (var i = _dims.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= _dims[i];
        }
        return strides;
    }

    /// <summary>
    /// Maps a possibly negative axis to <c>[0, Rank)</c>, or throws an error naming the operation, the axis and this shape.
    /// </summary>
    /// <param name="axis">The axis; <c>-1</c> is the last.</param>
    /// <param name="op">The operation to name in the error message.</param>
    /// <exception cref="ArgumentOutOfRangeException">The axis is outside <c>[-Rank, Rank)</c>.</exception>
    public int NormalizeAxis(int axis, string op)
    {
        var a = axis < 0 ? axis + Rank : axis;
        if (Rank == 0)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"{op}: axis {axis} given for a 0-d tensor (shape {this}), which has no axes.");
        if (a < 0 || a >= Rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), axis,
                $"{op}: axis {axis} is out of range for a tensor of shape {this} (rank {Rank}); expected an axis in [{-Rank}, {Rank - 1}].");
        }
        return a;
    }

    /// <summary>
    /// Normalizes a set of axes (all axes when <paramref name="axes"/> is empty) and checks for repeats.
    /// Returns a boolean mask of length <see cref="Rank"/>.
    /// </summary>
    internal bool[] AxisMask(ReadOnlySpan<int> axes, string op)
    {
        var mask = new bool[Rank];
        if (axes.IsEmpty)
        {
            Array.Fill(mask, true);
            return mask;
        }
        foreach (var axis in axes)
        {
            var a = NormalizeAxis(axis, op);
            if (mask[a])
                throw new ArgumentException($"{op}: axis {axis} appears more than once for a tensor of shape {this}.", nameof(axes));
            mask[a] = true;
        }
        return mask;
    }

    /// <summary>
    /// The shape that numpy broadcasting gives two shapes: aligned from the last axis, each pair of
    /// dimensions must be equal or one of them 1. Throws an error naming the operation and both shapes.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together.</exception>
    public static Shape Broadcast(Shape a, Shape b, string op)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (TryBroadcast(a, b, out var result)) return result;
        var rank = Math.Max(a.Rank, b.Rank);
        int axis = rank - 1, da, db;
        for (; ; axis--)
        {
            (da, db) = (DimAligned(a, axis, rank), DimAligned(b, axis, rank));
            if (da != db && da != 1 && db != 1) break;
        }
        throw new ArgumentException(
            $"{op}: shapes {a} and {b} cannot be broadcast together: aligned from the last axis, dimension {axis} is " +
            $"{da} vs {db} (each pair must be equal or one of them 1).");
    }

    private static int DimAligned(Shape s, int axis, int rank) => axis < rank - s.Rank ? 1 : s._dims[axis - (rank - s.Rank)];

    /// <summary>The broadcast of two shapes (numpy rules), or <see langword="false"/> when they are incompatible.</summary>
    public static bool TryBroadcast(Shape a, Shape b, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Shape? result)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        result = null;
        if (a.Equals(b))
        {
            result = a;
            return true;
        }
        var rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            int da = DimAligned(a, i, rank), db = DimAligned(b, i, rank);
            if (da != db && da != 1 && db != 1) return false;
            dims[i] = da == 1 ? db : da;
        }
        result = new Shape(dims);
        return true;
    }

    /// <summary>Whether this shape can be broadcast to <paramref name="target"/> (numpy rules, one direction).</summary>
    public bool CanBroadcastTo(Shape target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (Rank > target.Rank) return false;
        var offset = target.Rank - Rank;
        for (var i = 0; i < Rank; i++)
        {
            if (_dims[i] != 1 && _dims[i] != target._dims[i + offset]) return false;
        }
        return true;
    }

    /// <summary>
    /// Strides (in elements) for reading a contiguous tensor of this shape as if it had shape
    /// <paramref name="target"/>: broadcast dimensions get stride 0.
    /// </summary>
    internal int[] BroadcastStrides(Shape target)
    {
        var own = Strides();
        var strides = new int[target.Rank];
        var offset = target.Rank - Rank;
        for (var i = 0; i < Rank; i++)
            strides[i + offset] = _dims[i] == 1 && target._dims[i + offset] != 1 ? 0 : own[i];
        return strides;
    }

    /// <summary>A copy of this shape with dimension <paramref name="axis"/> replaced.</summary>
    internal Shape With(int axis, int length)
    {
        var dims = (int[])_dims.Clone();
        dims[axis] = length;
        return new Shape(dims);
    }

    /// <inheritdoc/>
    public bool Equals(Shape? other) => ReferenceEquals(this, other) || (other is not null && _dims.AsSpan().SequenceEqual(other._dims));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Shape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in _dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Value equality of two shapes.</summary>
    public static bool operator ==(Shape? a, Shape? b) => a is null ? b is null : a.Equals(b);

    /// <summary>Value inequality of two shapes.</summary>
    public static bool operator !=(Shape? a, Shape? b) => !(a == b);

    /// <summary>Prints the shape like <c>[2, 3]</c>; a scalar prints as <c>[]</c>.</summary>
    public override string ToString() => Format(_dims);

    /// <summary>The dimensions as a new array.</summary>
    public int[] ToArray() => (int[])_dims.Clone();

    /// <inheritdoc/>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_dims).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static string Format(ReadOnlySpan<int> dims) => "[" + string.Join(", ", dims.ToArray()) + "]";
}
