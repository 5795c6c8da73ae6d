using AutoGradNet.Tests.Reference;
using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>CumSum and CumProd: kernels at every length, torch values and gradients, finite differences, double backward.</summary>
public class ScanTests
{
    public static TheoryData<string> CaseNames(string op) => [.. TorchReference.Cases(op).Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames), "cumsum")]
    [MemberData(nameof(CaseNames), "cumprod")]
    public void CumSum_and_CumProd_match_torch_values_and_gradients(string name)
    {
        var c = TorchReference.Case(name);
        var x = c.Inputs[0].ToTensor().RequireGrad();
        var y = c.Op == "cumsum" ? x.CumSum(c.IntAttr("dim")) : x.CumProd(c.IntAttr("dim"));
        y.Shape.ToArray().ShouldBe(c.Outputs[0].Shape);
        ShouldBeClose(y.ToArray(), c.Outputs[0].Data);
        y.Backward(Tensor.FromArray(c.GradOutput!.Data, c.GradOutput.Shape));
        ShouldBeClose(x.Grad!.ToArray(), c.Grads[0]!.Data);
    }

    /// <summary>Running sum and product of a row-major [outer, n, inner] buffer along the middle axis, by hand.</summary>
    private static double[] Expected(double[] x, int outer, int n, int inner, bool product)
    {
        var y = new double[x.Length];
        for (var o = 0; o < outer; o++)
            for (var i = 0; i < inner; i++)
            {
                var acc = product ? 1.0 : 0.0;
                for (var j = 0; j < n; j++)
                {
                    var at = (o * n + j) * inner + i;
                    acc = product ? acc * x[at] : acc + x[at];
                    y[at] = acc;
                }
            }
        return y;
    }

    public static TheoryData<DType> ScanDTypes => [DType.Float64, DType.Float32, DType.Int64, DType.Bool];

    [Theory]
    [MemberData(nameof(ScanDTypes))]
    public void Scan_kernels_are_right_at_every_length_from_0_to_40_along_a_contiguous_and_a_strided_axis(DType dtype)
    {
        var rng = new Random(11);
        for (var n = 0; n <= 40; n++)
        {
            // Small integers keep products exact in every dtype (|values| ≤ 1 past a few steps so they stay small).
            var data = Enumerable.Range(0, 3 * n * 2).Select(_ => dtype == DType.Bool ? rng.Next(2) : (double)rng.Next(-1, 2)).ToArray();
            var x = Tensor.FromArray(data, 3, n, 2).To(DType.Int64).To(dtype == DType.Bool ? DType.Int64 : dtype);
            if (dtype == DType.Bool) x = Tensor.FromArray([.. data.Select(v => v != 0)], 3, n, 2);
            var resultType = dtype == DType.Bool ? DType.Int64 : dtype;

            var sum = x.CumSum(1);
            sum.DType.ShouldBe(resultType);
            sum.ToArray().ShouldBe(Expected(data, 3, n, 2, product: false), $"CumSum n={n}");
            var prod = x.CumProd(1);
            prod.DType.ShouldBe(resultType);
            prod.ToArray().ShouldBe(Expected(data, 3, n, 2, product: true), $"CumProd n={n}");

            // Along the last (contiguous) axis, on a transposed (non-contiguous) view.
            var xt = x.Transpose(1, 2);
            var dataT = xt.ToArray();
            xt.CumSum(-1).ToArray().ShouldBe(Expected(dataT, 3 * 2, n, 1, product: false), $"CumSum last axis n={n}");
            xt.CumProd(-1).ToArray().ShouldBe(Expected(dataT, 3 * 2, n, 1, product: true), $"CumProd last axis n={n}");
        }
    }

    [Fact]
    public void Int64_CumSum_is_exact_beyond_double_precision()
    {
        var x = Tensor.FromArray([long.MaxValue - 10, 3, 4]);
        x.CumSum(0).ToArray<long>().ShouldBe([long.MaxValue - 10, long.MaxValue - 7, long.MaxValue - 3]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    public void CumSum_and_CumProd_match_finite_differences(int axis)
    {
        ShouldPassGradCheck(x => x[0].CumSum(axis), Random(1, [2, 3, 4]));
        ShouldPassGradCheck(x => x[0].CumProd(axis), Random(2, [2, 3, 4]));
    }

    [Fact]
    public void CumProd_gradient_is_right_with_zeros_anywhere()
    {
        var x = Tensor.FromArray([0.0, 2, -1.5, 0, 3, 0.5, 1.2, 0, -0.7, 0, 0, 2], 3, 4);
        ShouldPassGradCheck(t => t[0].CumProd(1), x);
        ShouldPassGradCheck(t => t[0].CumProd(0), x);
        // By hand: y = [a, ab, abc]; ∂(Σy)/∂a = 1 + b + bc, ∂/∂b = a + ac, ∂/∂c = ab.
        var v = Tensor.FromArray([0.0, 2, 3]).RequireGrad();
        v.CumProd(0).Sum().Backward();
        v.Grad!.ToArray().ShouldBe([1 + 2 + 6.0, 0, 0]);
    }

    [Fact]
    public void Scans_pass_grad_check_on_non_contiguous_inputs()
    {
        var x = Random(3, [4, 3]).T.Detach();
        x.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(t => t[0].CumSum(1), x);
        ShouldPassGradCheck(t => t[0].CumProd(0), x);
        var stepped = Tensor.FromArray([1.0, 9, 0, 9, 2, 9, -1, 9, 0.5, 9, 0, 9], 2, 6).Slice(1, 0, 6, 2).Detach();
        stepped.IsContiguous.ShouldBeFalse();
        ShouldPassGradCheck(t => t[0].CumProd(1), stepped);
    }

    [Fact]
    public void CumSum_and_CumProd_second_derivatives_match_finite_differences()
    {
        static Tensor GradOf(Func<Tensor, Tensor> f, Tensor x) =>
            AutoGrad.Grad((f(x) * f(x)).Sum(), [x], createGraph: true)[0];
        ShouldPassGradCheck(t => GradOf(x => x.CumSum(1), t[0]), Random(4, [2, 5]));
        ShouldPassGradCheck(t => GradOf(x => x.CumProd(1), t[0]), Random(5, [2, 5]));
        ShouldPassGradCheck(t => GradOf(x => x.CumProd(0), t[0]), Tensor.FromArray([0.0, 1.5, -2, 0.5, 0, 1.1], 3, 2));
    }

    [Fact]
    public void Float32_scans_match_float64_to_single_precision()
    {
        var x64 = Random(6, [3, 7]).RequireGrad();
        var x32 = x64.Detach().To(DType.Float32).RequireGrad();
        ShouldBeClose(x32.CumSum(1).ToArray(), x64.CumSum(1).ToArray(), 1e-6, 1e-5);
        ShouldBeClose(x32.CumProd(0).ToArray(), x64.CumProd(0).ToArray(), 1e-6, 1e-5);
        x64.CumProd(1).Sum().Backward();
        x32.CumProd(1).Sum().Backward();
        ShouldBeClose(x32.Grad!.ToArray(), x64.Grad!.ToArray(), 1e-5, 1e-5);
    }

    [Fact]
    public void Zero_d_scans_return_the_value_and_pass_the_gradient()
    {
        var s = Tensor.Scalar(2.5).RequireGrad();
        s.CumSum(0).Item().ShouldBe(2.5);
        var p = s.CumProd(-1);
        p.Rank.ShouldBe(0);
        p.Backward();
        s.Grad!.Item().ShouldBe(1);
        Should.Throw<ArgumentOutOfRangeException>(() => s.CumSum(1)).Message.ShouldContain("CumSum: axis 1");
    }
}
