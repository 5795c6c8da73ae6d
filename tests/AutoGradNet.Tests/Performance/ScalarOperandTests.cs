using AutoGradNet.Autograd;
using AutoGradNet.Verification;
using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Performance;

/// <summary>
/// Arithmetic with a C# number keeps the number in the node instead of making it a 0-d tensor. These check that it is
/// indistinguishable from the tensor–tensor op with a 0-d constant: the same values and gradients bit for bit, the same
/// recorded graph (op name, inputs, next functions), first and second derivatives, Float32 and non-contiguous inputs.
/// </summary>
public class ScalarOperandTests
{
    public static TheoryData<string> Ops => new() { "a+c", "c+a", "a-c", "c-a", "a*c", "c*a", "a/c", "c/a" };

    private static Tensor WithNumber(string op, Tensor a, double c) => op switch
    {
        "a+c" => a + c,
        "c+a" => c + a,
        "a-c" => a - c,
        "c-a" => c - a,
        "a*c" => a * c,
        "c*a" => c * a,
        "a/c" => a / c,
        _ => c / a,
    };

    private static Tensor WithTensor(string op, Tensor a, double c)
    {
        var t = Tensor.Scalar(c, a.DType);
        return op switch
        {
            "a+c" => a + t,
            "c+a" => t + a,
            "a-c" => a - t,
            "c-a" => t - a,
            "a*c" => a * t,
            "c*a" => t * a,
            "a/c" => a / t,
            _ => t / a,
        };
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Values_and_gradients_equal_the_tensor_scalar_op_bit_for_bit(string op)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var x1 = AwayFromZero(3, [2, 3]).To(dtype).Detach().RequireGrad();
            var x2 = x1.Detach().Clone().RequireGrad();
            var y1 = WithNumber(op, x1, 0.7);
            var y2 = WithTensor(op, x2, 0.7);
            y1.DType.ShouldBe(dtype);
            y1.ToArray().ShouldBe(y2.ToArray());
            var seed = Random(4, [2, 3]).To(dtype);
            y1.Backward(seed);
            y2.Backward(seed);
            x1.Grad!.ToArray().ShouldBe(x2.Grad!.ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void The_recorded_node_reads_like_the_two_input_op(string op)
    {
        var x = AwayFromZero(5, [3]).RequireGrad();
        var y1 = WithNumber(op, x, 1.5);
        var y2 = WithTensor(op, x, 1.5);
        var n1 = y1.GradFn!;
        var n2 = y2.GradFn!;
        n1.Name.ShouldBe(n2.Name);
        n1.OpName.ShouldBe(n2.OpName);
        n1.Rule.ShouldBe(n2.Rule);
        n1.Inputs.ShouldBe(n2.Inputs);
        n1.NextFunctions.Count.ShouldBe(2);
        n1.NextFunctions.Select(f => f is null).ShouldBe(n2.NextFunctions.Select(f => f is null));
        n1.Inputs[op.StartsWith('c') ? 0 : 1].ShouldBe(new OpInput(Shape.Scalar, DType.Float64, true));
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Gradients_pass_gradcheck_also_for_a_non_contiguous_input(string op)
    {
        var x = AwayFromZero(6, [4, 3]).T.Detach();
        x.IsContiguous.ShouldBeFalse();
        GradCheck.Assert(t => WithNumber(op, t[0], -1.3), [x]);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Second_derivatives_pass_gradcheck(string op)
    {
        var x = AwayFromZero(7, [3]);
        GradCheck.Assert(t => AutoGrad.Grad(WithNumber(op, t[0] * t[0], 0.9).Sum(), [t[0]], createGraph: true)[0], [x]);
    }

    [Fact]
    public void Scalar_divided_by_a_tensor_has_gradient_minus_c_over_a_squared()
    {
        var x = Tensor.FromArray([2.0, -4.0]).RequireGrad();
        (3.0 / x).Sum().Backward();
        x.Grad!.ToArray().ShouldBe([-3.0 / 4, -3.0 / 16]);
    }

    [Fact]
    public void Nothing_is_recorded_when_no_input_requires_grad_or_under_no_grad()
    {
        var x = Tensor.FromArray([1.0, 2.0]);
        (x * 2.0).GradFn.ShouldBeNull();
        var w = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        using (Tensor.NoGrad()) (w * 2.0 + 1.0).GradFn.ShouldBeNull();
    }

    [Fact]
    public void Integer_tensors_keep_their_promotion_rules()
    {
        var i = Tensor.FromArray([1L, 2L], 2);
        (i * 2.5).DType.ShouldBe(DType.Float64);
        (i * 2.5).ToArray().ShouldBe([2.5, 5.0]);
        (1.0 - i).ToArray().ShouldBe([0.0, -1.0]);
        (i / 2.0).ToArray().ShouldBe([0.5, 1.0]);
    }

    [Fact]
    public void Modifying_the_input_of_a_scalar_division_in_place_is_caught_at_backward()
    {
        var w = Tensor.FromArray([1.0, 2.0]).RequireGrad();
        var a = w * 1.0;
        var y = 1.0 / a;
        using (Tensor.NoGrad()) a.AddInPlace(1.0);
        Should.Throw<InvalidOperationException>(() => y.Sum().Backward()).Message.ShouldContain("DivBackward: saved tensor 0");
    }

    [Fact]
    public void A_null_tensor_operand_still_names_the_scalar_arithmetic()
    {
        Tensor? none = null;
        Should.Throw<ArgumentNullException>(() => none! * 2.0).Message.ShouldContain("arithmetic with a scalar");
    }
}
