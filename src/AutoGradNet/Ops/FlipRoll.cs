using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

// Reversing and rotating axes: copies (PyTorch has no negative strides either), each read through per-axis
// coordinate maps. Each is a permutation of the elements, so its derivative is the inverse permutation of g.

/// <summary>flip(x, axes): the order of the elements along each of <c>axes</c> reversed (a copy). ∂: flip g along the same axes.</summary>
internal sealed class Flip(Tensor x, int[] axes) : Node(x)
{
    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["axes"] = axes.Clone() };

    /// <summary><paramref name="axes"/> are normalized and distinct.</summary>
    public static Tensor Apply(Tensor x, int[] axes)
    {
        var maps = IdentityMaps(x.Shape);
        foreach (var a in axes)
        {
            var n = x.Shape[a];
            for (var i = 0; i < n; i++) maps[a][i] = n - 1 - i;
        }
        var r = Tensor.Empty(x.Shape, x.DType);
        Indexing.Remap(x, maps, r);
        return Graph.Record(r, x, axes, static (x, axes) => new Flip(x, axes));
    }

    private protected override Tensor?[] Backward(Tensor g) => [Apply(g, axes)];

    /// <summary>For each axis, the map that reads coordinate i at i.</summary>
    public static int[][] IdentityMaps(Shape shape)
    {
        var maps = new int[shape.Rank][];
        for (var a = 0; a < shape.Rank; a++)
        {
            maps[a] = new int[shape[a]];
            for (var i = 0; i < maps[a].Length; i++) maps[a][i] = i;
        }
        return maps;
    }
}

/// <summary>
/// roll(x, shifts, axes): <c>r[..., i, ...] = x[..., (i − shift) mod n, ...]</c> along each axis, elements that leave
/// one end coming back at the other (a copy). ∂: roll g by the negated shifts.
/// </summary>
internal sealed class Roll(Tensor x, int[] shifts, int[] axes) : Node(x)
{
    public override IReadOnlyDictionary<string, object> Attributes =>
        new Dictionary<string, object> { ["shifts"] = shifts.Clone(), ["axes"] = axes.Clone() };

    /// <summary><paramref name="axes"/> are normalized (they may repeat: the shifts add up).</summary>
    public static Tensor Apply(Tensor x, int[] shifts, int[] axes)
    {
        var total = new long[x.Rank];
        for (var k = 0; k < axes.Length; k++) total[axes[k]] += shifts[k];
        var perAxis = new int[x.Rank];
        for (var a = 0; a < x.Rank; a++)
        {
            var n = x.Shape[a];
            if (n > 0) perAxis[a] = (int)(((total[a] % n) + n) % n);
        }
        var r = Tensor.Empty(x.Shape, x.DType);
        Indexing.Remap(x, Maps(x.Shape, perAxis), r);
        return Graph.Record(r, x, (shifts, axes, perAxis), static (x, s) => new Roll(x, s.shifts, s.axes) { _perAxis = s.perAxis });
    }

    /// <summary>The shift of each axis, reduced to [0, n).</summary>
    private int[] _perAxis = [];

    private protected override Tensor?[] Backward(Tensor g)
    {
        var all = new int[_perAxis.Length];
        for (var a = 0; a < all.Length; a++) all[a] = a;
        return [Apply(g, Array.ConvertAll(_perAxis, s => -s), all)];
    }

    /// <summary>Along each axis of length n, output coordinate i reads input coordinate (i − shift) mod n.</summary>
    private static int[][] Maps(Shape shape, int[] perAxis)
    {
        var maps = Flip.IdentityMaps(shape);
        for (var a = 0; a < shape.Rank; a++)
        {
            var n = shape[a];
            for (var i = 0; i < n; i++) maps[a][i] = (i - perAxis[a] + n) % n;
        }
        return maps;
    }
}
