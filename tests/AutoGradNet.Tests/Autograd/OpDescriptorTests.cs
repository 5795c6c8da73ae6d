using System.Runtime.CompilerServices;
using AutoGradNet.Autograd;

namespace AutoGradNet.Tests.Autograd;

/// <summary>Every recorded node describes its forward op: name, attributes, inputs (shape, dtype, constant), creation site.</summary>
public class OpDescriptorTests
{
    private static Tensor X() => Tensor.Uniform([2, 3], 0.5, 2, 1).RequireGrad();

    private static readonly Tensor C = Tensor.FromArray([1.0, 2, 3], 3); // a constant

    private static OpInput Var(params int[] shape) => new(new Shape(shape), DType.Float64, false);

    private static OpInput Const(params int[] shape) => new(new Shape(shape), DType.Float64, true);

    public static TheoryData<string> Ops =>
    [
        "Add", "Sub", "Mul", "Div", "Neg", "Exp", "Sum", "Max", "MatMul", "Permute", "Reshape", "Expand", "Slice",
        "Select", "Diagonal", "Concat", "Where", "Cast", "Clone", "Pow",
    ];

    /// <summary>The op applied to a 2×3 x that requires grad, with the expected descriptor.</summary>
    private static (Tensor Y, Dictionary<string, object> Attributes, OpInput[] Inputs) Case(string op, Tensor x) => op switch
    {
        "Add" => (x + C, [], [Var(2, 3), Const(3)]),
        "Sub" => (C - x, [], [Const(3), Var(2, 3)]),
        "Mul" => (x * x, [], [Var(2, 3), Var(2, 3)]),
        "Div" => (x / C, [], [Var(2, 3), Const(3)]),
        "Neg" => (-x, [], [Var(2, 3)]),
        "Exp" => (x.Exp(), [], [Var(2, 3)]),
        "Sum" => (x.Sum(1, keepDim: true), new() { ["axes"] = new[] { 1 }, ["keepDim"] = true }, [Var(2, 3)]),
        "Max" => (x.Max(-2), new() { ["axes"] = new[] { 0 }, ["keepDim"] = false }, [Var(2, 3)]),
        "MatMul" => (x.MatMul(Tensor.Ones([3, 4])), [], [Var(2, 3), Const(3, 4)]),
        "Permute" => (x.T, new() { ["axes"] = new[] { 1, 0 } }, [Var(2, 3)]),
        "Reshape" => (x.Reshape(3, -1), new() { ["shape"] = new[] { 3, 2 } }, [Var(2, 3)]),
        "Expand" => (x.Expand(4, 2, 3), new() { ["shape"] = new[] { 4, 2, 3 } }, [Var(2, 3)]),
        "Slice" => (x.Slice(1, -3, 3, 2), new() { ["axis"] = 1, ["start"] = 0, ["length"] = 2, ["step"] = 2 }, [Var(2, 3)]),
        "Select" => (x.Select(0, -1), new() { ["axis"] = 0, ["index"] = 1 }, [Var(2, 3)]),
        "Diagonal" => (x.Diagonal(1), new() { ["offset"] = 1, ["axis1"] = 0, ["axis2"] = 1 }, [Var(2, 3)]),
        "Concat" => (Tensor.Concat([x, C.Unsqueeze(0)], -2), new() { ["axis"] = 0 }, [Var(2, 3), Const(1, 3)]),
        "Where" => (Tensor.Where(x > 1, x, C), [], [new(new Shape(2, 3), DType.Bool, true), Var(2, 3), Const(3)]),
        "Cast" => (x.To(DType.Float32), new() { ["source"] = DType.Float64 }, [Var(2, 3)]),
        "Clone" => (x.Clone(), [], [Var(2, 3)]),
        "Pow" => (x.Pow(2.5), new() { ["exponent"] = 2.5 }, [Var(2, 3)]),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void The_node_names_the_op_its_attributes_and_its_inputs(string op)
    {
        var (y, attributes, inputs) = Case(op, X());
        var node = y.GradFn.ShouldNotBeNull();
        node.OpName.ShouldBe(op);
        node.Name.ShouldBe(op + "Backward");
        node.ToString().ShouldBe(op + "Backward");
        node.Inputs.ShouldBe(inputs);
        node.Attributes.Keys.OrderBy(k => k, StringComparer.Ordinal).ShouldBe(attributes.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (key, value) in attributes)
        {
            var actual = node.Attributes[key];
            if (value is int[] array) ((int[])actual).ShouldBe(array, key);
            else actual.ShouldBe(value, key);
        }
        node.CreationTrace.ShouldBeNull();
    }

    [Fact]
    public void Attributes_are_copies_the_caller_cannot_corrupt()
    {
        var node = X().Permute(1, 0).GradFn.ShouldNotBeNull();
        ((int[])node.Attributes["axes"])[0] = 7;
        ((int[])node.Attributes["axes"]).ShouldBe([1, 0]);
    }

    [Fact]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void CreationTrace_names_the_calling_method_only_under_AnomalyMode()
    {
        X().Exp().GradFn!.CreationTrace.ShouldBeNull();
        using (AnomalyMode.Enable())
        {
            var trace = X().Slice(1, 0, 3, 2).GradFn!.CreationTrace.ShouldNotBeNull();
            trace.ShouldContain(nameof(CreationTrace_names_the_calling_method_only_under_AnomalyMode));
            trace.ShouldNotContain("Graph.Link");
        }
        X().Exp().GradFn!.CreationTrace.ShouldBeNull();
    }

    [Fact]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void A_NaN_gradient_under_AnomalyMode_names_the_op_and_where_it_was_called()
    {
        using (AnomalyMode.Enable())
        {
            var x = Tensor.FromArray([0.0, 4]).RequireGrad();
            var y = Tensor.Where(x > 0, x.Sqrt(), 0.0).Sum(); // the unused branch's backward: 0 · 1/(2√0) is NaN at 0
            var error = Should.Throw<ArithmeticException>(() => y.Backward());
            error.Message.ShouldStartWith("SqrtBackward");
            var origin = error.InnerException.ShouldNotBeNull().Message;
            origin.ShouldStartWith("Sqrt was called:");
            origin.ShouldContain("Tensor.Sqrt()");
            origin.ShouldContain(nameof(A_NaN_gradient_under_AnomalyMode_names_the_op_and_where_it_was_called));
            origin.ShouldNotContain("AutoGradNet.Ops.");
            error.ToString().ShouldContain(nameof(A_NaN_gradient_under_AnomalyMode_names_the_op_and_where_it_was_called));
            ((string)error.Data["CreationTrace"]!).ShouldContain("Tensor.Sqrt()");
        }
    }

    [Fact]
    public void A_NaN_gradient_of_a_graph_recorded_before_AnomalyMode_says_how_to_get_the_creation_site()
    {
        var x = Tensor.FromArray([-1.0, 4]).RequireGrad();
        var y = x.Sqrt().Sum();
        using (AnomalyMode.Enable())
        {
            var error = Should.Throw<ArithmeticException>(() => y.Backward());
            error.InnerException.ShouldNotBeNull().Message.ShouldContain("enable it before the forward pass");
            error.Data.Contains("CreationTrace").ShouldBeFalse();
        }
    }
}
