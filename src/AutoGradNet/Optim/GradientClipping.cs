using System.Globalization;

namespace AutoGradNet.Optim;

/// <summary>Gradient clipping, PyTorch's <c>clip_grad_norm_</c> and <c>clip_grad_value_</c>: both rescale or clamp the
/// parameters' <see cref="Tensor.Grad"/> in place and skip parameters whose gradient is null.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Rescales the gradients so that their total p-norm (the p-norm of the per-gradient p-norms, as if all gradients
    /// were one vector) is at most <paramref name="maxNorm"/>: when the total norm exceeds it, every gradient is
    /// multiplied by <c>maxNorm / (total + 1e-6)</c>. <paramref name="normType"/> is any p &gt; 0 or
    /// <see cref="double.PositiveInfinity"/> (the largest absolute value). Norms are computed in double.
    /// </summary>
    /// <returns>The total norm before clipping (0 when no parameter has a gradient).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is negative or NaN, or <paramref name="normType"/> is not above 0.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="errorIfNonfinite"/> is set and the total norm is NaN or infinite.</exception>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        const string Op = "ClipGradNorm";
        if (parameters is null) throw new ArgumentNullException(nameof(parameters), $"{Op}: the parameters are null.");
        if (!(maxNorm >= 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"{Op}: maxNorm must be >= 0.");
        if (!(normType > 0)) throw new ArgumentOutOfRangeException(nameof(normType), normType, $"{Op}: normType must be > 0 or PositiveInfinity.");
        var grads = Gradients(parameters, Op);
        if (grads.Count == 0) return 0;
        var norms = grads.Select(g => Norm(g.ToArray(), normType));
        var total = Norm([.. norms], normType);
        if (errorIfNonfinite && !double.IsFinite(total))
        {
            throw new InvalidOperationException(
                $"{Op}: the total {normType.ToString(CultureInfo.InvariantCulture)}-norm of the gradients is {total.ToString(CultureInfo.InvariantCulture)}, so they cannot be clipped.");
        }
        var coefficient = maxNorm / (total + 1e-6);
        if (coefficient < 1 || double.IsNaN(coefficient))
        {
            using var _ = Tensor.NoGrad();
            foreach (var g in grads) g.MulInPlace(coefficient);
        }
        return total;
    }

    /// <summary>Clamps every gradient element into <c>[-clipValue, clipValue]</c>, in place.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is negative or NaN.</exception>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        const string Op = "ClipGradValue";
        if (parameters is null) throw new ArgumentNullException(nameof(parameters), $"{Op}: the parameters are null.");
        if (!(clipValue >= 0)) throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, $"{Op}: clipValue must be >= 0.");
        using var _ = Tensor.NoGrad();
        foreach (var g in Gradients(parameters, Op)) g.CopyFrom(g.Clamp(-clipValue, clipValue));
    }

    private static List<Tensor> Gradients(IEnumerable<Tensor> parameters, string op)
    {
        var grads = new List<Tensor>();
        var i = 0;
        foreach (var p in parameters)
        {
            if (p is null) throw new ArgumentException($"{op}: parameter {i} is null.");
            if (p.Grad is { } g) grads.Add(g);
            i++;
        }
        return grads;
    }

    private static double Norm(double[] values, double p)
    {
        if (double.IsPositiveInfinity(p))
        {
            var max = 0.0;
            foreach (var v in values)
            {
                if (double.IsNaN(v)) return double.NaN;
                max = Math.Max(max, Math.Abs(v));
            }
            return max;
        }
        var sum = 0.0;
        if (p == 1)
        {
            foreach (var v in values) sum += Math.Abs(v);
            return sum;
        }
        if (p == 2)
        {
            foreach (var v in values) sum += v * v;
            return Math.Sqrt(sum);
        }
        foreach (var v in values) sum += Math.Pow(Math.Abs(v), p);
        return Math.Pow(sum, 1 / p);
    }
}
