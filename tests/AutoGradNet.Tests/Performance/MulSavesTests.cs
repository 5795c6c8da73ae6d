using F = AutoGradNet.Functional;

namespace AutoGradNet.Tests.Performance;

/// <summary>
/// a·b saves an operand only when the other one needs a gradient (its derivative reads only the other operand), as PyTorch
/// does: an in-place write to the unsaved operand after the forward does not break the backward, and the version check
/// still guards every operand that is read, with the operand's own index in the error.
/// </summary>
public class MulSavesTests
{
    [Fact]
    public void Changing_the_operand_whose_partner_is_constant_leaves_the_backward_intact()
    {
        var x = Tensor.FromArray([1.0, 2.0, 3.0]).RequireGrad();
        var h = x * 1.0 + 0.0;                          // a non-leaf, so it may be written in place under NoGrad
        var c = Tensor.FromArray([4.0, 5.0, 6.0]);      // constant: h's gradient reads only c
        var y = (h * c).Sum();
        using (Tensor.NoGrad()) h.AddInPlace(Tensor.FromArray([10.0, 10.0, 10.0]));
        y.Backward();
        x.Grad!.ToArray().ShouldBe([4.0, 5.0, 6.0]);
    }

    [Fact]
    public void Changing_the_saved_operand_is_still_caught_with_its_index()
    {
        var w = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var c = Tensor.FromArray([3.0, 4.0]);
        var right = (w * c).Sum();
        c.AddInPlace(Tensor.FromArray([1.0, 1.0]));
        Should.Throw<InvalidOperationException>(() => right.Backward()).Message.ShouldStartWith("MulBackward: saved tensor 1 (shape [2])");

        var d = Tensor.FromArray([3.0, 4.0]);
        var left = (d * w).Sum();
        d.AddInPlace(Tensor.FromArray([1.0, 1.0]));
        Should.Throw<InvalidOperationException>(() => left.Backward()).Message.ShouldStartWith("MulBackward: saved tensor 0 (shape [2])");
    }

    [Fact]
    public void With_both_operands_requiring_grad_both_are_saved_and_checked()
    {
        var a = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var b = Tensor.FromArray([3.0, 4.0]).RequireGrad();
        var ha = a * 1.0;
        var hb = b * 1.0;
        var y = (ha * hb).Sum();
        y.Backward(retainGraph: true);
        a.Grad!.ToArray().ShouldBe([3.0, 4.0]);
        b.Grad!.ToArray().ShouldBe([1.0, 2.0]);
        using (Tensor.NoGrad()) ha.AddInPlace(Tensor.FromArray([1.0, 1.0]));
        Should.Throw<InvalidOperationException>(() => y.Backward()).Message.ShouldStartWith("MulBackward: saved tensor 0");
    }

    [Fact]
    public void The_sigmoid_keeps_no_reference_to_its_input_values()
    {
        // Like PyTorch's sigmoid (which saves its result), changing the input after the forward leaves the backward valid:
        // the gradient is σ'(x) at the values the forward saw.
        var x = Tensor.FromArray([-1.0, 0.5, 2.0]).RequireGrad();
        var h = x * 1.0;
        var s = F.Sigmoid(h);
        using (Tensor.NoGrad()) h.AddInPlace(Tensor.FromArray([5.0, 5.0, 5.0]));
        s.Sum().Backward();
        double[] xs = [-1.0, 0.5, 2.0];
        x.Grad!.ToArray().ShouldBe([.. xs.Select(v => 1 / (1 + Math.Exp(-v)) * (1 - 1 / (1 + Math.Exp(-v))))], 1e-15);
    }

    [Fact]
    public void Second_derivatives_of_a_product_are_unchanged()
    {
        var a = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var c = Tensor.FromArray([3.0, 4.0]);
        var ga = AutoGrad.Grad((a * a * c).Sum(), [a], createGraph: true)[0]!; // 2ac
        ga.ToArray().ShouldBe([6.0, 16.0]);
        AutoGrad.Grad(ga.Sum(), [a])[0]!.ToArray().ShouldBe([6.0, 8.0]); // 2c
    }
}
