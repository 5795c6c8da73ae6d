namespace AutoGradNet;

/// <summary>
/// One entry of a C# indexing expression on a <see cref="Tensor"/>, as in PyTorch's <c>x[...]</c>. Built implicitly
/// from an <see cref="int"/> or <see cref="long"/> (<c>x[1]</c>), a <see cref="System.Index"/> (<c>x[^1]</c>), a
/// <see cref="System.Range"/> (<c>x[1..3]</c>, <c>x[..]</c>), or a <see cref="Tensor"/> (an Int64 index tensor,
/// <c>x[idx]</c>, or a Bool mask, <c>x[mask]</c>); or from <see cref="Slice"/>, <see cref="Ellipsis"/> and
/// <see cref="NewAxis"/>.
/// </summary>
public readonly struct TensorIndex
{
    private readonly long _value;
    private readonly System.Range _range;
    private readonly int? _start;
    private readonly int? _stop;

    private TensorIndex(TensorIndexKind kind, long value = 0, bool fromEnd = false, System.Range range = default,
        int? start = null, int? stop = null, int step = 1, Tensor? tensor = null)
    {
        Kind = kind;
        _value = value;
        FromEnd = fromEnd;
        _range = range;
        _start = start;
        _stop = stop;
        Step = step;
        Tensor = tensor;
    }

    /// <summary>What this entry is.</summary>
    public TensorIndexKind Kind { get; }

    /// <summary>The slice step (1 unless made by <see cref="Slice"/>).</summary>
    public int Step { get; }

    /// <summary>The index tensor or mask, for <see cref="TensorIndexKind.Tensor"/>.</summary>
    public Tensor? Tensor { get; }

    private bool FromEnd { get; }

    /// <summary><c>...</c>: as many full slices as the axes the other entries leave unindexed (at most one per expression).</summary>
    public static TensorIndex Ellipsis { get; } = new(TensorIndexKind.Ellipsis);

    /// <summary>Inserts a new axis of length 1 here (PyTorch's <c>None</c>, numpy's <c>newaxis</c>).</summary>
    public static TensorIndex NewAxis { get; } = new(TensorIndexKind.NewAxis);

    /// <summary>Same as <see cref="NewAxis"/>, under PyTorch's spelling.</summary>
    public static TensorIndex None => NewAxis;

    /// <summary>
    /// Python's slice <c>start:stop:step</c>: a null bound means the start or end of the axis, a negative one counts
    /// from the end, and bounds out of range are clamped (never an error), as in Python. The step must be positive
    /// (PyTorch has no negative steps).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is zero or negative.</exception>
    public static TensorIndex Slice(int? start, int? stop, int? step = null)
    {
        var s = step ?? 1;
        if (s <= 0)
            throw new ArgumentOutOfRangeException(nameof(step), s, $"TensorIndex.Slice: step must be positive, got {s}; PyTorch has no negative steps (use Flip).");
        return new(TensorIndexKind.Slice, start: start, stop: stop, step: s);
    }

    /// <summary>An integer index: selects one position and removes the axis (negative counts from the end).</summary>
    public static implicit operator TensorIndex(int index) => new(TensorIndexKind.Integer, index);

    /// <summary>An integer index: selects one position and removes the axis (negative counts from the end).</summary>
    public static implicit operator TensorIndex(long index) => new(TensorIndexKind.Integer, index);

    /// <summary>An index that may count from the end: <c>x[^1]</c> is the last position.</summary>
    public static implicit operator TensorIndex(System.Index index) => new(TensorIndexKind.Integer, index.Value, index.IsFromEnd);

    /// <summary>A range of positions, <c>x[1..3]</c> or <c>x[..]</c>; bounds out of range are clamped, as in Python slicing.</summary>
    public static implicit operator TensorIndex(System.Range range) => new(TensorIndexKind.Range, range: range);

    /// <summary>An Int64 index tensor (gathers along the axis, like <c>x[idx]</c>) or a Bool mask (selects, like <c>x[mask]</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="tensor"/> is null.</exception>
    public static implicit operator TensorIndex(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor, nameof(tensor));
        return new(TensorIndexKind.Tensor, tensor: tensor);
    }

    /// <summary>An integer index: selects one position (negative counts from the end).</summary>
    public static TensorIndex FromInt64(long index) => index;

    /// <summary>A position that may count from the end.</summary>
    public static TensorIndex FromIndex(System.Index index) => index;

    /// <summary>A range of positions.</summary>
    public static TensorIndex FromRange(System.Range range) => range;

    /// <summary>An index tensor or mask.</summary>
    public static TensorIndex FromTensor(Tensor tensor) => tensor;

    /// <summary>The position an integer entry names on an axis of <paramref name="length"/> (may be out of range).</summary>
    internal long Position(int length) => FromEnd ? length - _value : _value < 0 ? _value + length : _value;

    /// <summary>The clamped <c>[start, stop)</c> a range or slice entry covers on an axis of <paramref name="length"/>.</summary>
    internal (int Start, int Stop) Bounds(int length)
    {
        int start, stop;
        if (Kind == TensorIndexKind.Range)
        {
            start = _range.Start.IsFromEnd ? length - _range.Start.Value : _range.Start.Value;
            stop = _range.End.IsFromEnd ? length - _range.End.Value : _range.End.Value;
        }
        else
        {
            start = _start is { } s ? (s < 0 ? s + length : s) : 0;
            stop = _stop is { } e ? (e < 0 ? e + length : e) : length;
        }
        start = Math.Clamp(start, 0, length);
        return (start, Math.Clamp(stop, start, length));
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        TensorIndexKind.Integer => FromEnd ? $"^{_value}" : _value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TensorIndexKind.Range => _range.ToString(),
        TensorIndexKind.Slice => $"Slice({_start?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}, {_stop?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}, {Step})",
        TensorIndexKind.Ellipsis => "Ellipsis",
        TensorIndexKind.NewAxis => "NewAxis",
        _ => $"{Tensor!.DType} tensor of shape {Tensor.Shape}",
    };
}

/// <summary>The kinds of <see cref="TensorIndex"/> entries.</summary>
public enum TensorIndexKind
{
    /// <summary>One position; the axis disappears.</summary>
    Integer,

    /// <summary>A <see cref="System.Range"/>: a run of positions (a view).</summary>
    Range,

    /// <summary>A Python-style slice with a step (a view).</summary>
    Slice,

    /// <summary>The remaining axes, unindexed.</summary>
    Ellipsis,

    /// <summary>A new axis of length 1.</summary>
    NewAxis,

    /// <summary>An Int64 index tensor or a Bool mask (a copy).</summary>
    Tensor,
}
