namespace AutoGradNet.Tests.Views;

/// <summary>
/// Reshape of non-contiguous tensors: a view exactly when PyTorch's computeStride finds strides (runs of axes that are
/// contiguous in storage may be split or merged), with the strides PyTorch gives (worked by hand from the layouts), and a
/// copy otherwise. Found by mutation testing of Ops/ShapeOps.cs.
/// </summary>
public class ReshapeStridesTests
{
    /// <summary>arange(24) as [2, 3, 4], permuted to [3, 2, 4] with strides [4, 12, 1].</summary>
    private static (Tensor Base, Tensor Permuted) Permuted()
    {
        var x = Tensor.Arange(24).Reshape(2, 3, 4);
        return (x, x.Permute(1, 0, 2));
    }

    [Fact]
    public void Splitting_axes_of_a_permuted_tensor_is_a_view_with_pytorch_strides()
    {
        var (x, p) = Permuted();
        p.Strides.ShouldBe([4, 12, 1]);
        var v = p.Reshape(3, 2, 2, 2);
        v.Storage.ShouldBeSameAs(x.Storage);
        v.Strides.ShouldBe([4, 12, 2, 1]);
        v.ToArray().ShouldBe(p.Contiguous().ToArray());
        // Splitting the first axis too: 3 cannot be split, but [3, 2, 4] → [3, 1, 2, 4] inserts a size-1 axis.
        var w = p.Reshape(3, 1, 2, 4);
        w.Storage.ShouldBeSameAs(x.Storage);
        w.ToArray().ShouldBe(p.Contiguous().ToArray());
    }

    [Fact]
    public void Merging_axes_across_a_gap_copies()
    {
        var (x, p) = Permuted();
        var merged = p.Reshape(3, 8); // axes 1 and 2 (strides 12 and 1) are not one run
        merged.Storage.ShouldNotBeSameAs(x.Storage);
        merged.IsContiguous.ShouldBeTrue();
        merged.ToArray().ShouldBe(p.Contiguous().ToArray());
        var flat = p.Reshape(24);
        flat.Storage.ShouldNotBeSameAs(x.Storage);
        flat.ToArray().ShouldBe(p.Contiguous().ToArray());
    }

    [Fact]
    public void Size_one_axes_of_a_transposed_tensor_get_strides_and_can_be_dropped_without_a_copy()
    {
        var x = Tensor.Arange(6).Reshape(2, 3);
        var t = x.T; // [3, 2], strides [1, 3]
        var u = t.Reshape(3, 1, 2);
        u.Storage.ShouldBeSameAs(x.Storage);
        u.Strides.ShouldBe([1, 6, 3]);
        u.ToArray().ShouldBe([0.0, 3, 1, 4, 2, 5]);
        var back = u.Reshape(3, 2);
        back.Storage.ShouldBeSameAs(x.Storage);
        back.Strides.ShouldBe([1, 3]);
        back.ToArray().ShouldBe([0.0, 3, 1, 4, 2, 5]);
        var lead = t.Reshape(1, 3, 2);
        lead.Storage.ShouldBeSameAs(x.Storage);
        lead.ToArray().ShouldBe([0.0, 3, 1, 4, 2, 5]);
    }

    [Fact]
    public void Reshape_of_a_strided_view_records_and_sends_the_gradient_back_in_the_input_layout()
    {
        var x = Tensor.Arange(24).Reshape(2, 3, 4).Detach();
        var leaf = x.Permute(1, 0, 2).Detach().RequireGrad();
        leaf.IsContiguous.ShouldBeFalse();
        var y = leaf.Reshape(3, 2, 2, 2);
        var weights = Tensor.Arange(24).Reshape(3, 2, 2, 2);
        (y * weights).Sum().Backward();
        leaf.Grad!.Shape.ShouldBe(new Shape(3, 2, 4));
        leaf.Grad.ToArray().ShouldBe(Tensor.Arange(24).ToArray());
    }
}
