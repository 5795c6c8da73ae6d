namespace AutoGradNet.Autograd;

/// <summary>
/// Anomaly detection: while enabled (per async flow), the backward engine checks every gradient it computes
/// and throws, naming the op and the input, as soon as one contains NaN.
/// </summary>
public static class AnomalyMode
{
    private static readonly AsyncLocal<bool> Enabled = new();

    /// <summary>Whether backward passes check their gradients for NaN.</summary>
    public static bool IsEnabled => Enabled.Value;

    /// <summary>Turns anomaly detection on until the returned scope is disposed.</summary>
    public static IDisposable Enable()
    {
        var previous = Enabled.Value;
        Enabled.Value = true;
        return new Scope(previous);
    }

    internal static void Check(Node node, int input, Tensor g)
    {
        if (g.HasNaN())
        {
            // The message stays one stable line; where the op was called (file paths, line numbers) goes into the
            // inner exception, which Exception.ToString() and every logger print, and into Data["CreationTrace"].
            var error = new ArithmeticException(
                $"{node.Name} produced NaN in the gradient for its input {input} (gradient shape {g.Shape}). " +
                "The forward value feeding this op is likely out of its domain (log or sqrt of a negative, 0/0, inf-inf).",
                new InvalidOperationException(WhereCreated(node)));
            if (node.CreationTrace is { } trace) error.Data["CreationTrace"] = trace;
            throw error;
        }
    }

    /// <summary>The first frames of the node's <see cref="Node.CreationTrace"/> outside the library's internals, or how to get them.</summary>
    private static string WhereCreated(Node node)
    {
        if (node.CreationTrace is not { } trace)
            return $"{node.OpName} was recorded before AnomalyMode was on: enable it before the forward pass to see where {node.OpName} was called.";
        var frames = trace.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(f => !f.StartsWith("at AutoGradNet.Ops.", StringComparison.Ordinal) && !f.StartsWith("at AutoGradNet.Autograd.", StringComparison.Ordinal))
            .Take(6);
        return $"{node.OpName} was called:\n  " + string.Join("\n  ", frames);
    }

    private sealed class Scope(bool previous) : IDisposable
    {
        public void Dispose() => Enabled.Value = previous;
    }
}
