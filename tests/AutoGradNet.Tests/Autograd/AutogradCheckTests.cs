using System.Runtime.CompilerServices;
using AutoGradNet.Autograd;

namespace AutoGradNet.Tests.Autograd;

/// <summary>
/// Engine, custom-function and anomaly-mode details that a mutation run found untested: argument checks with their
/// parameter names and messages, a custom forward that returns a tensor it does not own, and the creation trace's form.
/// </summary>
public class AutogradCheckTests
{
    [Fact]
    public void A_custom_forward_that_returns_an_outside_parameter_leaves_it_a_leaf()
    {
        // The forward hands back w itself (a leaf that requires grad, not an input): the result must be a detached
        // copy, never w re-linked to this function's node.
        var w = Tensor.FromArray([1.0, 2]).RequireGrad();
        var f = CustomFunction.Create("ReturnsW", (_, _) => w, (_, g) => [g]);
        var x = Tensor.FromArray([3.0, 4]).RequireGrad();
        var y = f.Apply(x);
        w.IsLeaf.ShouldBeTrue();
        w.GradFn.ShouldBeNull();
        ReferenceEquals(y, w).ShouldBeFalse();
        y.GradFn.ShouldNotBeNull().Name.ShouldBe("ReturnsWBackward");
        y.ToArray().ShouldBe([1.0, 2]);
        y.Sum().Backward();
        x.Grad!.ToArray().ShouldBe([1.0, 1]);
        w.Grad.ShouldBeNull();
    }

    [Fact]
    public void A_custom_forward_that_returns_its_input_or_a_recorded_tensor_gets_a_fresh_result()
    {
        var x = Tensor.FromArray([3.0, 4]).RequireGrad();
        var y = CustomFunction.Create("Identity", (_, t) => t[0], (_, g) => [g]).Apply(x);
        ReferenceEquals(y, x).ShouldBeFalse();
        x.IsLeaf.ShouldBeTrue();
        var outside = x * 2; // recorded, belongs to another graph
        var z = CustomFunction.Create("Outside", (_, _) => outside, (_, g) => [g]).Apply(x);
        outside.GradFn.ShouldNotBeNull().Name.ShouldBe("MulBackward");
        z.GradFn.ShouldNotBeNull().Name.ShouldBe("OutsideBackward");
    }

    [Fact]
    public void CustomFunction_Create_with_a_null_name_throws_ArgumentNullException()
    {
        Should.Throw<ArgumentNullException>(() => CustomFunction.Create(null!, (_, t) => t[0], (_, g) => [g])).ParamName.ShouldBe("name");
        Should.Throw<ArgumentException>(() => CustomFunction.Create(" ", (_, t) => t[0], (_, g) => [g])).ParamName.ShouldBe("name");
    }

    [Fact]
    public void A_custom_backward_with_the_wrong_count_dtype_or_shape_is_rejected_with_the_rule()
    {
        var x = Tensor.FromArray([1.0, 2]).RequireGrad();
        string Fail(Func<FunctionContext, Tensor, Tensor?[]> backward)
        {
            var y = CustomFunction.Create("Bad", (_, t) => t[0] * 1, backward).Apply(x);
            return Should.Throw<InvalidOperationException>(() => y.Sum().Backward()).Message;
        }
        var count = Fail((_, g) => [g, g]);
        count.ShouldStartWith("Bad: Backward returned 2 gradient(s), but the function has 1 input(s)");
        count.ShouldEndWith("return one per input, in order, null where none is needed.");
        var dtype = Fail((_, g) => [g.To(DType.Float32)]);
        dtype.ShouldStartWith("Bad: Backward returned a Float32 gradient for input 0, which is Float64 (shape [2])");
        dtype.ShouldEndWith("a gradient must have its input's dtype.");
        var shape = Fail((_, _) => [Tensor.Zeros([3])]);
        shape.ShouldStartWith("Bad: Backward returned a gradient of shape [3] for input 0, which has shape [2]");
        shape.ShouldEndWith("a gradient must have its input's shape or a shape the input broadcasts to.");
    }

    [Fact]
    public void FunctionContext_Get_and_SaveForBackward_check_their_arguments()
    {
        var x = Tensor.FromArray([1.0]).RequireGrad();
        Exception? nullName = null, missingNone = null, missingSome = null, nullTensors = null;
        var f = CustomFunction.Create("Ctx", (ctx, t) =>
        {
            nullName = Record.Exception(() => ctx.Get<int>(null!));
            missingNone = Record.Exception(() => ctx.Get<int>("k"));
            ctx.Attributes["a"] = 1;
            ctx.Attributes["b"] = 2.5;
            missingSome = Record.Exception(() => ctx.Get<int>("k"));
            nullTensors = Record.Exception(() => ctx.SaveForBackward(null!));
            return t[0] * 1;
        }, (_, g) => [g]);
        f.Apply(x);
        nullName.ShouldBeOfType<ArgumentNullException>().ParamName.ShouldBe("name");
        missingNone.ShouldBeOfType<KeyNotFoundException>().Message.ShouldBe("Ctx: no attribute 'k' was stored in the context (stored: none).");
        missingSome.ShouldBeOfType<KeyNotFoundException>().Message.ShouldBe("Ctx: no attribute 'k' was stored in the context (stored: a, b).");
        nullTensors.ShouldBeOfType<ArgumentNullException>().ParamName.ShouldBe("tensors");
    }

    [Fact]
    public void AccumulateGrad_has_no_backward_of_its_own()
    {
        var node = new AccumulateGrad(Tensor.FromArray([1.0]).RequireGrad());
        node.Name.ShouldBe("AccumulateGrad");
        Should.Throw<InvalidOperationException>(() => node.RunBackward(Tensor.FromArray([1.0])))
            .Message.ShouldBe("AccumulateGrad is not a differentiable op; the engine accumulates into leaves itself.");
    }

    [Fact]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Under_AnomalyMode_the_creation_trace_has_file_and_line_and_the_error_lists_one_frame_a_line()
    {
        using (AnomalyMode.Enable(checkForward: false)) // the forward NaN is let through, to be met in the backward
        {
            var x = Tensor.FromArray([-1.0, 4]).RequireGrad();
            var y = x.Sqrt(); // d√x/dx is NaN at −1
            var trace = y.GradFn!.CreationTrace.ShouldNotBeNull();
            trace.ShouldContain("AutogradCheckTests.cs:line ");
            var error = Should.Throw<ArithmeticException>(() => y.Sum().Backward());
            var lines = error.InnerException.ShouldNotBeNull().Message.Split('\n');
            lines[0].ShouldBe("Sqrt was called:");
            lines.Length.ShouldBeGreaterThan(2);
            lines.Skip(1).ShouldAllBe(l => l.StartsWith("  at ", StringComparison.Ordinal));
        }
    }
}
