using System.Runtime.CompilerServices;
using AutoGradNet.Autograd;

namespace AutoGradNet.Tests.Autograd;

public class AnomalyTests
{
    [Fact]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void A_NaN_forward_result_throws_at_once_naming_the_op_and_the_calling_line()
    {
        var x = Tensor.FromArray([-1.0, 4.0]).RequireGrad();
        using (AnomalyMode.Enable())
        {
            var error = Should.Throw<AnomalyException>(() => x.Log());
            error.Message.ShouldBe(
                "Log produced NaN in its forward result (shape [2], from inputs of shape [2]). " +
                "An input is likely out of the op's domain (log or sqrt of a negative, 0/0, inf-inf) or too large (exp overflow).");
            error.Phase.ShouldBe(AnomalyPhase.Forward);
            error.OpName.ShouldBe("Log");
            var site = error.CreationSite.ShouldNotBeNull();
            site.ShouldContain(nameof(A_NaN_forward_result_throws_at_once_naming_the_op_and_the_calling_line));
            site.ShouldContain("AnomalyTests.cs:");
            error.InnerException.ShouldNotBeNull().Message.ShouldStartWith("Log was called:");
            ((string)error.Data["CreationTrace"]!).ShouldContain("Tensor.Log()");
        }
    }

    [Fact]
    public void Outside_the_scope_nothing_is_checked_or_captured()
    {
        var x = Tensor.FromArray([-1.0]).RequireGrad();
        var y = x.Log();
        double.IsNaN(y.Item()).ShouldBeTrue();
        y.GradFn!.CreationTrace.ShouldBeNull();
        y.GradFn.CreationSite.ShouldBeNull();
        AnomalyMode.IsEnabled.ShouldBeFalse();
    }

    [Fact]
    public void Infinity_counts_only_when_asked()
    {
        var x = Tensor.FromArray([1000.0]).RequireGrad();
        using (AnomalyMode.Enable())
        {
            double.IsPositiveInfinity(x.Exp().Item()).ShouldBeTrue();
            AnomalyMode.ChecksInfinity.ShouldBeFalse();
        }
        using (AnomalyMode.Enable(checkInfinity: true))
        {
            AnomalyMode.ChecksInfinity.ShouldBeTrue();
            Should.Throw<AnomalyException>(() => x.Exp()).Message.ShouldStartWith("Exp produced infinity in its forward result (shape [1]");
        }
    }

    [Fact]
    public void An_infinite_gradient_throws_in_the_backward_when_infinity_counts()
    {
        // √(x·1) at 0: the forward is 0, the gradient 1/(2√0) = ∞.
        var x = Tensor.FromArray([0.0, 1.0]).RequireGrad();
        using (AnomalyMode.Enable())
        {
            (x * 1.0).Sqrt().Sum().Backward();
            double.IsPositiveInfinity(x.Grad!.ItemAt(0)).ShouldBeTrue();
        }
        using (AnomalyMode.Enable(checkInfinity: true))
        {
            var loss = (x * 1.0).Sqrt().Sum();
            var error = Should.Throw<AnomalyException>(() => loss.Backward());
            error.Message.ShouldStartWith("SqrtBackward produced infinity in the gradient for its input 0 (gradient shape [2]).");
            error.Phase.ShouldBe(AnomalyPhase.Backward);
            error.CreationSite.ShouldNotBeNull().ShouldContain(nameof(An_infinite_gradient_throws_in_the_backward_when_infinity_counts));
        }
    }

    [Fact]
    public void A_NaN_that_came_in_from_a_leaf_is_named_as_such()
    {
        var x = Tensor.FromArray([double.NaN, 1.0]).RequireGrad();
        using (AnomalyMode.Enable())
        {
            Should.Throw<AnomalyException>(() => x * 2.0).Message.ShouldBe(
                "Mul produced NaN in its forward result (shape [2], from inputs of shape [2], []). " +
                "Its input 0 (shape [2]) already contained NaN, from outside the recorded graph (a leaf or a constant).");
        }
    }

    [Fact]
    public void AutoGrad_Grad_checks_gradients_too()
    {
        // The same √ at 0 as above, through AutoGrad.Grad (the engine's general path) instead of Backward().
        var x = Tensor.FromArray([0.0, 1.0]).RequireGrad();
        using (AnomalyMode.Enable(checkInfinity: true))
        {
            var loss = (x * 1.0).Sqrt().Sum();
            Should.Throw<AnomalyException>(() => AutoGrad.Grad(loss, [x])).Message
                .ShouldStartWith("SqrtBackward produced infinity in the gradient for its input 0 (gradient shape [2]).");
        }
    }

    [Fact]
    public void When_several_inputs_came_in_with_NaN_the_first_is_named()
    {
        var x = Tensor.FromArray([double.NaN, 1.0]).RequireGrad();
        var y = Tensor.FromArray([2.0, double.NaN]);
        using (AnomalyMode.Enable())
        {
            Should.Throw<AnomalyException>(() => x + y).Message.ShouldEndWith(
                "Its input 0 (shape [2]) already contained NaN, from outside the recorded graph (a leaf or a constant).");
        }
    }

    [Fact]
    public void The_forward_check_can_be_turned_off_leaving_the_backward_check()
    {
        var x = Tensor.FromArray([-1.0]).RequireGrad();
        using (AnomalyMode.Enable(checkForward: false))
        {
            var y = x.Sqrt();
            y.GradFn!.CreationSite.ShouldNotBeNull();
            Should.Throw<AnomalyException>(() => y.Sum().Backward()).Phase.ShouldBe(AnomalyPhase.Backward);
        }
    }

    [Fact]
    public void Nested_scopes_restore_the_outer_settings()
    {
        using (AnomalyMode.Enable(checkInfinity: true))
        {
            using (AnomalyMode.Enable()) AnomalyMode.ChecksInfinity.ShouldBeFalse();
            AnomalyMode.ChecksInfinity.ShouldBeTrue();
        }
        AnomalyMode.IsEnabled.ShouldBeFalse();
        AnomalyMode.ChecksInfinity.ShouldBeFalse();
    }

    [Fact]
    public async Task The_scope_is_per_async_flow()
    {
        using (AnomalyMode.Enable())
        {
            (await Task.Run(() => AnomalyMode.IsEnabled)).ShouldBeTrue(); // flows into child tasks, like grad mode
        }
        var other = await Task.Run(() =>
        {
            using (AnomalyMode.Enable()) return AnomalyMode.IsEnabled;
        });
        other.ShouldBeTrue();
        AnomalyMode.IsEnabled.ShouldBeFalse();
    }

    [Fact]
    public void The_anomaly_is_an_ArithmeticException_so_existing_catch_blocks_still_work()
    {
        var x = Tensor.FromArray([-1.0]).RequireGrad();
        using (AnomalyMode.Enable())
        {
            Should.Throw<ArithmeticException>(() => x.Sqrt()).ShouldBeOfType<AnomalyException>();
        }
    }
}
