using AutoGradNet.Autograd;
using AutoGradNet.Verification;
using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Autograd;

/// <summary>
/// User-defined ops (<see cref="CustomFunction"/>): recording as one node, hand-written backwards checked against finite
/// differences (and caught when wrong), second derivatives through them, saved tensors, and every misuse's error.
/// </summary>
public class CustomFunctionTests
{
    /// <summary>x³ with the hand-derived backward 3x²·g, written in Tensor ops.</summary>
    private sealed class Cube : CustomFunction
    {
        protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0] * inputs[0] * inputs[0];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var x = ctx.SavedTensors[0];
            return [3.0 * x * x * gradOutput];
        }
    }

    /// <summary>eˣ, whose backward uses the saved output: g·y.</summary>
    private sealed class SavedOutputExp : CustomFunction
    {
        protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs)
        {
            var y = inputs[0].Exp();
            ctx.SaveForBackward(y);
            return y;
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * ctx.SavedTensors[0]];
    }

    /// <summary>a·b + c with broadcasting; gradients returned in the broadcast shape, for the engine to sum back.</summary>
    private sealed class MulAdd : CustomFunction
    {
        protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0], inputs[1]);
            return inputs[0] * inputs[1] + inputs[2];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var (a, b) = (ctx.SavedTensors[0], ctx.SavedTensors[1]);
            return [
                ctx.NeedsInputGrad(0) ? gradOutput * b : null,
                ctx.NeedsInputGrad(1) ? gradOutput * a : null,
                ctx.NeedsInputGrad(2) ? gradOutput : null,
            ];
        }
    }

    /// <summary>xᵖ with p a field of the function: a non-tensor parameter, also shown as an attribute of the node.</summary>
    private sealed class Power(double p) : CustomFunction
    {
        protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            ctx.Attributes["exponent"] = p;
            return inputs[0].Pow(p);
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var exponent = ctx.Get<double>("exponent");
            return [exponent * ctx.SavedTensors[0].Pow(exponent - 1) * gradOutput];
        }
    }

    /// <summary>x² with a forgotten factor 2 in its derivative: a wrong backward GradCheck must catch.</summary>
    private static readonly CustomFunction WrongSquare = CustomFunction.Create("WrongSquare",
        (ctx, x) => { ctx.SaveForBackward(x[0]); return x[0] * x[0]; },
        (ctx, g) => [ctx.SavedTensors[0] * g]);

    private static CustomFunction Returning(Func<Tensor, Tensor?[]> backward, string name = "Bad") =>
        CustomFunction.Create(name, (ctx, x) => x[0] * 2.0, (ctx, g) => backward(g));

    [Fact]
    public void Cube_forward_and_gradient_match_the_formulas()
    {
        var x = Random(1, [2, 3]).RequireGrad();
        var y = new Cube().Apply(x);
        ShouldBeClose(y.ToArray(), [.. x.ToArray().Select(v => v * v * v)], 1e-15, 1e-14);
        y.Sum().Backward();
        ShouldBeClose(x.Grad!.ToArray(), [.. x.ToArray().Select(v => 3 * v * v)], 1e-15, 1e-14);
    }

    [Fact]
    public void Correct_backwards_pass_GradCheck()
    {
        GradCheck.Assert(t => new Cube().Apply(t[0]), [Random(2, [3, 2])]);
        GradCheck.Assert(t => new SavedOutputExp().Apply(t[0]), [Random(3, [4])]);
        GradCheck.Assert(t => new Power(2.5).Apply(t[0]), [Positive(4, [5])]);
    }

    [Fact]
    public void GradCheck_fails_on_a_backward_that_forgot_the_factor_two_and_names_the_input()
    {
        var result = GradCheck.Run(t => WrongSquare.Apply(t[0]), [AwayFromZero(5, [3])]);
        result.Passed.ShouldBeFalse();
        result.Report.ShouldContain("input 0 (shape [3])");
        Should.Throw<InvalidOperationException>(() => GradCheck.Assert(t => WrongSquare.Apply(t[0]), [AwayFromZero(5, [3])]))
            .Message.ShouldContain("GradCheck failed");
    }

    [Fact]
    public void GradCheck_names_the_input_whose_gradient_is_wrong_among_several()
    {
        // a·b + c whose gradient for b forgot nothing but whose gradient for c is doubled.
        var wrong = CustomFunction.Create("WrongMulAdd",
            (ctx, t) => { ctx.SaveForBackward(t[0], t[1]); return t[0] * t[1] + t[2]; },
            (ctx, g) => [g * ctx.SavedTensors[1], g * ctx.SavedTensors[0], 2.0 * g]);
        var result = GradCheck.Run(t => wrong.Apply(t[0], t[1], t[2]), [Random(6, [2]), Random(7, [2]), Random(8, [2])]);
        result.Passed.ShouldBeFalse();
        result.Report.ShouldContain("input 2");
        result.Report.ShouldNotContain("input 0");
        result.Report.ShouldNotContain("input 1");
    }

    [Fact]
    public void Second_derivative_through_a_custom_cube_is_six_x()
    {
        var x = Random(9, [5]).RequireGrad();
        var first = AutoGrad.Grad(new Cube().Apply(x).Sum(), [x], createGraph: true)[0];
        first.RequiresGrad.ShouldBeTrue();
        ShouldBeClose(first.ToArray(), [.. x.ToArray().Select(v => 3 * v * v)], 1e-15, 1e-14);
        var second = AutoGrad.Grad(first.Sum(), [x])[0];
        ShouldBeClose(second.ToArray(), [.. x.ToArray().Select(v => 6 * v)], 1e-15, 1e-14);
        GradCheck.Assert(t => AutoGrad.Grad(new Cube().Apply(t[0]).Sum(), [t[0]], createGraph: true)[0], [Random(10, [4])]);
    }

    [Fact]
    public void Second_derivative_through_a_saved_output_follows_the_output_graph()
    {
        // d²/dx² eˣ = eˣ: the backward g·y is differentiated through y, which must stay linked to the custom node.
        var x = Random(11, [4]).RequireGrad();
        var first = AutoGrad.Grad(new SavedOutputExp().Apply(x).Sum(), [x], createGraph: true)[0];
        var second = AutoGrad.Grad(first.Sum(), [x])[0];
        ShouldBeClose(second.ToArray(), [.. x.ToArray().Select(Math.Exp)], 1e-15, 1e-14);
        GradCheck.Assert(t => AutoGrad.Grad(new SavedOutputExp().Apply(t[0]).Sum(), [t[0]], createGraph: true)[0], [Random(12, [3])]);
    }

    [Fact]
    public void Multiple_broadcast_inputs_get_gradients_summed_back_to_their_shapes()
    {
        var (a, b, c) = (Random(13, [2, 3]).RequireGrad(), Random(14, [3]).RequireGrad(), Random(15, [2, 1]).RequireGrad());
        new MulAdd().Apply(a, b, c).Sum().Backward();
        ShouldBeClose(a.Grad!.ToArray(), [.. Enumerable.Range(0, 6).Select(i => b.ToArray()[i % 3])]);
        ShouldBeClose(b.Grad!.ToArray(), [.. Enumerable.Range(0, 3).Select(j => a.ItemAt(0, j) + a.ItemAt(1, j))], 1e-15, 1e-14);
        ShouldBeClose(c.Grad!.ToArray(), [3, 3]);
        GradCheck.Assert(t => new MulAdd().Apply(t[0], t[1], t[2]), [Random(16, [2, 3]), Random(17, [3]), Random(18, [2, 1])]);
    }

    [Fact]
    public void Non_contiguous_inputs_are_checked_element_by_element()
    {
        var a = Random(19, [3, 2]).T.Detach();
        var b = Random(20, [2, 6]).Slice(1, 0, 6, 2).Detach();
        a.IsContiguous.ShouldBeFalse();
        b.IsContiguous.ShouldBeFalse();
        GradCheck.Assert(t => new MulAdd().Apply(t[0], t[1], t[0]), [a, b]);
        GradCheck.Assert(t => new Cube().Apply(t[0]), [Random(21, [4, 3]).T.Detach()]);
    }

    [Fact]
    public void The_call_is_recorded_as_one_node_named_after_the_function()
    {
        var x = Random(22, [3]).RequireGrad();
        var y = new Cube().Apply(x);
        y.RequiresGrad.ShouldBeTrue();
        var node = y.GradFn.ShouldNotBeNull();
        node.OpName.ShouldBe("Cube");
        node.Name.ShouldBe("CubeBackward");
        node.NextFunctions.Count.ShouldBe(1);
        node.NextFunctions[0].ShouldBeOfType<AccumulateGrad>(); // the forward's two multiplications are not recorded
        node.Inputs.ShouldBe([new OpInput(new Shape(3), DType.Float64, false)]);
        CustomFunction.Create("MyOp", (ctx, t) => t[0] + 1.0, (ctx, g) => [g]).Apply(x).GradFn!.Name.ShouldBe("MyOpBackward");
    }

    [Fact]
    public void The_forward_runs_with_grad_mode_off()
    {
        bool? recording = null;
        var probe = CustomFunction.Create("Probe", (ctx, t) => { recording = GradMode.IsEnabled; return t[0] * 2.0; }, (ctx, g) => [2.0 * g]);
        probe.Apply(Random(23, [2]).RequireGrad());
        recording.ShouldBe(false);
        GradMode.IsEnabled.ShouldBeTrue();
    }

    [Fact]
    public void Non_tensor_values_in_the_context_are_the_node_attributes()
    {
        var y = new Power(3).Apply(Positive(24, [2]).RequireGrad());
        y.GradFn!.Attributes["exponent"].ShouldBe(3.0);
        y.GradFn.OpName.ShouldBe("Power");
        new Cube().Apply(Random(25, [2]).RequireGrad()).GradFn!.Attributes.ShouldBeEmpty();
    }

    [Fact]
    public void Nothing_is_recorded_when_no_input_requires_grad_or_grad_mode_is_off()
    {
        new Cube().Apply(Random(26, [2])).GradFn.ShouldBeNull();
        using (Tensor.NoGrad())
        {
            var y = new Cube().Apply(Random(27, [2]).RequireGrad());
            y.GradFn.ShouldBeNull();
            y.RequiresGrad.ShouldBeFalse();
        }
    }

    [Fact]
    public void NeedsInputGrad_tells_which_inputs_need_a_gradient_and_null_gradients_are_allowed()
    {
        bool[]? needs = null;
        var f = CustomFunction.Create("Needs",
            (ctx, t) => { needs = [ctx.NeedsInputGrad(0), ctx.NeedsInputGrad(1)]; return t[0] * t[1]; },
            (ctx, g) => [null, g * 5.0]);
        var (a, b) = (Random(28, [2]), Random(29, [2]).RequireGrad());
        f.Apply(a, b).Sum().Backward();
        needs.ShouldBe([false, true]);
        b.Grad!.ToArray().ShouldBe([5.0, 5.0]);
        a.Grad.ShouldBeNull();
    }

    [Fact]
    public void A_gradient_for_an_input_that_needs_none_is_ignored()
    {
        var (a, b) = (Random(30, [2]), Random(31, [3]).RequireGrad());
        var f = CustomFunction.Create("Both", (ctx, t) => t[0].Sum() + t[1], (ctx, g) => [Tensor.Ones([7]), g]);
        f.Apply(a, b).Sum().Backward(); // the wrong-shaped gradient for a is never used
        b.Grad!.ToArray().ShouldBe([1.0, 1.0, 1.0]);
    }

    [Fact]
    public void A_forward_that_returns_its_input_does_not_relink_the_input()
    {
        var x = Random(32, [3]).RequireGrad();
        var identity = CustomFunction.Create("Identity", (ctx, t) => t[0], (ctx, g) => [3.0 * g]);
        var y = identity.Apply(x);
        ReferenceEquals(x, y).ShouldBeFalse();
        x.GradFn.ShouldBeNull();
        y.GradFn!.OpName.ShouldBe("Identity");
        y.Sum().Backward();
        x.Grad!.ToArray().ShouldBe([3.0, 3.0, 3.0]);
    }

    [Fact]
    public void A_non_floating_point_output_is_not_recorded()
    {
        var positive = CustomFunction.Create("IsPositive", (ctx, t) => t[0] > 0, (ctx, g) => [g]);
        var y = positive.Apply(Tensor.FromArray([-1.0, 2.0]).RequireGrad());
        y.DType.ShouldBe(DType.Bool);
        y.GradFn.ShouldBeNull();
        y.ToArray<bool>().ShouldBe([false, true]);
    }

    [Fact]
    public void Float32_inputs_work_and_the_gradient_is_float32()
    {
        var x = Tensor.FromArray(new[] { 1f, -2f, 0.5f }, 3).RequireGrad();
        var y = new Cube().Apply(x);
        y.DType.ShouldBe(DType.Float32);
        y.Sum().Backward();
        x.Grad!.DType.ShouldBe(DType.Float32);
        ShouldBeClose(x.Grad.ToArray(), [3, 12, 0.75], 1e-6, 1e-6);
    }

    [Fact]
    public void Saved_tensors_modified_in_place_are_detected()
    {
        var x = Random(33, [3]).RequireGrad();
        var input = x * 1.0;
        var y = new Cube().Apply(input);
        using (Tensor.NoGrad()) input.Fill(0.5);
        var ex = Should.Throw<InvalidOperationException>(() => y.Sum().Backward());
        ex.Message.ShouldContain("CubeBackward");
        ex.Message.ShouldContain("modified by an in-place operation");
    }

    [Fact]
    public void Saved_tensors_are_freed_after_backward_unless_the_graph_is_retained()
    {
        var x = Random(34, [3]).RequireGrad();
        var retained = new Cube().Apply(x).Sum();
        retained.Backward(retainGraph: true);
        retained.Backward();
        ShouldBeClose(x.Grad!.ToArray(), [.. x.ToArray().Select(v => 6 * v * v)], 1e-15, 1e-14);

        var y = new Cube().Apply(x);
        y.Backward(Tensor.Ones([3]));
        Should.Throw<InvalidOperationException>(() => y.Backward(Tensor.Ones([3]))).Message.ShouldStartWith("CubeBackward: trying to backward through the graph a second time");
    }

    [Fact]
    public void Saved_tensors_can_only_be_read_in_forward_and_backward()
    {
        FunctionContext? kept = null;
        var f = CustomFunction.Create("Keep", (ctx, t) => { kept = ctx; ctx.SaveForBackward(t[0]); return t[0] * 2.0; }, (ctx, g) => [2.0 * g]);
        f.Apply(Random(35, [2]).RequireGrad()).Sum().Backward();
        Should.Throw<InvalidOperationException>(() => kept!.SavedTensors).Message.ShouldStartWith("Keep: SavedTensors can only be read");
    }

    [Fact]
    public void Backward_returning_the_wrong_number_of_gradients_names_the_function()
    {
        var ex = Should.Throw<InvalidOperationException>(() => Returning(g => [g, g], "Twice").Apply(Random(36, [2]).RequireGrad()).Sum().Backward());
        ex.Message.ShouldStartWith("Twice: Backward returned 2 gradient(s), but the function has 1 input(s)");
        Should.Throw<InvalidOperationException>(() => Returning(_ => null!, "Nothing").Apply(Random(37, [2]).RequireGrad()).Sum().Backward())
            .Message.ShouldStartWith("Nothing: Backward returned null");
    }

    [Fact]
    public void Backward_returning_a_gradient_of_the_wrong_shape_names_the_function_input_and_shapes()
    {
        var x = Random(38, [2, 3]).RequireGrad();
        var ex = Should.Throw<InvalidOperationException>(() => Returning(g => [g.Sum(0)], "Shrink").Apply(x).Sum().Backward());
        ex.Message.ShouldStartWith("Shrink: Backward returned a gradient of shape [3] for input 0, which has shape [2, 3]");
        x.Grad.ShouldBeNull();
    }

    [Fact]
    public void Backward_may_return_a_gradient_in_a_shape_the_input_broadcasts_to()
    {
        var x = Random(39, [3]).RequireGrad();
        Returning(g => [g.BroadcastTo([4, 3])], "Wide").Apply(x).Sum().Backward();
        x.Grad!.ToArray().ShouldBe([4.0, 4.0, 4.0]);
    }

    [Fact]
    public void Backward_returning_a_gradient_of_the_wrong_dtype_names_the_function_and_dtypes()
    {
        var ex = Should.Throw<InvalidOperationException>(() =>
            Returning(g => [g.To(DType.Float32)], "Narrow").Apply(Random(40, [2]).RequireGrad()).Sum().Backward());
        ex.Message.ShouldStartWith("Narrow: Backward returned a Float32 gradient for input 0, which is Float64");
    }

    [Fact]
    public void Forward_returning_null_names_the_function()
    {
        var f = CustomFunction.Create("Void", (ctx, t) => null!, (ctx, g) => [g]);
        Should.Throw<InvalidOperationException>(() => f.Apply(Random(41, [2]))).Message.ShouldStartWith("Void: Forward returned null");
    }

    [Fact]
    public void Null_or_missing_inputs_name_the_function()
    {
        Should.Throw<ArgumentNullException>(() => new Cube().Apply(Random(42, [2]), null!)).Message.ShouldStartWith("Cube: input 1 is null.");
        Should.Throw<ArgumentNullException>(() => new Cube().Apply(null!)).Message.ShouldStartWith("Cube: the inputs array is null.");
        Should.Throw<ArgumentException>(() => new Cube().Apply()).Message.ShouldStartWith("Cube: Apply needs at least one input tensor.");
    }

    [Fact]
    public void Context_misuse_names_the_function()
    {
        var lateSave = CustomFunction.Create("LateSave", (ctx, t) => t[0] * 2.0, (ctx, g) => { ctx.SaveForBackward(g); return [g]; });
        Should.Throw<InvalidOperationException>(() => lateSave.Apply(Random(43, [2]).RequireGrad()).Sum().Backward())
            .Message.ShouldBe("LateSave: SaveForBackward can only be called in Forward.");

        var outOfRange = CustomFunction.Create("Range", (ctx, t) => { ctx.NeedsInputGrad(1); return t[0]; }, (ctx, g) => [g]);
        Should.Throw<ArgumentOutOfRangeException>(() => outOfRange.Apply(Random(44, [2]))).Message.ShouldContain("Range: NeedsInputGrad(1) is out of range");

        var missing = CustomFunction.Create("Missing", (ctx, t) => { ctx.Attributes["k"] = 2; return t[0]; }, (ctx, g) => [g * ctx.Get<double>("k")]);
        Should.Throw<InvalidCastException>(() => missing.Apply(Random(45, [2]).RequireGrad()).Sum().Backward()).Message.ShouldContain("Missing: the attribute 'k' is a Int32");
        var absent = CustomFunction.Create("Absent", (ctx, t) => t[0], (ctx, g) => [g * ctx.Get<double>("scale")]);
        Should.Throw<KeyNotFoundException>(() => absent.Apply(Random(46, [2]).RequireGrad()).Sum().Backward()).Message.ShouldContain("Absent: no attribute 'scale'");

        var nullSave = CustomFunction.Create("NullSave", (ctx, t) => { ctx.SaveForBackward(t[0], null!); return t[0]; }, (ctx, g) => [g]);
        Should.Throw<ArgumentNullException>(() => nullSave.Apply(Random(47, [2]))).Message.ShouldContain("NullSave: SaveForBackward: tensor 1 is null.");
    }

    [Fact]
    public void Create_rejects_an_empty_name_and_null_lambdas()
    {
        Should.Throw<ArgumentException>(() => CustomFunction.Create(" ", (ctx, t) => t[0], (ctx, g) => [g])).Message.ShouldContain("the name must not be empty");
        Should.Throw<ArgumentNullException>(() => CustomFunction.Create("F", null!, (ctx, g) => [g]));
        Should.Throw<ArgumentNullException>(() => CustomFunction.Create("F", (ctx, t) => t[0], null!));
    }
}
