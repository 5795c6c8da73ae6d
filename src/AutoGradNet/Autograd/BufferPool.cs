namespace AutoGradNet.Autograd;

/// <summary>
/// Large float buffers that a backward pass has finished with, kept for the next allocation of the same length
/// (<see cref="Storage.AllocateUninitialized"/>). Only the engine returns buffers here, and only those it can prove no one
/// else can see: gradients it computed itself in this pass, consumed by a built-in node's backward or by a sum, never handed
/// to a hook, a custom function, a leaf's <see cref="Tensor.Grad"/> or a retained gradient, and not aliased by any other
/// gradient it still holds. A rented buffer is not zeroed: only kernels that write every element rent.
/// </summary>
internal static class BufferPool
{
    /// <summary>Buffers smaller than this are left to the GC's nursery, which is cheaper than a pool for them.</summary>
    public const int MinBytes = 16 * 1024;

    /// <summary>At most this many buffers of one length are kept, and at most <see cref="MaxTotalBytes"/> in all.</summary>
    private const int MaxPerLength = 8;

    private const long MaxTotalBytes = 64L * 1024 * 1024;

    private static readonly Lock Gate = new();
    private static readonly Dictionary<(Type, int), Stack<Array>> Free = [];
    private static long _totalBytes;

    /// <summary>A pooled array of exactly <paramref name="length"/> elements (contents undefined), or <see langword="null"/>.</summary>
    public static T[]? TryRent<T>(int length) where T : unmanaged
    {
        if ((long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() < MinBytes || Volatile.Read(ref _totalBytes) == 0) return null;
        lock (Gate)
        {
            if (!Free.TryGetValue((typeof(T), length), out var stack) || !stack.TryPop(out var array)) return null;
            _totalBytes -= Bytes(array);
            return (T[])array;
        }
    }

    /// <summary>Keeps <paramref name="array"/> for reuse if it is large enough and the pool has room.</summary>
    public static void Return(Array array)
    {
        var bytes = Bytes(array);
        if (bytes < MinBytes || array is not (double[] or float[])) return;
        lock (Gate)
        {
            var key = (array.GetType().GetElementType()!, array.Length);
            if (!Free.TryGetValue(key, out var stack)) Free[key] = stack = new Stack<Array>();
            if (stack.Count >= MaxPerLength || _totalBytes + bytes > MaxTotalBytes) return;
            stack.Push(array);
            _totalBytes += bytes;
        }
    }

    /// <summary>How many buffers of <paramref name="length"/> elements of <typeparamref name="T"/> the pool holds (tests).</summary>
    internal static int CountOf<T>(int length)
    {
        lock (Gate) return Free.TryGetValue((typeof(T), length), out var stack) ? stack.Count : 0;
    }

    /// <summary>Empties the pool (tests that need to know its whole content).</summary>
    internal static void Clear()
    {
        lock (Gate)
        {
            Free.Clear();
            _totalBytes = 0;
        }
    }

    private static long Bytes(Array array) => (long)array.Length * (array is double[] ? sizeof(double) : array is float[] ? sizeof(float) : 1);
}
