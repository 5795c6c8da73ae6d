namespace AutoGradNet;

/// <summary>
/// How many threads the library's kernels may use (like <c>torch.set_num_threads</c>). Large matrix products split
/// their work across up to <see cref="MaxThreads"/> threads; everything else runs on the calling thread.
/// </summary>
public static class Parallelism
{
    private static int maxThreads = DefaultThreads();

    /// <summary>
    /// The largest number of threads a kernel may use. Default: the environment variable
    /// <c>AUTOGRADNET_NUM_THREADS</c> when it holds a positive integer, else <see cref="Environment.ProcessorCount"/>.
    /// Set it to 1 to keep every kernel on the calling thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxThreads
    {
        get => Volatile.Read(ref maxThreads);
        set
        {
            if (value < 1)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Parallelism.MaxThreads: must be at least 1, got {value}.");
            Volatile.Write(ref maxThreads, value);
        }
    }

    private static int DefaultThreads()
        => int.TryParse(Environment.GetEnvironmentVariable("AUTOGRADNET_NUM_THREADS"), out var n) && n >= 1
            ? n
            : Environment.ProcessorCount;
}
