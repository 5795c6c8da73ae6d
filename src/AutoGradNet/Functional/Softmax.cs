namespace AutoGradNet;

public static partial class Functional
{
    /// <summary>
    /// log Σ exp(x) over <paramref name="axis"/>, computed as m + log Σ exp(x − m) with m the (detached) maximum,
    /// so large inputs do not overflow. The shift changes nothing mathematically, so detaching m leaves the gradient
    /// (the softmax) exact. A slice that is all −∞ gives −∞, not NaN.
    /// </summary>
    public static Tensor LogSumExp(Tensor x, int axis = -1, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var m = StableShift(x, axis);
        var lse = (x - m).Exp().Sum(axis, keepDim: true).Log() + m;
        return keepDim ? lse : lse.Squeeze(axis);
    }

    /// <summary>softmax(x)ᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m) over <paramref name="axis"/>, m the detached maximum.</summary>
    public static Tensor Softmax(Tensor x, int axis = -1)
    {
        ArgumentNullException.ThrowIfNull(x);
        var e = (x - StableShift(x, axis)).Exp();
        return e / e.Sum(axis, keepDim: true);
    }

    /// <summary>log softmax(x) = x − logsumexp(x) over <paramref name="axis"/>; stable for large logits.</summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x - LogSumExp(x, axis, keepDim: true);
    }

    /// <summary>The per-slice maximum as a constant, with non-finite maxima replaced by 0 (so −∞ − (−∞) never happens); 0 for an empty axis.</summary>
    private static Tensor StableShift(Tensor x, int axis)
    {
        using var noGrad = Tensor.NoGrad(); // a constant shift: nothing to record
        if (x.Shape[x.Shape.NormalizeAxis(axis, "softmax")] == 0) return Tensor.Scalar(0, x.DType);
        var m = x.Max(axis, keepDim: true);
        return Tensor.Where(m.IsFinite(), m, 0.0);
    }
}
