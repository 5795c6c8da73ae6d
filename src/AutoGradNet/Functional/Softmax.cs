namespace AutoGradNet;

public static partial class Functional
{
    /// <summary>
    /// log Σ exp(x) over <paramref name="axis"/>, computed as m + log Σ exp(x − m) with m the (constant) maximum,
    /// so large inputs do not overflow. The shift changes nothing mathematically, so treating m as a constant leaves
    /// the gradient (the softmax) exact. A slice that is all −∞ gives −∞, not NaN. A 0-d input is its own logsumexp.
    /// </summary>
    public static Tensor LogSumExp(Tensor x, int axis = -1, bool keepDim = false) =>
        OverAxis(x, axis, "LogSumExp", (v, a) =>
        {
            var m = StableShift(v, a);
            var lse = (v - m).Exp().Sum(a, keepDim: true).Log() + m;
            return keepDim ? lse : lse.Squeeze(a);
        });

    /// <summary>
    /// softmax(x)ᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m) over <paramref name="axis"/>, m the (constant) maximum.
    /// </summary>
    public static Tensor Softmax(Tensor x, int axis = -1) =>
        OverAxis(x, axis, "Softmax", (v, a) =>
        {
            var e = (v - StableShift(v, a)).Exp();
            return e / e.Sum(a, keepDim: true);
        });

    /// <summary>
    /// log softmax(x) = (x − m) − log Σ exp(x − m) over <paramref name="axis"/>, m the (constant) maximum. Subtracting
    /// m first, rather than x − logsumexp(x), keeps full precision for huge logits (e.g. [1e17, 1e17]).
    /// </summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1) =>
        OverAxis(x, axis, "LogSoftmax", (v, a) =>
        {
            var shifted = v - StableShift(v, a);
            return shifted - shifted.Exp().Sum(a, keepDim: true).Log();
        });

    /// <summary>
    /// Validates the axis (naming <paramref name="op"/>), then applies <paramref name="body"/>; a 0-d input, with
    /// axis 0 or −1 as PyTorch allows, is treated as a one-element vector and given back 0-d.
    /// </summary>
    private static Tensor OverAxis(Tensor x, int axis, string op, Func<Tensor, int, Tensor> body)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0)
        {
            if (axis is not (0 or -1))
                throw new ArgumentOutOfRangeException(nameof(axis), axis, $"{op}: axis {axis} is out of range for a 0-d tensor; use 0 or -1.");
            return body(x.Reshape(1), 0).Reshape(Shape.Scalar);
        }
        return body(x, x.Shape.NormalizeAxis(axis, op));
    }

    /// <summary>
    /// The per-slice maximum as a constant, with non-finite maxima replaced by 0 (so −∞ − (−∞) never happens);
    /// 0 for an empty axis.
    /// </summary>
    private static Tensor StableShift(Tensor x, int axis)
    {
        using var noGrad = Tensor.NoGrad(); // a constant shift: nothing to record
        if (x.Shape[axis] == 0) return Tensor.Scalar(0, x.DType);
        var m = x.Max(axis, keepDim: true);
        return Tensor.Where(m.IsFinite(), m, 0.0);
    }
}
