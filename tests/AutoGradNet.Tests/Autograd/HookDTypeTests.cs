namespace AutoGradNet.Tests.Autograd;

/// <summary>A gradient hook's replacement must keep the gradient's dtype as well as its shape.</summary>
public class HookDTypeTests
{
    [Fact]
    public void A_hook_returning_the_right_shape_in_another_dtype_throws_naming_both_dtypes()
    {
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        x.RegisterHook(g => g.To(DType.Float32).Detach());
        var e = Should.Throw<InvalidOperationException>(() => (x * 2).Sum().Backward());
        e.Message.ShouldBe("RegisterHook: a hook returned a gradient of shape [2] and dtype Float32, but the gradient it replaces " +
            "has the tensor's shape [2] and dtype Float64. Return null to keep the gradient.");
        x.Grad.ShouldBeNull();
    }
}
