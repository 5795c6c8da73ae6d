using System.Numerics;

namespace AutoGradNet.Kernels;

/// <summary>
/// Kernels that move elements by index: gather and scatter-add along an axis (torch.gather / scatter_add), and a
/// per-axis remap of coordinates (flip, roll). Inputs are read through their strides; results are contiguous.
/// Indices are assumed validated by the op (in range, Int64).
/// </summary>
internal static class Indexing
{
    /// <summary>
    /// <c>result[p] = x[p with coordinate <paramref name="axis"/> replaced by index[p]]</c> for every position p of
    /// <paramref name="index"/> (torch.gather); <paramref name="result"/> has the index's shape and x's dtype.
    /// </summary>
    public static void Gather(Tensor x, int axis, Tensor index, Tensor result)
        => Dispatch.Copy(result.DType, new GatherKernel(x, axis, index, result));

    /// <summary>
    /// <c>result[p with coordinate <paramref name="axis"/> replaced by index[p]] += source[p]</c> for every position p
    /// of <paramref name="index"/> (torch.scatter_add_); <paramref name="result"/> is contiguous and already holds the base.
    /// </summary>
    public static void ScatterAdd(Tensor result, int axis, Tensor index, Tensor source)
        => Dispatch.Numeric(result.DType, new ScatterAddKernel(result, axis, index, source));

    /// <summary>
    /// <c>result[c0, c1, ...] = x[maps[0][c0], maps[1][c1], ...]</c>: each axis reads its coordinates through its own
    /// map (reversed for flip, shifted for roll); <paramref name="result"/> has x's shape.
    /// </summary>
    public static void Remap(Tensor x, int[][] maps, Tensor result)
        => Dispatch.Copy(result.DType, new RemapKernel(x, maps, result));

    /// <summary>
    /// For each position of <paramref name="shape"/>, the offset of that position in a buffer read with
    /// <paramref name="strides"/>, except along <paramref name="axis"/> (whose stride counts as 0): the row offsets plus
    /// the column step. Returned as row offsets and the inner step, the layout <see cref="Strided.RowOffsets"/> uses.
    /// </summary>
    private static (int[] Rows, int Inner) OffsetsBesideAxis(Shape shape, int[] strides, int axis)
    {
        var s = (int[])strides.Clone();
        s[axis] = 0;
        return (Strided.RowOffsets(shape, s), shape.Rank == 0 ? 0 : s[^1]);
    }

    private readonly struct GatherKernel(Tensor x, int axis, Tensor index, Tensor result) : ICopyKernel
    {
        public void Run<T>() where T : unmanaged
        {
            var dst = result.AsSpan<T>();
            if (dst.Length == 0) return;
            var src = x.StorageSpan<T>();
            var idx = index.Dense<long>();
            var axisStride = x.StrideArray[axis];
            var (rows, inner) = OffsetsBesideAxis(index.Shape, x.StrideArray, axis);
            var rowLength = index.Shape[^1];
            for (var r = 0; r < rows.Length; r++)
            {
                var o = rows[r];
                var at = r * rowLength;
                for (var j = 0; j < rowLength; j++)
                    dst[at + j] = src[o + j * inner + (int)idx[at + j] * axisStride];
            }
        }
    }

    private readonly struct ScatterAddKernel(Tensor result, int axis, Tensor index, Tensor source) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            if (index.Size == 0) return;
            var dst = result.AsSpan<T>();
            var src = source.StorageSpan<T>();
            var idx = index.Dense<long>();
            var resultStrides = result.Shape.Strides();
            var axisStride = resultStrides[axis];
            var (dstRows, dstInner) = OffsetsBesideAxis(index.Shape, resultStrides, axis);
            var srcRows = Strided.RowOffsets(index.Shape, source.StrideArray);
            var srcInner = source.StrideArray[^1];
            var rowLength = index.Shape[^1];
            for (var r = 0; r < dstRows.Length; r++)
            {
                var at = r * rowLength;
                for (var j = 0; j < rowLength; j++)
                    dst[dstRows[r] + j * dstInner + (int)idx[at + j] * axisStride] += src[srcRows[r] + j * srcInner];
            }
        }
    }

    private readonly struct RemapKernel(Tensor x, int[][] maps, Tensor result) : ICopyKernel
    {
        public void Run<T>() where T : unmanaged
        {
            var dst = result.AsSpan<T>();
            if (dst.Length == 0) return;
            var src = x.StorageSpan<T>();
            var shape = x.Shape;
            var rank = shape.Rank;
            if (rank == 0)
            {
                dst[0] = src[0];
                return;
            }
            // offsets[a][c]: the storage step of reading coordinate c of axis a through its map.
            var offsets = new int[rank][];
            var strides = x.StrideArray;
            for (var a = 0; a < rank; a++)
            {
                var stride = strides[a];
                offsets[a] = Array.ConvertAll(maps[a], c => c * stride);
            }
            var last = offsets[rank - 1];
            var rowLength = shape[rank - 1];
            var coords = new int[rank - 1];
            var rowBase = 0;
            for (var a = 0; a < rank - 1; a++) rowBase += offsets[a][0];
            for (var at = 0; at < dst.Length; at += rowLength)
            {
                for (var j = 0; j < rowLength; j++) dst[at + j] = src[rowBase + last[j]];
                // Odometer over the outer axes, keeping rowBase = Σ offsets[a][coords[a]].
                for (var a = rank - 2; a >= 0; a--)
                {
                    rowBase -= offsets[a][coords[a]];
                    if (++coords[a] < shape[a])
                    {
                        rowBase += offsets[a][coords[a]];
                        break;
                    }
                    coords[a] = 0;
                    rowBase += offsets[a][0];
                }
            }
        }
    }
}
