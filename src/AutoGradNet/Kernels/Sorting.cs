using System.Numerics;

namespace AutoGradNet.Kernels;

/// <summary>
/// Sorting, arg-extremes and moving elements by index along one axis, viewing tensors as <c>[outer, n, inner]</c>.
/// The order is PyTorch's: NaN counts as larger than every number (last ascending, first descending), and ties keep
/// their index order (a stable sort).
/// </summary>
internal static class Sorting
{
    /// <summary>
    /// Writes into the Int64 <paramref name="indices"/> (shape of <paramref name="x"/> with <paramref name="k"/> along
    /// <paramref name="axis"/>) the positions of the first <paramref name="k"/> elements of each lane in sorted order.
    /// </summary>
    public static void SortIndices(Tensor x, int axis, bool descending, int k, Tensor indices)
        => Dispatch.Numeric(x.DType, new SortKernel(x, axis, descending, k, indices));

    /// <summary>
    /// Writes into the Int64 <paramref name="indices"/> (length 1 along the axis) the position of each lane's maximum
    /// (or minimum): the first one among ties, and the first NaN if there is one (NaN propagates, as in PyTorch).
    /// </summary>
    public static void ArgExtreme(Tensor x, int outer, int n, int inner, bool max, Tensor indices)
        => Dispatch.Numeric(x.DType, new ArgExtremeKernel(x, outer, n, inner, max, indices));

    /// <summary><c>result[o, j, i] = x[o, indices[o, j, i], i]</c>; <paramref name="result"/> has the shape of <paramref name="indices"/>.</summary>
    public static void TakeAlong(Tensor x, Tensor indices, int axis, Tensor result)
        => Dispatch.Copy(x.DType, new TakeAlongKernel(x, indices, axis, result));

    /// <summary><c>result[o, indices[o, j, i], i] += g[o, j, i]</c> into the zeroed, contiguous <paramref name="result"/>.</summary>
    public static void PutAlong(Tensor g, Tensor indices, int axis, Tensor result)
        => Dispatch.Numeric(g.DType, new PutAlongKernel(g, indices, axis, result));

    /// <summary>PyTorch's sort order: ascending with NaN last (reversed when descending); 0 for ties.</summary>
    private static int Compare<T>(T a, T b, bool descending) where T : INumber<T>
    {
        bool nanA = T.IsNaN(a), nanB = T.IsNaN(b);
        var c = nanA || nanB ? (nanA == nanB ? 0 : nanA ? 1 : -1) : a < b ? -1 : a > b ? 1 : 0;
        return descending ? -c : c;
    }

    private readonly struct SortKernel(Tensor x, int axis, bool descending, int k, Tensor indices) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var src = x.Dense<T>();
            var dst = indices.AsSpan<long>();
            var (outer, inner) = Layout.Split(x.Shape, axis);
            var n = x.Shape[axis];
            if (k == 0 || outer * inner == 0) return;
            var keys = new T[n];
            var order = new int[n];
            var desc = descending;
            // Ties are broken by position, so the unstable Array.Sort gives the stable order.
            Comparison<int> comparison = (p, q) =>
            {
                var c = Compare(keys[p], keys[q], desc);
                return c != 0 ? c : p.CompareTo(q);
            };
            for (var o = 0; o < outer; o++)
            {
                for (var i = 0; i < inner; i++)
                {
                    var start = o * n * inner + i;
                    for (var j = 0; j < n; j++)
                    {
                        keys[j] = src[start + j * inner];
                        order[j] = j;
                    }
                    Array.Sort(order, comparison);
                    var outStart = o * k * inner + i;
                    for (var j = 0; j < k; j++) dst[outStart + j * inner] = order[j];
                }
            }
        }
    }

    private readonly struct ArgExtremeKernel(Tensor x, int outer, int n, int inner, bool max, Tensor indices) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var src = x.Dense<T>();
            var dst = indices.AsSpan<long>();
            for (var o = 0; o < outer; o++)
            {
                for (var i = 0; i < inner; i++)
                {
                    var start = o * n * inner + i;
                    var best = 0;
                    var bestValue = src[start];
                    for (var j = 1; j < n && !T.IsNaN(bestValue); j++)
                    {
                        var v = src[start + j * inner];
                        // Strictly better only, so the first of tied extremes stays; a NaN wins and ends the scan.
                        if (T.IsNaN(v) || (max ? v > bestValue : v < bestValue))
                        {
                            best = j;
                            bestValue = v;
                        }
                    }
                    dst[o * inner + i] = best;
                }
            }
        }
    }

    private readonly struct TakeAlongKernel(Tensor x, Tensor indices, int axis, Tensor result) : ICopyKernel
    {
        public void Run<T>() where T : unmanaged
        {
            var src = x.Dense<T>();
            var idx = indices.Dense<long>();
            var dst = result.AsSpan<T>();
            var (outer, inner) = Layout.Split(indices.Shape, axis);
            var n = x.Shape[axis];
            var m = indices.Shape[axis];
            for (var o = 0; o < outer; o++)
            {
                for (var j = 0; j < m; j++)
                {
                    var at = (o * m + j) * inner;
                    for (var i = 0; i < inner; i++) dst[at + i] = src[(int)((o * n + idx[at + i]) * inner) + i];
                }
            }
        }
    }

    private readonly struct PutAlongKernel(Tensor g, Tensor indices, int axis, Tensor result) : INumericKernel
    {
        public void Run<T>() where T : unmanaged, INumber<T>
        {
            var src = g.Dense<T>();
            var idx = indices.Dense<long>();
            var dst = result.AsSpan<T>();
            var (outer, inner) = Layout.Split(indices.Shape, axis);
            var n = result.Shape[axis];
            var m = indices.Shape[axis];
            for (var o = 0; o < outer; o++)
            {
                for (var j = 0; j < m; j++)
                {
                    var at = (o * m + j) * inner;
                    for (var i = 0; i < inner; i++) dst[(int)((o * n + idx[at + i]) * inner) + i] += src[at + i];
                }
            }
        }
    }
}
