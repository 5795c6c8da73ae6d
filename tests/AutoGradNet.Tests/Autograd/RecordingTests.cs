using AutoGradNet.Autograd;
using F = AutoGradNet.Functional;

namespace AutoGradNet.Tests.Autograd;

/// <summary>
/// "Don't record", table-driven over every public op: a result computed from constants, or under
/// <see cref="Tensor.NoGrad"/> from inputs that require grad, has no <see cref="Tensor.GradFn"/> and does not require
/// grad. The same op on an input that requires grad, with grad mode on, does record (so the table cannot pass by
/// listing ops that never record); ops whose result is Int64/Bool (or a detached leaf) never record.
/// </summary>
public class RecordingTests
{
    /// <summary>One op: <c>Op(x, y)</c> with x the input that may require grad, y a second float input.</summary>
    public sealed record Case(string Name, Func<Tensor, Tensor, Tensor> Op, int[]? Shape = null, bool Records = true, bool Transposed = false);

    private static Tensor L(params long[] v) => Tensor.FromArray(v, v.Length);

    private static Tensor Mask() => Tensor.FromArray([true, false, true, false, false, true, true, false, true, true, false, false], 3, 4);

    private static readonly Case[] All =
    [
        // Arithmetic (operators, methods, scalar forms)
        new("operator+", (x, y) => x + y), new("operator-", (x, y) => x - y), new("operator*", (x, y) => x * y),
        new("operator/", (x, y) => x / y), new("operator+ double", (x, _) => x + 2.0), new("double operator+", (x, _) => 2.0 + x),
        new("operator- double", (x, _) => x - 2.0), new("double operator-", (x, _) => 2.0 - x),
        new("operator* double", (x, _) => x * 3.0), new("double operator*", (x, _) => 3.0 * x),
        new("operator/ double", (x, _) => x / 3.0), new("double operator/", (x, _) => 3.0 / x),
        new("operator+ long", (x, _) => x + 2L), new("operator* long", (x, _) => 2L * x), new("operator/ long", (x, _) => x / 2L),
        new("unary -", (x, _) => -x), new("Add", (x, y) => x.Add(y)), new("Sub", (x, y) => x.Sub(y)), new("Mul", (x, y) => x.Mul(y)),
        new("Div", (x, y) => x.Div(y)), new("Add(double)", (x, _) => x.Add(1.5)), new("Sub(double)", (x, _) => x.Sub(1.5)),
        new("Mul(double)", (x, _) => x.Mul(1.5)), new("Div(double)", (x, _) => x.Div(1.5)), new("Neg", (x, _) => x.Neg()),
        new("Maximum", (x, y) => x.Maximum(y)), new("Minimum", (x, y) => x.Minimum(y)),
        new("Pow(double)", (x, _) => x.Pow(3)), new("Pow(Tensor)", (x, y) => x.Pow(y)), new("Pow(double, Tensor)", (x, _) => Tensor.Pow(2.0, x)),
        new("Clamp(double, double)", (x, _) => x.Clamp(0.3, 0.6)), new("Clamp(Tensor, Tensor)", (x, y) => x.Clamp(y * 0.5, y)),
        new("ClampMin", (x, _) => x.ClampMin(0.4)), new("ClampMax", (x, _) => x.ClampMax(0.4)),
        new("Where", (x, y) => Tensor.Where(Mask(), x, y)), new("Where(t, double)", (x, _) => Tensor.Where(Mask(), x, 0.0)),
        new("Where(double, t)", (x, _) => Tensor.Where(Mask(), 1.0, x)),
        new("MaskedFill", (x, _) => x.MaskedFill(Mask(), -1)),
        // Unary math and activations
        new("Exp", (x, _) => x.Exp()), new("Log", (x, _) => x.Log()), new("Log1p", (x, _) => x.Log1p()), new("Sqrt", (x, _) => x.Sqrt()),
        new("Abs", (x, _) => x.Abs()), new("Sign", (x, _) => x.Sign(), Records: false), new("Sigmoid", (x, _) => x.Sigmoid()), new("Tanh", (x, _) => x.Tanh()),
        new("Relu", (x, _) => x.Relu()), new("Softplus", (x, _) => x.Softplus()), new("Sin", (x, _) => x.Sin()), new("Cos", (x, _) => x.Cos()),
        new("Atan", (x, _) => x.Atan()), new("Asin", (x, _) => x.Asin()), new("Sinh", (x, _) => x.Sinh()), new("Cosh", (x, _) => x.Cosh()),
        new("Erf", (x, _) => x.Erf()), new("Expm1", (x, _) => x.Expm1()), new("Reciprocal", (x, _) => x.Reciprocal()),
        new("Square", (x, _) => x.Square()), new("Rsqrt", (x, _) => x.Rsqrt()), new("Clone", (x, _) => x.Clone()),
        new("To(Float32)", (x, _) => x.To(DType.Float32)),
        new("Softmax", (x, _) => x.Softmax(1)), new("LogSoftmax", (x, _) => x.LogSoftmax(0)),
        // Reductions
        new("Sum()", (x, _) => x.Sum()), new("Sum(axis)", (x, _) => x.Sum(0)), new("Sum(axes)", (x, _) => x.Sum([0, 1], keepDim: true)),
        new("Mean()", (x, _) => x.Mean()), new("Mean(axis)", (x, _) => x.Mean(1)), new("Mean(axes)", (x, _) => x.Mean([1])),
        new("Max()", (x, _) => x.Max()), new("Max(axis)", (x, _) => x.Max(1)), new("Max(axes)", (x, _) => x.Max([0])),
        new("Min()", (x, _) => x.Min()), new("Min(axis)", (x, _) => x.Min(0)), new("Min(axes)", (x, _) => x.Min([1])),
        new("Prod()", (x, _) => x.Prod()), new("Prod(axis)", (x, _) => x.Prod(1)), new("Prod(axes)", (x, _) => x.Prod([0])),
        new("Var", (x, _) => x.Var()), new("Var(axis)", (x, _) => x.Var(1)), new("Std", (x, _) => x.Std()), new("Std(axis)", (x, _) => x.Std(0)),
        new("Norm", (x, _) => x.Norm()), new("Norm(p, axes)", (x, _) => x.Norm(1, [1])),
        new("LogSumExp()", (x, _) => x.LogSumExp()), new("LogSumExp(axis)", (x, _) => x.LogSumExp(1)), new("LogSumExp(axes)", (x, _) => x.LogSumExp([0])),
        new("CumSum", (x, _) => x.CumSum(1)), new("CumProd", (x, _) => x.CumProd(0)),
        new("MaxWithIndices.Values", (x, _) => x.MaxWithIndices(1).Values), new("MinWithIndices.Values", (x, _) => x.MinWithIndices(0).Values),
        new("Sort.Values", (x, _) => x.Sort(1).Values), new("TopK.Values", (x, _) => x.TopK(2).Values),
        new("MatMul", (x, y) => x.MatMul(y.T)),
        // Views and copies of the layout
        new("Transpose", (x, _) => x.Transpose(0, 1)), new("T", (x, _) => x.T), new("Permute", (x, _) => x.Permute(1, 0)),
        new("Reshape", (x, _) => x.Reshape(4, 3)), new("Reshape(Shape)", (x, _) => x.Reshape(new Shape(2, 6))), new("View", (x, _) => x.View(12)),
        new("Contiguous", (x, _) => x.Contiguous(), Transposed: true), new("Reshape (copy)", (x, _) => x.Reshape(12), Transposed: true),
        new("Flatten", (x, _) => x.Flatten()), new("Unflatten", (x, _) => x.Unflatten(1, 2, 2)), new("Unsqueeze", (x, _) => x.Unsqueeze(1)),
        new("Squeeze()", (x, _) => x.Squeeze(), Shape: [3, 1, 4]), new("Squeeze(axis)", (x, _) => x.Squeeze(1), Shape: [3, 1, 4]),
        new("BroadcastTo", (x, _) => x.BroadcastTo(new Shape(2, 3, 4))), new("Expand", (x, _) => x.Expand(2, 3, 4)),
        new("Slice", (x, _) => x.Slice(1, 0, 4, 2)), new("Narrow", (x, _) => x.Narrow(0, 1, 2)), new("Select", (x, _) => x.Select(1, 2)),
        new("Diagonal", (x, _) => x.Diagonal()), new("Concat", (x, y) => Tensor.Concat([x, y], 1)), new("Stack", (x, y) => Tensor.Stack([y, x])),
        new("Flip", (x, _) => x.Flip(0)), new("Roll", (x, _) => x.Roll(1)), new("Roll(axes)", (x, _) => x.Roll([1, 2], [0, 1])),
        new("Tril", (x, _) => x.Tril()), new("Triu", (x, _) => x.Triu(1)),
        new("indexer ranges", (x, _) => x[1..3, ^1]), new("indexer tensor", (x, _) => x[L(2, 0)]), new("indexer mask", (x, _) => x[Mask()]),
        // Selection
        new("Gather", (x, _) => x.Gather(1, Tensor.FromArray(new long[] { 0, 3, 1, 1, 2, 0 }, 3, 2))),
        new("ScatterAdd", (x, y) => x.ScatterAdd(0, Tensor.FromArray(new long[] { 0, 2, 1, 0, 1, 1, 2, 0, 2, 0, 0, 1 }, 3, 4), y)),
        new("TakeAlongDim", (x, _) => x.TakeAlongDim(Tensor.FromArray(new long[] { 1, 0, 2 }, 3, 1), 1)),
        new("TakeAlongDim(flat)", (x, _) => x.TakeAlongDim(L(5, 0, 11))),
        new("IndexSelect", (x, _) => x.IndexSelect(1, L(3, 0))), new("IndexAdd", (x, y) => x.IndexAdd(0, L(2, 0), y.Narrow(0, 0, 2), 0.5)),
        new("MaskedSelect", (x, _) => x.MaskedSelect(Mask())),
        // Functional
        new("F.Sigmoid", (x, _) => F.Sigmoid(x)), new("F.Tanh", (x, _) => F.Tanh(x)), new("F.Relu", (x, _) => F.Relu(x)),
        new("F.Softplus", (x, _) => F.Softplus(x)), new("F.Softmax", (x, _) => F.Softmax(x)), new("F.LogSoftmax", (x, _) => F.LogSoftmax(x)),
        new("F.LogSumExp", (x, _) => F.LogSumExp(x)), new("F.Embedding", (x, _) => F.Embedding(x, L(2, 0, 2), paddingIndex: 0)),
        new("F.SumSquaredError", (x, y) => F.SumSquaredError(x, y)), new("F.MseLoss", (x, y) => F.MseLoss(x, y)),
        new("F.BinaryCrossEntropy", (x, y) => F.BinaryCrossEntropy(x, y)),
        new("F.BinaryCrossEntropyWithLogits", (x, y) => F.BinaryCrossEntropyWithLogits(x, y)),
        new("F.CrossEntropy(int[])", (x, _) => F.CrossEntropy(x, [0, 3, 1])), new("F.CrossEntropy(Tensor)", (x, _) => F.CrossEntropy(x, L(2, 2, 0))),
        new("CustomFunction", (x, _) => CustomFunction.Create("Twice", (_, t) => t[0] * 2, (_, g) => [g * 2]).Apply(x)),
        // Never recorded: Int64/Bool results, detached leaves
        new("Detach", (x, _) => x.Detach(), Records: false), new("operator>", (x, y) => x > y, Records: false),
        new("operator<=", (x, _) => x <= 0.5, Records: false), new("ElementwiseEquals", (x, y) => x.ElementwiseEquals(y), Records: false),
        new("ElementwiseNotEquals", (x, y) => x.ElementwiseNotEquals(y), Records: false), new("IsNaN", (x, _) => x.IsNaN(), Records: false),
        new("IsFinite", (x, _) => x.IsFinite(), Records: false), new("ArgMax", (x, _) => x.ArgMax(1), Records: false),
        new("ArgMin", (x, _) => x.ArgMin(), Records: false), new("ArgSort", (x, _) => x.ArgSort(0), Records: false),
        new("Sort.Indices", (x, _) => x.Sort(1).Indices, Records: false), new("TopK.Indices", (x, _) => x.TopK(1, 0).Indices, Records: false),
        new("To(Int64)", (x, _) => x.To(DType.Int64), Records: false),
        new("LogicalAnd", (x, y) => (x > 0.5).LogicalAnd(y > 0.5), Records: false), new("LogicalOr", (x, y) => (x > 0.5) | (y > 0.5), Records: false),
        new("LogicalNot", (x, _) => (x > 0.5).LogicalNot(), Records: false), new("Any", (x, _) => (x > 0.5).Any(), Records: false),
        new("All", (x, _) => (x > 0.5).All(), Records: false), new("OneHot", (x, _) => Tensor.OneHot((x * 3).To(DType.Int64), 3), Records: false),
        new("Where(double, double)", (x, _) => Tensor.Where(x > 0.5, 1.0, 0.0), Records: false),
        new("operator- long", (x, _) => x - 2L), new("long operator-", (x, _) => 2L - x), new("long operator/", (x, _) => 2L / x),
        new("indexer step", (x, _) => x[TensorIndex.Slice(null, null, 2), 1..]),
    ];

    public static TheoryData<string> Names => new(All.Select(c => c.Name));

    private static (Tensor X, Tensor Y) Inputs(Case c)
    {
        var shape = new Shape(c.Shape ?? [3, 4]);
        var x = c.Transposed
            ? Tensor.Uniform(new Shape(shape[1], shape[0]), 0.1, 0.9, seed: 1).T.Detach()
            : Tensor.Uniform(shape, 0.1, 0.9, seed: 1);
        if (c.Transposed) x.IsContiguous.ShouldBeFalse();
        return (x, Tensor.Uniform(shape, 0.1, 0.9, seed: 2));
    }

    private static Case Find(string name) => All.Single(c => c.Name == name);

    [Theory]
    [MemberData(nameof(Names))]
    public void An_op_on_constants_is_not_recorded(string name)
    {
        var c = Find(name);
        var (x, y) = Inputs(c);
        var result = c.Op(x, y);
        result.GradFn.ShouldBeNull(name);
        result.RequiresGrad.ShouldBeFalse(name);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void An_op_under_NoGrad_is_not_recorded(string name)
    {
        var c = Find(name);
        var (x, y) = Inputs(c);
        x.RequireGrad();
        y.RequireGrad();
        Tensor result;
        using (Tensor.NoGrad()) result = c.Op(x, y);
        result.GradFn.ShouldBeNull(name);
        result.RequiresGrad.ShouldBeFalse(name);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void An_op_on_an_input_that_requires_grad_records_unless_its_result_is_not_differentiable(string name)
    {
        var c = Find(name);
        var (x, y) = Inputs(c);
        x.RequireGrad();
        var result = c.Op(x, y);
        if (c.Records)
        {
            result.GradFn.ShouldNotBeNull(name);
            result.RequiresGrad.ShouldBeTrue(name);
        }
        else
        {
            result.GradFn.ShouldBeNull(name);
            result.RequiresGrad.ShouldBeFalse(name);
        }
    }

    [Fact]
    public void The_table_names_each_case_once()
        => All.Select(c => c.Name).Distinct().Count().ShouldBe(All.Length);
}
