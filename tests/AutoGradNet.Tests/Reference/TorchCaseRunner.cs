namespace AutoGradNet.Tests.Reference;

/// <summary>Runs an op on a PyTorch reference case's inputs and compares value and gradients with PyTorch's.</summary>
internal static class TorchCaseRunner
{
    /// <summary>
    /// Applies <paramref name="op"/> to the case's float64 inputs (fresh leaves requiring grad as in PyTorch), compares
    /// <c>outputs[0]</c>, seeds the backward with <c>grad_output</c> and compares every gradient, element by element
    /// within 1e-12 relative (NaN must meet NaN, ±∞ the same infinity).
    /// </summary>
    public static void ShouldMatch(string caseName, Func<Tensor[], Tensor> op, double relativeTolerance = 1e-12)
    {
        var c = TorchReference.Case(caseName);
        var inputs = c.Inputs.Select(t => t.ToTensor()).ToArray();
        var y = op(inputs);
        y.Shape.ToArray().ShouldBe(c.Outputs[0].Shape, $"{caseName}: output shape");
        ShouldBeCloseWithNaN(y.ToArray(), c.Outputs[0].Data, relativeTolerance, $"{caseName}: output");
        if (c.GradOutput is null) return;
        y.Backward(Tensor.FromArray(c.GradOutput.Data, c.GradOutput.Shape));
        for (var i = 0; i < inputs.Length; i++)
        {
            if (c.Grads[i] is not { } expected) continue;
            inputs[i].Grad.ShouldNotBeNull($"{caseName}: input {i} got no gradient");
            ShouldBeCloseWithNaN(inputs[i].Grad!.ToArray(), expected.Data, relativeTolerance, $"{caseName}: gradient of input {i}");
        }
    }

    /// <summary>|actual − expected| ≤ 1e-14 + rtol·|expected|, with NaN matching only NaN and infinities matching exactly.</summary>
    public static void ShouldBeCloseWithNaN(double[] actual, double[] expected, double relativeTolerance, string what)
    {
        actual.Length.ShouldBe(expected.Length, $"{what}: length");
        for (var i = 0; i < actual.Length; i++)
        {
            double a = actual[i], e = expected[i];
            if (double.IsNaN(e) || double.IsInfinity(e))
            {
                a.ShouldBe(e, $"{what}, element {i}");
                continue;
            }
            Math.Abs(a - e).ShouldBeLessThanOrEqualTo(1e-14 + relativeTolerance * Math.Abs(e), $"{what}, element {i}: actual {a:R}, expected {e:R}");
        }
    }
}
