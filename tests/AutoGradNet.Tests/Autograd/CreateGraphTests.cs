namespace AutoGradNet.Tests.Autograd;

/// <summary>
/// <c>AutoGrad.Grad(y, [intermediate], createGraph)</c>: the gradient with respect to a non-leaf is differentiable
/// again exactly when <c>createGraph</c> is true, as for leaves.
/// </summary>
public class CreateGraphTests
{
    [Fact]
    public void With_createGraph_the_gradient_for_an_intermediate_is_differentiable_again()
    {
        // h = x², y = Σ sin(h)  ⇒  ∂y/∂h = cos(h), and ∂(Σ cos(h))/∂x = −sin(x²)·2x
        var x = Tensor.FromArray([0.5, -1.25, 2.0]).RequireGrad();
        var h = x * x;
        var y = h.Sin().Sum();
        var gh = AutoGrad.Grad(y, [h], createGraph: true)[0];
        gh.ToArray().ShouldBe([Math.Cos(0.25), Math.Cos(1.5625), Math.Cos(4.0)], 1e-15);
        gh.RequiresGrad.ShouldBeTrue();
        gh.GradFn.ShouldNotBeNull();
        var gx = AutoGrad.Grad(gh.Sum(), [x])[0];
        gx.ToArray().ShouldBe([-Math.Sin(0.25) * 1.0, -Math.Sin(1.5625) * -2.5, -Math.Sin(4.0) * 4.0], 1e-14);
    }

    [Fact]
    public void With_createGraph_a_pass_through_gradient_for_an_intermediate_keeps_its_graph()
    {
        // y = h + 1 passes the seed v through unchanged: ∂(v·y)/∂h = v, and with createGraph it stays tied to v.
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var h = x * 3;
        var v = Tensor.FromArray([2.0, -1.0]).RequireGrad();
        var gh = AutoGrad.Grad(h + 1, [h], gradOutput: v, createGraph: true)[0];
        gh.ToArray().ShouldBe([2.0, -1.0]);
        gh.RequiresGrad.ShouldBeTrue();
        (gh * gh).Sum().Backward();
        v.Grad!.ToArray().ShouldBe([4.0, -2.0]); // d(Σ v²)/dv = 2v
    }

    [Fact]
    public void Without_createGraph_the_gradient_for_an_intermediate_is_detached()
    {
        // Even when the seed itself requires grad and reaches h unchanged (Add passes it through).
        var x = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var h = x * 3;
        var v = Tensor.FromArray([2.0, -1.0]).RequireGrad();
        var gh = AutoGrad.Grad(h + 1, [h], gradOutput: v)[0];
        gh.ToArray().ShouldBe([2.0, -1.0]);
        gh.RequiresGrad.ShouldBeFalse();
        gh.GradFn.ShouldBeNull();

        var y = (x * x).Sin();
        var g2 = AutoGrad.Grad(y.Sum(), [y])[0];
        g2.RequiresGrad.ShouldBeFalse();
        g2.GradFn.ShouldBeNull();
    }
}
