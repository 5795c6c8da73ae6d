using AutoGradNet.Autograd;
using AutoGradNet.Kernels;

namespace AutoGradNet.Ops;

/// <summary>
/// Running sum along an axis, <c>y_j = Σ_{k≤j} x_k</c> (or <c>Σ_{k≥j} x_k</c> reversed). ∂/∂x_i = Σ_{j≥i} g_j: the
/// reversed running sum of g, and the reverse's backward is the forward running sum, so double backward works.
/// </summary>
internal sealed class CumSum(Tensor x, int axis, bool reverse) : Node(x)
{
    public override string OpName => reverse ? "ReverseCumSum" : "CumSum";

    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["axis"] = axis };

    /// <summary>The running sum; Bool counts as Int64 (as in PyTorch).</summary>
    public static Tensor Apply(Tensor x, int axis, bool reverse = false, string op = "CumSum")
    {
        if (x.DType == DType.Bool) x = x.ConvertedTo(DType.Int64);
        var a = ScanAxis(x, axis, op);
        var r = Tensor.Empty(x.Shape, x.DType);
        Kernels.Scan.CumSum(x, a, reverse, r);
        return Graph.Record(r, x, (a, reverse), static (x, s) => new CumSum(x, s.a, s.reverse));
    }

    private protected override Tensor?[] Backward(Tensor g) => [Apply(g, axis, !reverse)];

    /// <summary>The normalized axis; a 0-d tensor accepts 0 or −1 (as PyTorch's cumsum does).</summary>
    internal static int ScanAxis(Tensor x, int axis, string op)
    {
        if (x.Rank != 0) return x.Shape.NormalizeAxis(axis, op);
        if (axis is 0 or -1) return 0;
        throw new ArgumentOutOfRangeException(nameof(axis), axis, $"{op}: axis {axis} is out of range for a 0-d tensor (shape {x.Shape}); expected 0 or -1.");
    }
}

/// <summary>
/// Running product along an axis, <c>y_j = Π_{k≤j} x_k</c>. ∂/∂x_i = Σ_{j≥i} g_j · Π_{k≤j, k≠i} x_k.
/// Without zeros that is <c>reverseCumSum(g·y) / x</c>; with a zero the quotient is 0/0, so the sum is formed
/// directly: for each i, the running product of x with x_i replaced by 1, weighted by g and summed over j ≥ i
/// (O(n²) per lane, only when the input holds a zero). Both are written in Tensor ops, so double backward works.
/// </summary>
internal sealed class CumProd : Node
{
    private readonly int _axis;

    private CumProd(Tensor x, Tensor y, int axis) : base(x)
    {
        _axis = axis;
        Save(x, y);
    }

    public override IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object> { ["axis"] = _axis };

    /// <summary>The running product; Bool counts as Int64 (as in PyTorch).</summary>
    public static Tensor Apply(Tensor x, int axis, string op = "CumProd")
    {
        if (x.DType == DType.Bool) x = x.ConvertedTo(DType.Int64);
        var a = CumSum.ScanAxis(x, axis, op);
        var r = Tensor.Empty(x.Shape, x.DType);
        Kernels.Scan.CumProd(x, a, r);
        return Graph.Record(r, x, (a, r), static (x, s) => new CumProd(x, s.r, s.a));
    }

    private protected override Tensor?[] Backward(Tensor g)
    {
        var x = Saved(0);
        if (x.Rank == 0) return [g];
        if (!HasZero(x)) return [CumSum.Apply(g * Saved(1), _axis, reverse: true) / x];

        // Lanes last: x_t[..., k], and a square per lane whose row i is x with x_i replaced by 1.
        var xt = x.Transpose(_axis, -1);
        var n = xt.Shape[-1];
        var square = xt.Shape.ToArray().Append(n).ToArray();
        square[^2] = n;
        var position = Tensor.Arange(n);
        var diagonal = position.Unsqueeze(1).ElementwiseEquals(position.Unsqueeze(0));
        var withoutSelf = Tensor.Where(diagonal, 1.0, xt.Unsqueeze(-2).BroadcastTo(square));
        var products = Apply(withoutSelf, -1);                          // [..., i, j] = Π_{k≤j, k≠i} x_k
        var upper = position.Unsqueeze(0) >= position.Unsqueeze(1);    // [i, j]: j ≥ i
        var weighted = Tensor.Where(upper, products * g.Transpose(_axis, -1).Unsqueeze(-2), 0.0);
        return [weighted.Sum(-1).Transpose(_axis, -1)];
    }

    private static bool HasZero(Tensor x) => x.ElementwiseEquals(Tensor.Scalar(0, x.DType)).Any().ToArray<bool>()[0];
}
