using System.Diagnostics;
using System.Numerics;
using AutoGradNet.Kernels;

namespace AutoGradNet.Autograd;

/// <summary>
/// Anomaly detection (PyTorch's <c>detect_anomaly</c>, extended to the forward pass). While enabled (per async flow),
/// every recorded op remembers where in your code it was called (<see cref="Node.CreationTrace"/>,
/// <see cref="Node.CreationSite"/>) and throws an <see cref="AnomalyException"/> at once when its forward result
/// contains NaN; the backward engine checks every gradient it computes the same way. Infinities count too when
/// enabled with <c>checkInfinity: true</c>. Outside the scope nothing is checked or captured: the recording point
/// reads one flag.
/// </summary>
public static class AnomalyMode
{
    private static readonly AsyncLocal<Settings?> Current = new();

    /// <summary>Whether anomaly detection is on in this async flow.</summary>
    public static bool IsEnabled => Current.Value is not null;

    /// <summary>Whether the current scope also treats ±infinity as an anomaly.</summary>
    public static bool ChecksInfinity => Current.Value?.CheckInfinity ?? false;

    /// <summary>Turns anomaly detection on until the returned scope is disposed.</summary>
    /// <param name="checkInfinity">Treat ±infinity like NaN, in forward results and in gradients.</param>
    /// <param name="checkForward">Check each recorded op's forward result, not only the gradients of the backward.</param>
    public static IDisposable Enable(bool checkInfinity = false, bool checkForward = true)
    {
        var previous = Current.Value;
        Current.Value = new Settings(checkInfinity, checkForward);
        return new Scope(previous);
    }

    /// <summary>Called by the recording point for each new node while anomaly mode is on.</summary>
    internal static void OnRecord(Node node, Tensor result, ReadOnlySpan<Tensor> inputs)
    {
        var trace = new StackTrace(1, fNeedFileInfo: false);
        var recording = trace.GetFrames().TakeWhile(f => f.GetMethod()?.DeclaringType == typeof(Graph)).Count();
        trace = new StackTrace(1 + recording, fNeedFileInfo: true); // from the op on (however the JIT inlined Graph's frames)
        node.CreationTrace = trace.ToString();
        node.CreationSite = FirstUserFrame(trace);
        if (Current.Value is not { CheckForward: true } settings) return;
        if (Find(result, settings.CheckInfinity) is not { } bad) return;
        var cause = "An input is likely out of the op's domain (log or sqrt of a negative, 0/0, inf-inf) or too large (exp overflow).";
        for (var i = 0; i < inputs.Length; i++)
        {
            if (Find(inputs[i], settings.CheckInfinity) is { } inInput)
            {
                cause = $"Its input {i} (shape {inputs[i].Shape}) already contained {inInput}, from outside the recorded graph (a leaf or a constant).";
                break;
            }
        }
        var shapes = string.Join(", ", inputs.ToArray().Select(t => t.Shape.ToString()));
        throw Error($"{node.OpName} produced {bad} in its forward result (shape {result.Shape}, from inputs of shape {shapes}). {cause}",
            node, AnomalyPhase.Forward);
    }

    internal static void Check(Node node, int input, Tensor g)
    {
        var settings = Current.Value;
        if (Find(g, settings?.CheckInfinity ?? false) is not { } bad) return;
        // The message stays one stable line; where the op was called (file paths, line numbers) goes into the
        // inner exception, which Exception.ToString() and every logger print, into Data["CreationTrace"] and
        // into AnomalyException.CreationSite.
        throw Error(
            $"{node.Name} produced {bad} in the gradient for its input {input} (gradient shape {g.Shape}). " +
            "The forward value feeding this op is likely out of its domain (log or sqrt of a negative, 0/0, inf-inf).",
            node, AnomalyPhase.Backward);
    }

    private static AnomalyException Error(string message, Node node, AnomalyPhase phase)
    {
        var error = new AnomalyException(message, node, phase, new InvalidOperationException(WhereCreated(node)));
        if (node.CreationTrace is { } trace) error.Data["CreationTrace"] = trace;
        return error;
    }

    /// <summary>"NaN", "infinity" or <see langword="null"/>.</summary>
    private static string? Find(Tensor t, bool infinity)
    {
        if (!t.DType.IsFloatingPoint()) return null;
        var k = new ScanKernel(t, infinity);
        Dispatch.Run(t.DType, ref k);
        return k.Found;
    }

    /// <summary>The first frame outside AutoGradNet: "Method (file:line)" when the PDB is at hand, else the method.</summary>
    private static string? FirstUserFrame(StackTrace trace)
    {
        var library = typeof(AnomalyMode).Assembly;
        foreach (var frame in trace.GetFrames())
        {
            var method = frame.GetMethod();
            if (method is null || method.DeclaringType?.Assembly == library) continue;
            var name = method.DeclaringType is { } type ? $"{type.FullName}.{method.Name}" : method.Name;
            return frame.GetFileName() is { } file ? $"{name} ({file}:{frame.GetFileLineNumber()})" : name;
        }
        return null;
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

    private sealed record Settings(bool CheckInfinity, bool CheckForward);

    private sealed class Scope(Settings? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }

    private struct ScanKernel(Tensor t, bool infinity) : IKernel
    {
        public string? Found;

        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            foreach (var v in t.Dense<T>())
            {
                if (T.IsNaN(v)) { Found = "NaN"; return; }
                if (infinity && T.IsInfinity(v)) Found ??= "infinity";
            }
        }
    }
}

/// <summary>Whether an anomaly was found in an op's forward result or in a gradient of the backward.</summary>
public enum AnomalyPhase
{
    /// <summary>The op's forward result contained NaN (or infinity).</summary>
    Forward,

    /// <summary>A gradient computed by the op's backward contained NaN (or infinity).</summary>
    Backward,
}

/// <summary>
/// Thrown under <see cref="AnomalyMode"/> when an op produces NaN (or, on request, infinity). The message names the op
/// and stays free of file paths; <see cref="CreationSite"/> and the <see cref="Exception.InnerException"/> say where in
/// your code the op was called, and <c>Data["CreationTrace"]</c> holds the whole stack trace.
/// </summary>
public sealed class AnomalyException : ArithmeticException
{
    internal AnomalyException(string message, Node node, AnomalyPhase phase, Exception inner) : base(message, inner)
    {
        Node = node;
        Phase = phase;
    }

    /// <summary>The graph node of the op that produced the anomaly.</summary>
    public Node Node { get; }

    /// <summary>The op's forward name, e.g. <c>Sqrt</c>.</summary>
    public string OpName => Node.OpName;

    /// <summary>Whether the forward result or a backward gradient was bad.</summary>
    public AnomalyPhase Phase { get; }

    /// <summary>
    /// The first frame of your code that called the op: <c>Namespace.Type.Method (path/File.cs:line)</c> when debug symbols
    /// are available, else the method; <see langword="null"/> when the op was recorded before anomaly mode was on.
    /// </summary>
    public string? CreationSite => Node.CreationSite;
}
