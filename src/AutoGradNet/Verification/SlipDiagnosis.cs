using System.Globalization;

namespace AutoGradNet.Verification;

/// <summary>A classic slip in a hand-derived gradient, as recognised by <see cref="GradientComparison"/>.</summary>
public enum SlipKind
{
    /// <summary>No slip: the hand-derived gradient matches autograd's.</summary>
    None,

    /// <summary>The hand-derived gradient is −1 × autograd's (often the descent direction −∇L).</summary>
    SignFlipped,

    /// <summary>The hand-derived gradient is a constant multiple of autograd's (e.g. 0.5: the 2 of a square forgotten).</summary>
    ConstantFactor,

    /// <summary>The ratio is the batch size N or 1/N: summed where autograd averaged over the batch, or the reverse.</summary>
    BatchReduction,

    /// <summary>The hand-derived gradient is autograd's transposed, or has the transposed shape.</summary>
    Transposed,

    /// <summary>A broadcast went wrong: the shapes differ along axes of size 1 (a [4, 1] against a [4, 4]).</summary>
    Broadcast,

    /// <summary>Only one element differs.</summary>
    SingleElement,

    /// <summary>Only the elements of one row differ.</summary>
    SingleRow,

    /// <summary>Only the elements of one column differ.</summary>
    SingleColumn,

    /// <summary>The hand-derived gradient is zero everywhere where autograd's is not.</summary>
    AllZeros,

    /// <summary>The shapes differ in a way that is not a transpose or a broadcast.</summary>
    ShapeMismatch,

    /// <summary>The values differ in no pattern the library knows.</summary>
    Unknown,
}

/// <summary>Recognises the classic slips by comparing a hand-derived gradient with autograd's (both Float64 values).</summary>
internal static class SlipDiagnosis
{
    public static (SlipKind Kind, string Text) Diagnose(double[] hand, Shape handShape, double[] auto, Shape autoShape,
        double atol, double rtol, int? batchSize, bool descentConvention)
    {
        if (handShape != autoShape) return DiagnoseShapes(hand, handShape, auto, autoShape, atol, rtol);
        if (Close(hand, auto, atol, rtol)) return (SlipKind.None, "matches autograd.");

        if (Array.TrueForAll(hand, v => Math.Abs(v) <= atol))
            return (SlipKind.AllZeros, "your gradient is zero everywhere, but autograd's is not: a term of the chain rule is missing (or the tensor is not connected to the loss in your derivation).");

        if (ConstantRatio(hand, auto, atol, rtol) is { } ratio)
            return DescribeRatio(ratio, batchSize, descentConvention);

        if (autoShape.Rank == 2 && autoShape[0] == autoShape[1] && Close(hand, Transpose(auto, autoShape), atol, rtol))
            return (SlipKind.Transposed, "your gradient is autograd's transposed: for Y = A·B, ∂L/∂A = G·Bᵀ and ∂L/∂B = Aᵀ·G; check which side each transpose goes on.");

        var wrong = Enumerable.Range(0, hand.Length).Where(i => !Close(hand[i], auto[i], atol, rtol)).ToArray();
        if (wrong.Length == 1)
        {
            var index = Indices.Bracketed(Indices.Unravel(wrong[0], autoShape));
            return (SlipKind.SingleElement, $"only element {index} is wrong (yours {Indices.Number(hand[wrong[0]])}, autograd's {Indices.Number(auto[wrong[0]])}); the rest match: look at the term for that one element (an index slip or a special case).");
        }
        if (autoShape.Rank == 2)
        {
            var columns = autoShape[1];
            var rows = wrong.Select(i => i / columns).Distinct().ToArray();
            var cols = wrong.Select(i => i % columns).Distinct().ToArray();
            if (rows.Length == 1 && autoShape[0] > 1)
                return (SlipKind.SingleRow, $"only row {rows[0]} is wrong ({wrong.Length} of its {columns} elements); every other row matches: look at what differs for that row (that sample, or that input feature).");
            if (cols.Length == 1 && columns > 1)
                return (SlipKind.SingleColumn, $"only column {cols[0]} is wrong ({wrong.Length} of its {autoShape[0]} elements); every other column matches: look at what differs for that column (that unit or output).");
        }
        return (SlipKind.Unknown, $"no known pattern (not a sign, a constant factor, a batch reduction, a transpose, a broadcast, or one element, row or column): {wrong.Length} of {hand.Length} elements differ.");
    }

    private static (SlipKind, string) DescribeRatio(double ratio, int? batchSize, bool descent)
    {
        var r = Indices.Number(ratio);
        if (Near(ratio, -1))
        {
            var convention = descent
                ? "You declared the descent-direction convention (−∇L), so your values are ∇L itself: drop that declaration, or negate your formulas."
                : "The tutorial's formulas give the descent direction −∇L (the d_weights it adds to the weights), not the gradient ∇L; if yours do too, that is expected: compare with −gradient, or declare GradientConvention.DescentDirection.";
            return (SlipKind.SignFlipped, $"the sign is flipped: your gradient is −1 × autograd's. {convention}");
        }
        var sign = ratio < 0 ? " and the sign is flipped (see the descent-direction convention)" : "";
        var magnitude = Math.Abs(ratio);
        if (batchSize is { } n && n > 1)
        {
            if (Near(magnitude, n))
                return (SlipKind.BatchReduction, $"your gradient is {r} × autograd's: the batch size is {n}, so you summed over the batch where the loss averages (divide by {n}){sign}.");
            if (Near(magnitude, 1.0 / n))
                return (SlipKind.BatchReduction, $"your gradient is {r} × autograd's: 1 / the batch size {n}, so you averaged over the batch where the loss sums (drop the 1/{n}){sign}.");
        }
        if (Near(magnitude, 0.5))
            return (SlipKind.ConstantFactor, $"a constant factor is off: your gradient is {r} × autograd's. The 2 of a square forgotten? d/dx x² = 2x{sign}.");
        if (Near(magnitude, 2))
            return (SlipKind.ConstantFactor, $"a constant factor is off: your gradient is {r} × autograd's: a factor 2 too many (a ½ in the loss dropped from the derivative, or a term counted twice){sign}.");
        var hint = "";
        if (batchSize is null && magnitude >= 2 && Near(magnitude, Math.Round(magnitude)))
            hint = string.Create(CultureInfo.InvariantCulture, $" If {Math.Round(magnitude)} is your batch size, you summed over the batch where the loss averages.");
        else if (batchSize is null && magnitude < 0.5 && Near(1 / magnitude, Math.Round(1 / magnitude)))
            hint = string.Create(CultureInfo.InvariantCulture, $" If {Math.Round(1 / magnitude)} is your batch size, you averaged over the batch where the loss sums.");
        return (SlipKind.ConstantFactor, $"a constant factor is off: your gradient is {r} × autograd's everywhere{sign}.{hint}");
    }

    private static (SlipKind, string) DiagnoseShapes(double[] hand, Shape handShape, double[] auto, Shape autoShape, double atol, double rtol)
    {
        var shapes = $"your gradient has shape {handShape}, but the tensor (and autograd's gradient) has shape {autoShape}";
        if (handShape.Rank == 2 && autoShape.Rank == 2 && handShape[0] == autoShape[1] && handShape[1] == autoShape[0])
        {
            var values = Close(hand, Transpose(auto, autoShape), atol, rtol) ? "; its values are autograd's transposed" : "; even transposed, its values differ from autograd's";
            return (SlipKind.Transposed, $"transposed: {shapes}{values}. For Y = A·B, ∂L/∂A = G·Bᵀ and ∂L/∂B = Aᵀ·G.");
        }
        var rank = Math.Max(handShape.Rank, autoShape.Rank);
        var h = Pad(handShape, rank);
        var a = Pad(autoShape, rank);
        var compatible = Enumerable.Range(0, rank).All(d => h[d] == a[d] || h[d] == 1 || a[d] == 1);
        if (!compatible)
        {
            var reshaped = handShape.Size == autoShape.Size ? " (the same number of elements: a reshape or a flattening went wrong?)" : "";
            return (SlipKind.ShapeMismatch, $"{shapes}{reshaped}.");
        }
        var handT = Tensor.FromArray(hand, h);
        var autoT = Tensor.FromArray(auto, a);
        var handWider = Enumerable.Range(0, rank).Where(d => a[d] == 1 && h[d] > 1).ToArray();
        var autoWider = Enumerable.Range(0, rank).Where(d => h[d] == 1 && a[d] > 1).ToArray();
        var text = $"a broadcast went wrong: {shapes}";
        if (handWider.Length > 0 && autoWider.Length == 0)
        {
            var axes = string.Join(", ", handWider);
            if (Close(handT.Sum(handWider, keepDim: true).ToArray(), auto, atol, rtol))
                return (SlipKind.Broadcast, $"{text}. Summed over axis {axes} it matches: the tensor was broadcast along axis {axes} in the forward pass, so its gradient is the sum over that axis.");
            if (Close(hand, autoT.BroadcastTo(h).ToArray(), atol, rtol))
                return (SlipKind.Broadcast, $"{text}. It is autograd's gradient repeated along axis {axes}: keep the tensor's shape.");
        }
        else if (autoWider.Length > 0 && handWider.Length == 0)
        {
            var axes = string.Join(", ", autoWider);
            if (Close(hand, autoT.Sum(autoWider, keepDim: true).ToArray(), atol, rtol))
                return (SlipKind.Broadcast, $"{text}. It equals autograd's summed over axis {axes}: the tensor is not broadcast along that axis, so its gradient keeps one value per element.");
            if (Close(handT.BroadcastTo(a).ToArray(), auto, atol, rtol))
                return (SlipKind.Broadcast, $"{text}. Autograd's is the same along axis {axes}, and yours has its values: only the shape is wrong.");
        }
        return (SlipKind.Broadcast, $"{text}, and its values match autograd's neither summed nor repeated along the broadcast axes.");
    }

    private static int[] Pad(Shape shape, int rank) => [.. Enumerable.Repeat(1, rank - shape.Rank), .. shape];

    /// <summary>The least-squares ratio r = Σ hand·auto / Σ auto², if hand ≈ r·auto everywhere and r is neither 0 nor 1.</summary>
    private static double? ConstantRatio(double[] hand, double[] auto, double atol, double rtol)
    {
        double dot = 0, norm = 0;
        for (var i = 0; i < hand.Length; i++)
        {
            dot += hand[i] * auto[i];
            norm += auto[i] * auto[i];
        }
        if (!(norm > 0)) return null;
        var ratio = dot / norm;
        if (Math.Abs(ratio) < 1e-12) return null;
        for (var i = 0; i < hand.Length; i++)
        {
            if (!Close(hand[i], ratio * auto[i], atol, rtol)) return null;
        }
        return ratio;
    }

    private static bool Near(double value, double target) => Math.Abs(value - target) <= 1e-6 * Math.Max(1, Math.Abs(target));

    public static bool Close(double actual, double expected, double atol, double rtol) =>
        Math.Abs(actual - expected) <= atol + rtol * Math.Abs(expected);

    public static bool Close(double[] actual, double[] expected, double atol, double rtol)
    {
        if (actual.Length != expected.Length) return false;
        for (var i = 0; i < actual.Length; i++)
        {
            if (!Close(actual[i], expected[i], atol, rtol)) return false;
        }
        return true;
    }

    public static double[] Transpose(double[] values, Shape shape)
    {
        var (rows, cols) = (shape[0], shape[1]);
        var result = new double[values.Length];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++) result[j * rows + i] = values[i * cols + j];
        }
        return result;
    }
}
