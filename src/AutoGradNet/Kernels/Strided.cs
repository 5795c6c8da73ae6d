namespace AutoGradNet.Kernels;

/// <summary>Index arithmetic shared by the kernels that read or write tensors through (view or broadcast) strides.</summary>
internal static class Strided
{
    /// <summary>
    /// For each row of <paramref name="shape"/> (all axes but the last), the offset of the row's first element
    /// in a buffer read with <paramref name="strides"/>. A 0-d shape has one row of length 1.
    /// </summary>
    public static int[] RowOffsets(Shape shape, int[] strides)
    {
        var rank = shape.Rank;
        var rowLength = rank == 0 ? 1 : shape[rank - 1];
        var rows = rowLength == 0 ? 0 : shape.Size / rowLength;
        var offsets = new int[rows];
        if (rows == 0) return offsets;
        var index = new int[Math.Max(rank - 1, 0)];
        var offset = 0;
        for (var r = 0; r < rows; r++)
        {
            offsets[r] = offset;
            // Odometer increment over the outer axes, updating the offset incrementally.
            for (var axis = rank - 2; axis >= 0; axis--)
            {
                index[axis]++;
                offset += strides[axis];
                if (index[axis] < shape[axis]) break;
                offset -= strides[axis] * index[axis];
                index[axis] = 0;
            }
        }
        return offsets;
    }

    /// <summary>
    /// The offset of each matrix in a stack whose batch axes have shape <paramref name="batch"/> and strides
    /// <paramref name="batchStrides"/>, in row-major batch order (one "row" of length 1 per matrix).
    /// </summary>
    public static int[] MatrixStarts(Shape batch, int[] batchStrides) => RowOffsets(new Shape([.. batch.Dims, 1]), [.. batchStrides, 0]);

    /// <summary>Copies <paramref name="src"/>, read through <paramref name="strides"/>, into contiguous <paramref name="dst"/> of <paramref name="shape"/>.</summary>
    public static void Gather<T>(ReadOnlySpan<T> src, int[] strides, Shape shape, Span<T> dst)
    {
        if (shape.Size == 0) return;
        var rowLength = shape.Rank == 0 ? 1 : shape[shape.Rank - 1];
        var innerStride = shape.Rank == 0 ? 0 : strides[shape.Rank - 1];
        if (shape.Rank >= 2 && strides[shape.Rank - 2] == 1 && innerStride > 1 && rowLength >= TransposeTile && shape[shape.Rank - 2] >= TransposeTile)
        {
            GatherTransposed(src, strides, shape, dst);
            return;
        }
        var offsets = RowOffsets(shape, strides);
        for (var r = 0; r < offsets.Length; r++)
        {
            var row = dst.Slice(r * rowLength, rowLength);
            var o = offsets[r];
            if (innerStride == 1)
                src.Slice(o, rowLength).CopyTo(row);
            else if (innerStride == 0)
                row.Fill(src[o]);
            else
                for (var j = 0; j < rowLength; j++) row[j] = src[o + j * innerStride];
        }
    }

    private const int TransposeTile = 16;

    /// <summary>
    /// <see cref="Gather{T}"/> for a stack of transposed matrices (the last two axes have strides 1 and s &gt; 1): each
    /// matrix is copied in square tiles, so both the reads down the source columns and the writes along the rows stay
    /// within a few cache lines (a plain row-by-row gather touches a new line for every element).
    /// </summary>
    private static void GatherTransposed<T>(ReadOnlySpan<T> src, int[] strides, Shape shape, Span<T> dst)
    {
        var rank = shape.Rank;
        int rows = shape[rank - 2], cols = shape[rank - 1], colStride = strides[rank - 1];
        var matrices = MatrixStarts(new Shape(shape.Dims[..^2]), strides[..^2]);
        for (var m = 0; m < matrices.Length; m++)
        {
            var o = matrices[m];
            var d = dst.Slice(m * rows * cols, rows * cols);
            for (var i0 = 0; i0 < rows; i0 += TransposeTile)
            {
                var i1 = Math.Min(rows, i0 + TransposeTile);
                for (var j0 = 0; j0 < cols; j0 += TransposeTile)
                {
                    var j1 = Math.Min(cols, j0 + TransposeTile);
                    for (var j = j0; j < j1; j++)
                    {
                        var column = src.Slice(o + j * colStride + i0, i1 - i0);
                        for (var i = i0; i < i1; i++) d[i * cols + j] = column[i - i0];
                    }
                }
            }
        }
    }

    /// <summary>Writes contiguous <paramref name="src"/> of <paramref name="shape"/> into <paramref name="dst"/> through <paramref name="strides"/>.</summary>
    public static void Scatter<T>(ReadOnlySpan<T> src, Span<T> dst, int[] strides, Shape shape)
    {
        if (shape.Size == 0) return;
        var rowLength = shape.Rank == 0 ? 1 : shape[shape.Rank - 1];
        var innerStride = shape.Rank == 0 ? 0 : strides[shape.Rank - 1];
        var offsets = RowOffsets(shape, strides);
        for (var r = 0; r < offsets.Length; r++)
        {
            var row = src.Slice(r * rowLength, rowLength);
            var o = offsets[r];
            if (innerStride == 1)
                row.CopyTo(dst.Slice(o, rowLength));
            else
                for (var j = 0; j < rowLength; j++) dst[o + j * innerStride] = row[j];
        }
    }

    /// <summary>Whether a write through this layout would hit one storage element twice (a broadcast view).</summary>
    public static bool Overlaps(Shape shape, IReadOnlyList<int> strides)
    {
        if (shape.Size == 0) return false; // nothing is written (an empty contiguous tensor has stride 0 rows)
        for (var i = 0; i < shape.Rank; i++)
        {
            if (strides[i] == 0 && shape[i] > 1) return true;
        }
        return false;
    }

    /// <summary>
    /// The axis order in which <paramref name="x"/> lies contiguously in storage (outermost first), or
    /// <see langword="null"/> when no order does (a stepped slice, a broadcast). For a transpose or a permute of a
    /// contiguous tensor, <c>x</c> read in this order is that contiguous tensor again.
    /// </summary>
    public static int[]? StorageOrder(Tensor x)
    {
        var rank = x.Rank;
        var order = new int[rank];
        for (var i = 0; i < rank; i++) order[i] = i;
        // Largest stride first; length-1 axes (whose stride means nothing) and ties keep their relative order.
        var keys = new long[rank];
        for (var i = 0; i < rank; i++) keys[i] = x.Shape[i] == 1 ? long.MinValue : -(long)x.Strides[i] * (rank + 1) + i;
        Array.Sort(keys, order);
        var expected = 1;
        for (var i = rank - 1; i >= 0; i--)
        {
            var axis = order[i];
            if (x.Shape[axis] == 1) continue;
            if (x.Strides[axis] != expected) return null;
            expected *= x.Shape[axis];
        }
        return order;
    }

    /// <summary>
    /// <paramref name="x"/> with its axes reordered by <paramref name="order"/> (from <see cref="StorageOrder"/>), which
    /// makes it contiguous: a view of the same storage, unrecorded.
    /// </summary>
    public static Tensor InStorageOrder(Tensor x, int[] order)
    {
        var dims = new int[order.Length];
        var strides = new int[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            dims[i] = x.Shape[order[i]];
            strides[i] = x.Strides[order[i]];
        }
        return x.View(new Shape(dims), strides, x.StorageOffset);
    }
}
