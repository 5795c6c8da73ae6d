namespace AutoGradNet.Serialization;

/// <summary>Checks shared by the checkpoint writers, run before any file is touched.</summary>
internal static class StateChecks
{
    /// <summary>Throws unless <paramref name="state"/> is non-null and holds no null tensor.</summary>
    public static void Validate(IReadOnlyDictionary<string, Tensor> state, string op)
    {
        if (state is null)
            throw new ArgumentNullException(nameof(state), $"{op}: the state dictionary is null.");
        foreach (var (name, tensor) in state)
        {
            if (tensor is null)
                throw new ArgumentException($"{op}: the tensor '{name}' is null.", nameof(state));
        }
    }

    /// <summary>Throws unless <paramref name="path"/> is a non-empty path.</summary>
    public static void ValidatePath(string path, string op)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException($"{op}: the path is null or empty.", nameof(path));
    }
}
