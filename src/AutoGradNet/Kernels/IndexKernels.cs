using System.Numerics;

namespace AutoGradNet.Kernels;

/// <summary>
/// Which storage elements an index or a mask picks out of a (possibly strided) tensor, as three lists of storage
/// offsets: the axes before the indexed ones (<see cref="Outer"/>), the picked positions along the indexed axes
/// (<see cref="Picks"/>), and the axes after them (<see cref="Inner"/>). Element <c>(o, j, i)</c> of the selection,
/// in row-major order, lives at <c>Base + Outer[o] + Picks[j] + Inner[i]</c>. One layout serves index_select
/// (one axis, picks = index·stride), x[mask] (several axes, picks = the true positions) and their writes.
/// </summary>
internal readonly struct IndexLayout(int baseOffset, int[] outer, int[] picks, int[] inner)
{
    public int Base { get; } = baseOffset;

    public int[] Outer { get; } = outer;

    public int[] Picks { get; } = picks;

    public int[] Inner { get; } = inner;

    public int Size => Outer.Length * Picks.Length * Inner.Length;

    /// <summary>
    /// The layout of a tensor of <paramref name="shape"/> read through <paramref name="strides"/> from <paramref name="offset"/>, with
    /// axes <c>[axis, axis + covered)</c> replaced by <paramref name="picks"/> (offsets already multiplied by strides).
    /// </summary>
    public static IndexLayout Of(Shape shape, int[] strides, int offset, int axis, int covered, int[] picks)
    {
        var outer = Offsets(shape.Dims[..axis], strides.AsSpan(0, axis));
        var inner = Offsets(shape.Dims[(axis + covered)..], strides.AsSpan(axis + covered));
        return new IndexLayout(offset, outer, picks, inner);
    }

    /// <summary>The storage offsets of the positions <paramref name="index"/> (validated, non-negative) along an axis of <paramref name="stride"/>.</summary>
    public static int[] AxisPicks(ReadOnlySpan<long> index, int stride)
    {
        var picks = new int[index.Length];
        for (var j = 0; j < picks.Length; j++) picks[j] = (int)index[j] * stride;
        return picks;
    }

    /// <summary>The offsets of the true positions of a dense row-major <paramref name="mask"/> of <paramref name="dims"/> read with <paramref name="strides"/>.</summary>
    public static int[] MaskPicks(ReadOnlySpan<bool> mask, ReadOnlySpan<int> dims, ReadOnlySpan<int> strides)
    {
        var all = Offsets(dims, strides);
        var count = 0;
        foreach (var m in mask) if (m) count++;
        var picks = new int[count];
        var at = 0;
        for (var k = 0; k < mask.Length; k++)
        {
            if (mask[k]) picks[at++] = all[k];
        }
        return picks;
    }

    /// <summary>The storage offset of every element of <paramref name="dims"/> read with <paramref name="strides"/>, in row-major order.</summary>
    public static int[] Offsets(ReadOnlySpan<int> dims, ReadOnlySpan<int> strides)
    {
        var size = 1;
        foreach (var d in dims) size *= d;
        var offsets = new int[size];
        if (size == 0) return offsets;
        var index = new int[dims.Length];
        var offset = 0;
        for (var k = 0; k < size; k++)
        {
            offsets[k] = offset;
            for (var axis = dims.Length - 1; axis >= 0; axis--) // odometer increment
            {
                index[axis]++;
                offset += strides[axis];
                if (index[axis] < dims[axis]) break;
                offset -= strides[axis] * index[axis];
                index[axis] = 0;
            }
        }
        return offsets;
    }
}

/// <summary>Kernels behind index_select, index_add, masked_select and the indexer's writes, all over an <see cref="IndexLayout"/>.</summary>
internal static class IndexKernels
{
    /// <summary>dst[k] = src[layout(k)]: copies the selection into the contiguous <paramref name="dst"/>.</summary>
    public static void Take<T>(ReadOnlySpan<T> src, IndexLayout layout, Span<T> dst)
    {
        var k = 0;
        foreach (var o in layout.Outer)
        {
            foreach (var p in layout.Picks)
            {
                var start = layout.Base + o + p;
                foreach (var i in layout.Inner) dst[k++] = src[start + i];
            }
        }
    }

    /// <summary>dst[layout(k)] = src[k]: writes the contiguous <paramref name="src"/> into the selection (the last write wins on repeats).</summary>
    public static void Put<T>(ReadOnlySpan<T> src, IndexLayout layout, Span<T> dst)
    {
        var k = 0;
        foreach (var o in layout.Outer)
        {
            foreach (var p in layout.Picks)
            {
                var start = layout.Base + o + p;
                foreach (var i in layout.Inner) dst[start + i] = src[k++];
            }
        }
    }

    /// <summary>dst[layout(k)] += alpha·src[k]: accumulates the contiguous <paramref name="src"/> into the selection (repeats add up).</summary>
    public static void Accumulate<T>(ReadOnlySpan<T> src, T alpha, IndexLayout layout, Span<T> dst) where T : INumber<T>
    {
        var k = 0;
        foreach (var o in layout.Outer)
        {
            foreach (var p in layout.Picks)
            {
                var start = layout.Base + o + p;
                foreach (var i in layout.Inner) dst[start + i] += alpha * src[k++];
            }
        }
    }

    /// <summary>Copies the selection of <paramref name="x"/> into the fresh contiguous <paramref name="result"/>.</summary>
    public static void Take(Tensor x, IndexLayout layout, Tensor result)
        => Dispatch.Copy(x.DType, new TakeKernel(x, layout, result));

    /// <summary>Writes the contiguous <paramref name="values"/> (already of the target's dtype) into the selection of <paramref name="target"/>'s storage.</summary>
    public static void Put(Tensor values, IndexLayout layout, Tensor target)
        => Dispatch.Copy(target.DType, new PutKernel(values, layout, target));

    /// <summary>Adds alpha·<paramref name="values"/> into the selection of <paramref name="target"/>'s storage.</summary>
    public static void Accumulate(Tensor values, double alpha, IndexLayout layout, Tensor target)
        => Dispatch.Numeric(target.DType, new AccumulateKernel(values, alpha, layout, target));

    private readonly struct TakeKernel(Tensor x, IndexLayout layout, Tensor result) : ICopyKernel
    {
        public void Run<T>() where T : unmanaged => Take<T>((T[])x.Storage.Data, layout, result.AsSpan<T>());
    }

    private readonly struct PutKernel(Tensor values, IndexLayout layout, Tensor target) : ICopyKernel
    {
        public void Run<T>() where T : unmanaged => Put(values.Dense<T>(), layout, (T[])target.Storage.Data);
    }

    private readonly struct AccumulateKernel(Tensor values, double alpha, IndexLayout layout, Tensor target) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
            => Accumulate(values.Dense<T>(), T.CreateTruncating(alpha), layout, (T[])target.Storage.Data);
    }
}
