using AutoGradNet.Autograd;

namespace AutoGradNet.Tests.Performance;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BufferPoolCollection
{
    public const string Name = "BufferPool";
}

/// <summary>
/// The pool's own rules (the engine's use of it is in BufferReuseTests): buffers of 16 KB or more are kept, by element
/// type and length, at most 8 of one length, and lent back exactly. Runs alone, so no backward pass elsewhere rents the
/// buffers these tests return.
/// </summary>
[Collection(BufferPoolCollection.Name)]
public class BufferPoolTests
{
    [Fact]
    public void Buffers_from_exactly_16_KB_up_are_kept_and_lent_back_and_smaller_ones_are_not()
    {
        foreach (var (array, length) in new (Array, int)[] { (new double[2048], 2048), (new float[4096], 4096) })
        {
            Drain(array, length);
            BufferPool.Return(array);
            Count(array, length).ShouldBe(1, $"{array.GetType().Name} of exactly 16 KB");
            var lent = array is double[] ? (Array?)BufferPool.TryRent<double>(length) : BufferPool.TryRent<float>(length);
            lent.ShouldBeSameAs(array);
            Count(array, length).ShouldBe(0);
            (array is double[] ? (Array?)BufferPool.TryRent<double>(length) : BufferPool.TryRent<float>(length)).ShouldBeNull();
        }
        foreach (var (array, length) in new (Array, int)[] { (new double[2047], 2047), (new float[4095], 4095) })
        {
            Drain(array, length);
            BufferPool.Return(array);
            Count(array, length).ShouldBe(0, $"{array.GetType().Name}[{length}] is below 16 KB");
        }
    }

    [Fact]
    public void At_most_eight_buffers_of_one_length_are_kept()
    {
        const int length = 2053;
        Drain(new double[1], length);
        for (var i = 0; i < 9; i++) BufferPool.Return(new double[length]);
        BufferPool.CountOf<double>(length).ShouldBe(8);
        Drain(new double[1], length);
    }

    [Fact]
    public void Lending_a_buffer_gives_its_bytes_back_to_the_pool_budget()
    {
        // 64 MB of budget is 4096 buffers of 16 KB: if lending did not take a buffer's bytes off the total, a return and
        // rent cycle would fill the budget long before this loop ends and the pool would stop keeping buffers.
        const int length = 2057;
        Drain(new double[1], length);
        var buffer = new double[length];
        for (var i = 0; i < 5000; i++)
        {
            BufferPool.Return(buffer);
            BufferPool.TryRent<double>(length).ShouldBeSameAs(buffer, $"cycle {i}");
        }
    }

    [Fact]
    public void The_pool_keeps_at_most_64_MB_and_a_buffer_that_fills_it_exactly_is_kept()
    {
        BufferPool.Return(new double[4096]); // Clear must give these bytes back to the budget too
        BufferPool.Clear();
        const int doubles4MB = 1 << 19, floats4MB = 1 << 20;
        for (var i = 0; i < 8; i++) BufferPool.Return(new double[doubles4MB]); // 32 MB
        for (var i = 0; i < 8; i++) BufferPool.Return(new float[floats4MB]);   // 32 MB more: exactly 64 MB
        BufferPool.CountOf<double>(doubles4MB).ShouldBe(8);
        BufferPool.CountOf<float>(floats4MB).ShouldBe(8, "the buffer that brings the pool to exactly 64 MB");
        BufferPool.Return(new double[2048]);
        BufferPool.CountOf<double>(2048).ShouldBe(0, "16 KB past the budget");
        BufferPool.TryRent<float>(floats4MB).ShouldNotBeNull();
        BufferPool.Return(new double[2048]);
        BufferPool.CountOf<double>(2048).ShouldBe(1, "lending 4 MB made room");
        BufferPool.Clear();
    }

    private static int Count(Array array, int length) => array is double[] ? BufferPool.CountOf<double>(length) : BufferPool.CountOf<float>(length);

    private static void Drain(Array kind, int length)
    {
        while ((kind is double[] ? (Array?)BufferPool.TryRent<double>(length) : BufferPool.TryRent<float>(length)) is not null)
        {
        }
    }
}
