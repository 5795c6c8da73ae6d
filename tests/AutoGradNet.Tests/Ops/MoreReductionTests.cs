using AutoGradNet.Tests.Reference;
using AutoGradNet.Verification;
using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>Prod, Var, Std, Norm, LogSumExp over axes, and Max's gradient at a NaN: PyTorch, finite differences, edge cases, errors.</summary>
public class MoreReductionTests
{
    private static int[]? Dims(TorchCase c)
    {
        var list = c.IntArrayAttr("dim");
        if (list is not null) return list;
        return c.NullableIntAttr("dim") is { } d ? [d] : null;
    }

    public static TheoryData<string> ProdCases => [.. TorchReference.Cases("prod").Select(c => c.Name)];
    public static TheoryData<string> VarStdCases => [.. TorchReference.Cases("var").Concat(TorchReference.Cases("std")).Select(c => c.Name)];
    public static TheoryData<string> NormCases => [.. TorchReference.Cases("vector_norm").Select(c => c.Name)];
    public static TheoryData<string> LogSumExpCases => [.. TorchReference.Cases("logsumexp").Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(ProdCases))]
    public void Prod_values_and_gradients_match_PyTorch(string name)
    {
        var c = TorchReference.Case(name);
        TorchCaseRunner.ShouldMatch(name, x => Dims(c) is { } d ? x[0].Prod(d[0], c.BoolAttr("keepdim")) : x[0].Prod());
    }

    [Theory]
    [MemberData(nameof(VarStdCases))]
    public void Var_and_Std_values_and_gradients_match_PyTorch(string name)
    {
        var c = TorchReference.Case(name);
        var correction = c.DoubleAttr("correction");
        TorchCaseRunner.ShouldMatch(name, x => c.Op == "var"
            ? x[0].Var(Dims(c), correction, c.BoolAttr("keepdim"))
            : x[0].Std(Dims(c), correction, c.BoolAttr("keepdim")));
    }

    [Theory]
    [MemberData(nameof(NormCases))]
    public void Norm_values_and_gradients_match_PyTorch(string name)
    {
        var c = TorchReference.Case(name);
        TorchCaseRunner.ShouldMatch(name, x => x[0].Norm(c.DoubleAttr("ord"), Dims(c), c.BoolAttr("keepdim")));
    }

    [Theory]
    [MemberData(nameof(LogSumExpCases))]
    public void LogSumExp_values_and_gradients_match_PyTorch(string name)
    {
        var c = TorchReference.Case(name);
        TorchCaseRunner.ShouldMatch(name, x => x[0].LogSumExp(Dims(c)!, c.BoolAttr("keepdim")));
    }

    [Fact]
    public void Backwards_match_finite_differences_on_strided_inputs()
    {
        var x = Random(1, [4, 3]).T.Detach();
        x.IsContiguous.ShouldBeFalse();
        var d = Distinct(2, [4, 3]).T.Detach(); // no ties: the ∞-norm's argmax stays put within the FD step
        var nz = AwayFromZero(3, [4, 3]).T.Detach(); // the 1-norm's kink at 0 stays away
        GradCheck.Assert(t => t[0].Prod(), [x]);
        GradCheck.Assert(t => t[0].Prod(1, keepDim: true), [x]);
        GradCheck.Assert(t => t[0].Prod([0, 1]), [x]);
        GradCheck.Assert(t => t[0].Var(), [x]);
        GradCheck.Assert(t => t[0].Var(0, correction: 0), [x]);
        GradCheck.Assert(t => t[0].Std([1], keepDim: true), [x]);
        GradCheck.Assert(t => t[0].Norm(1, [1]), [nz]);
        GradCheck.Assert(t => t[0].Norm(2), [x]);
        GradCheck.Assert(t => t[0].Norm(2, [0], keepDim: true), [x]);
        GradCheck.Assert(t => t[0].Norm(double.PositiveInfinity, [1]), [d]);
        GradCheck.Assert(t => t[0].LogSumExp([0, 1]), [x]);
        GradCheck.Assert(t => t[0].LogSumExp(-1, keepDim: true), [x]);
    }

    [Fact]
    public void Second_derivatives_match_finite_differences()
    {
        static Func<Tensor[], Tensor> GradOf(Func<Tensor, Tensor> f) =>
            t => AutoGrad.Grad(f(t[0]), [t[0]], createGraph: true)[0];
        var x = Random(4, [3, 4]);
        GradCheck.Assert(GradOf(t => t.Prod(1).Sum()), [x]);
        GradCheck.Assert(GradOf(t => t.Prod()), [Random(5, [5])]);
        GradCheck.Assert(GradOf(t => t.Var(1).Sum()), [x]);
        GradCheck.Assert(GradOf(t => t.Std()), [x]);
        GradCheck.Assert(GradOf(t => t.Norm(2, [1]).Sum()), [x]);
        GradCheck.Assert(GradOf(t => t.LogSumExp([0, 1])), [x]);
    }

    [Fact]
    public void Prod_second_derivative_is_the_product_of_the_other_two_without_zeros()
    {
        // ∂²(abc)/∂a∂b = c: the Hessian of the product of [a, b, c] is off-diagonal products.
        var x = Tensor.FromArray([2.0, 3.0, 5.0]).RequireGrad();
        var g = AutoGrad.Grad(x.Prod(), [x], createGraph: true)[0];
        g.ToArray().ShouldBe([15, 10, 6]);
        ShouldBeClose(AutoGrad.Grad(g.Sum(), [x])[0].ToArray(), [8, 7, 5], 0, 1e-15);
    }

    [Fact]
    public void Prod_matches_a_scalar_loop_at_every_length_0_to_40_in_every_dtype()
    {
        for (var n = 0; n <= 40; n++)
        {
            var x = Random(500 + n, [n], 0.5, 1.5);
            var xv = x.ToArray();
            var expected = xv.Aggregate(1.0, (p, v) => p * v);
            ShouldBeClose([x.Prod().Item()], [expected], 0, 1e-14);
            var f = x.To(DType.Float32);
            ShouldBeClose([f.Prod().Item()], [f.ToArray().Aggregate(1.0, (p, v) => p * v)], 0, 1e-5);
            var i = Tensor.FromArray([.. Enumerable.Range(0, n).Select(k => (long)(k % 3 - 1 + (k % 5 == 0 ? 2 : 0)))]);
            i.Prod().ToArray<long>().ShouldBe([i.ToArray<long>().Aggregate(1L, (p, v) => p * v)]);
            var m = Random(600 + n, [3, n], 0.5, 1.5);
            ShouldBeClose(m.Prod(1).ToArray(), [.. Enumerable.Range(0, 3).Select(r => m.ToArray().Skip(r * n).Take(n).Aggregate(1.0, (p, v) => p * v))], 0, 1e-14);
        }
    }

    [Fact]
    public void Prod_of_Int64_and_Bool_stays_integer_and_empty_slices_give_one()
    {
        var i = Tensor.FromArray(new long[] { 2, -3, 4, 5 }, 2, 2);
        i.Prod().DType.ShouldBe(DType.Int64);
        i.Prod().ToArray<long>().ShouldBe([-120]);
        i.Prod(0).ToArray<long>().ShouldBe([8, -15]);
        Tensor.FromArray([true, false, true]).Prod().ToArray<long>().ShouldBe([0]);
        Tensor.Zeros([0, 3]).Prod(0).ToArray().ShouldBe([1, 1, 1]);
        Tensor.Zeros([0]).Prod().Item().ShouldBe(1);
        Tensor.Zeros([0, 0, 2]).Prod([0, 1]).ToArray().ShouldBe([1, 1]); // two empty axes
        Tensor.Zeros([2, 0, 0]).Prod([0, 1], keepDim: true).Shape.ShouldBe(new Shape(1, 1, 0));
    }

    [Fact]
    public void Prod_Var_Std_Norm_and_LogSumExp_in_Float32_agree_with_Float64()
    {
        var x = Random(6, [5, 37], 0.5, 1.5);
        var f = x.To(DType.Float32);
        foreach (var (name, op) in new (string, Func<Tensor, Tensor>)[]
        {
            ("Prod", t => t.Prod(0)), ("Var", t => t.Var(1)), ("Std", t => t.Std([0])), ("Norm1", t => t.Norm(1, [1])),
            ("Norm2", t => t.Norm(2)), ("NormInf", t => t.Norm(double.PositiveInfinity, [0])), ("LogSumExp", t => t.LogSumExp([0, 1])),
        })
        {
            var y = op(f);
            y.DType.ShouldBe(DType.Float32, name);
            ShouldBeClose(y.ToArray(), op(x).ToArray(), 1e-6, 2e-6);
        }
    }

    [Fact]
    public void Var_Std_and_Norm_of_Int64_compute_in_Float64()
    {
        var i = Tensor.FromArray(new long[] { 1, 2, 3, 4 });
        i.Var().Item().ShouldBe(5.0 / 3, 1e-15);
        i.Std(correction: 0).Item().ShouldBe(Math.Sqrt(1.25), 1e-15);
        i.Norm().Item().ShouldBe(Math.Sqrt(30), 1e-15);
        i.Norm(double.PositiveInfinity).Item().ShouldBe(4);
        i.LogSumExp(0).Item().ShouldBe(Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3) + Math.Exp(4)), 1e-15);
    }

    [Fact]
    public void Std_of_a_constant_slice_is_zero_with_NaN_gradient_as_in_PyTorch()
    {
        var x = Tensor.FromArray([2.0, 2.0, 2.0]).RequireGrad();
        var s = x.Std();
        s.Item().ShouldBe(0);
        s.Backward();
        x.Grad!.ToArray().ShouldAllBe(v => double.IsNaN(v));
    }

    [Fact]
    public void Two_norm_of_a_zero_slice_has_zero_gradient_also_when_differentiated_twice()
    {
        var x = Tensor.Zeros([2, 3]).RequireGrad();
        var g = AutoGrad.Grad(x.Norm(2, [1]).Sum(), [x], createGraph: true)[0];
        g.ToArray().ShouldAllBe(v => v == 0);
        var h = AutoGrad.Grad(g.Sum(), [x], allowUnused: true)[0];
        (h is null || h.ToArray().All(v => v == 0)).ShouldBeTrue();
    }

    [Fact]
    public void Var_over_several_axes_equals_the_formula()
    {
        var x = Random(7, [2, 3, 4]);
        var xv = x.ToArray();
        var y = x.Var([0, 2], correction: 0, keepDim: true);
        y.Shape.ToArray().ShouldBe([1, 3, 1]);
        for (var j = 0; j < 3; j++)
        {
            var slice = Enumerable.Range(0, 2).SelectMany(i => Enumerable.Range(0, 4).Select(k => xv[i * 12 + j * 4 + k])).ToArray();
            var mean = slice.Average();
            y.ItemAt(0, j, 0).ShouldBe(slice.Sum(v => (v - mean) * (v - mean)) / 8, 1e-14);
        }
    }

    [Fact]
    public void LogSumExp_of_large_inputs_does_not_overflow_and_empty_slices_give_minus_infinity()
    {
        Tensor.FromArray([1e308, 1e308]).LogSumExp().Item().ShouldBe(1e308 + Math.Log(2), 1e293);
        Tensor.Zeros([0, 3]).LogSumExp(0).ToArray().ShouldBe([double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity]);
        var x = Tensor.FromArray([double.NegativeInfinity, double.NegativeInfinity]);
        x.LogSumExp(0).Item().ShouldBe(double.NegativeInfinity);
    }

    [Fact]
    public void Max_gradient_at_a_NaN_maximum_goes_to_the_NaN_as_PyTorch_max_does()
    {
        // torch.max(x) (evenly_distribute_backward) sends the gradient to the NaN; torch.amax would give NaN to the
        // whole slice (cases amax_nan, amax_dim1_nan). We follow max() for Max(axes) too.
        TorchCaseRunner.ShouldMatch("max_all_nan", x => x[0].Max());
        TorchCaseRunner.ShouldMatch("max_dim0_nan", x => x[0].Max(0));
        var c = TorchReference.Case("amax_dim1_nan");
        var x = c.Inputs[0].ToTensor();
        var y = x.Max([1]);
        TorchCaseRunner.ShouldBeCloseWithNaN(y.ToArray(), c.Outputs[0].Data, 1e-15, "amax_dim1_nan value");
        y.Backward(Tensor.FromArray(c.GradOutput!.Data, c.GradOutput.Shape));
        var g = x.Grad!.ToArray();
        // Row 0 [1, NaN, 3]: all to the NaN (torch amax: NaN everywhere). Row 1 [4, 2, 4]: ties split evenly, like amax.
        g[..3].ShouldBe([0, c.GradOutput.Data[0], 0]);
        TorchCaseRunner.ShouldBeCloseWithNaN(g[3..], c.Grads[0]!.Data[3..], 1e-15, "amax_dim1_nan row 1");
    }

    [Fact]
    public void Errors_name_the_method_the_axis_and_the_shape()
    {
        var x = Tensor.Ones([2, 3]);
        Should.Throw<ArgumentException>(() => x.Prod(2)).Message.ShouldStartWith("Prod");
        Should.Throw<ArgumentException>(() => x.Var([0, 0])).Message.ShouldStartWith("Var");
        Should.Throw<ArgumentException>(() => x.Std(5)).Message.ShouldStartWith("Std");
        Should.Throw<ArgumentException>(() => x.Norm(2, [3])).Message.ShouldStartWith("Norm");
        Should.Throw<ArgumentException>(() => x.LogSumExp([-3])).Message.ShouldStartWith("LogSumExp");
        var p = Should.Throw<ArgumentOutOfRangeException>(() => x.Norm(3));
        p.Message.ShouldStartWith("Norm");
        p.Message.ShouldContain("[2, 3]");
        Should.Throw<ArgumentOutOfRangeException>(() => x.Var(correction: -1)).Message.ShouldStartWith("Var");
        Should.Throw<ArgumentOutOfRangeException>(() => x.Std(correction: double.NaN)).Message.ShouldStartWith("Std");
        Should.Throw<ArgumentException>(() => Tensor.Zeros([0]).Norm(double.PositiveInfinity)).Message.ShouldStartWith("Norm");
        Should.Throw<ArgumentNullException>(() => x.LogSumExp(null!));
        Should.Throw<ArgumentNullException>(() => x.Prod(null!));
    }
}
