namespace AutoGradNet.Autograd;

/// <summary>
/// Whether operations are recorded for backward. The mode flows with the async context
/// (<see cref="AsyncLocal{T}"/>), so two threads or tasks training two models never see each other's scope.
/// </summary>
public static class GradMode
{
    private static readonly AsyncLocal<bool> Disabled = new();

    /// <summary>Whether operations on tensors that require grad are currently recorded.</summary>
    public static bool IsEnabled => !Disabled.Value;

    /// <summary>
    /// Sets grad mode until the returned scope is disposed, then restores the previous mode.
    /// <see cref="Tensor.NoGrad"/> and <see cref="Tensor.EnableGrad"/> are shorthands.
    /// </summary>
    /// <param name="enabled">Whether recording is on inside the scope.</param>
    public static GradModeScope Set(bool enabled)
    {
        var previous = IsEnabled;
        Disabled.Value = !enabled;
        return new GradModeScope(previous);
    }

    internal static void Restore(bool enabled) => Disabled.Value = !enabled;
}

/// <summary>A grad-mode scope: disposing it restores the mode that was in force when it was opened.</summary>
public readonly struct GradModeScope : IDisposable
{
    private readonly bool _previous;

    internal GradModeScope(bool previous) => _previous = previous;

    /// <summary>Restores the previous grad mode.</summary>
    public void Dispose() => GradMode.Restore(_previous);
}
