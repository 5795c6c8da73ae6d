using AutoGradNet.Kernels;

namespace AutoGradNet.Tests.Kernels;

/// <summary>Reductions of transposed and permuted inputs read them in storage order (no gather) and stay pairwise-accurate.</summary>
public class StridedReductionTests
{
    [Fact]
    public void StorageOrder_finds_the_contiguous_order_of_a_transpose_or_permute_and_refuses_other_layouts()
    {
        var x = Tensor.Zeros([2, 3, 4]);
        Strided.StorageOrder(x.Permute(2, 0, 1)).ShouldBe([1, 2, 0]);
        Strided.StorageOrder(x.T).ShouldBe([2, 1, 0]);
        Strided.InStorageOrder(x.T, [2, 1, 0]).IsContiguous.ShouldBeTrue();
        Strided.StorageOrder(Tensor.Zeros([4, 1, 3]).Permute(2, 1, 0)).ShouldNotBeNull();
        Strided.StorageOrder(x.Slice(2, 0, 4, 2)).ShouldBeNull();        // stepped: gaps in storage
        Strided.StorageOrder(x.Narrow(1, 0, 2).T).ShouldBeNull();       // a part of the block
        Strided.StorageOrder(Tensor.Zeros([3]).Expand(2, 3)).ShouldBeNull(); // broadcast: stride 0
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Summing_many_terms_of_a_transposed_input_keeps_pairwise_accuracy(DType dtype)
    {
        // 0.1 is inexact in binary; a naive float32 running sum of 2^20 of them is off by about 5%.
        const int n = 1 << 20;
        var x = Tensor.Full([n, 2], 0.1, dtype).T; // [2, n], column-major
        x.IsContiguous.ShouldBeFalse();
        var tolerance = dtype == DType.Float32 ? 1e-5 : 1e-12;
        foreach (var v in x.Sum(1).ToArray()) v.ShouldBe(n * 0.1, n * 0.1 * tolerance);
        x.Sum().Item().ShouldBe(2 * n * 0.1, 2 * n * 0.1 * tolerance);
        foreach (var v in x.Sum(0).ToArray()) v.ShouldBe(0.2, 1e-6);
        x.Mean(1).ToArray().ShouldAllBe(v => Math.Abs(v - 0.1) < 1e-6);
    }

    [Fact]
    public void Reducing_a_permuted_3d_input_over_several_axes_matches_reducing_its_contiguous_copy()
    {
        var x = Tensor.Uniform([5, 6, 7], -1, 1, 3).Permute(1, 2, 0);
        var copy = x.Contiguous();
        foreach (var axes in new[] { new[] { 0 }, [1], [2], [0, 2], [1, 2], [0, 1, 2] })
        {
            x.Sum(axes, keepDim: true).AllClose(copy.Sum(axes, keepDim: true), 1e-14, 1e-14).ShouldBeTrue();
            x.Max(axes).ToArray().ShouldBe(copy.Max(axes).ToArray());
        }
    }
}
