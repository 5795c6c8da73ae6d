using System.Globalization;
using System.Text;

namespace AutoGradNet.Verification;

/// <summary>The outcome of a <see cref="GradCheck"/>: the worst disagreement found between the two Jacobians.</summary>
/// <param name="Passed">Whether every entry agreed within tolerance.</param>
/// <param name="MaxAbsoluteError">The largest |analytic − numeric| over all entries.</param>
/// <param name="Report">Empty when passed; otherwise names the input, the entry, and both Jacobian values.</param>
public sealed record GradCheckResult(bool Passed, double MaxAbsoluteError, string Report);

/// <summary>
/// Compares the gradients autograd computes (by graph traversal) with central finite differences,
/// like <c>torch.autograd.gradcheck</c>. Use float64 inputs: float32 differences are too coarse.
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Builds the full Jacobian of <paramref name="function"/> at <paramref name="inputs"/> twice — once row by
    /// row with backward passes, once column by column with central differences
    /// (f(x + ε) − f(x − ε)) / 2ε — and compares them entry by entry: |analytic − numeric| ≤ atol + rtol·|numeric|.
    /// </summary>
    /// <param name="function">The function to check; it may return a tensor of any shape.</param>
    /// <param name="inputs">
    /// Float64 tensors; those with <see cref="Tensor.RequiresGrad"/> are checked. If none is marked, all are checked
    /// (marked for the duration of the call only).
    /// </param>
    /// <param name="epsilon">The finite-difference step.</param>
    /// <param name="absoluteTolerance">The absolute tolerance.</param>
    /// <param name="relativeTolerance">The relative tolerance.</param>
    /// <exception cref="ArgumentException">An input is not float64.</exception>
    public static GradCheckResult Run(Func<Tensor[], Tensor> function, Tensor[] inputs,
        double epsilon = 1e-6, double absoluteTolerance = 1e-6, double relativeTolerance = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        for (var i = 0; i < inputs.Length; i++)
        {
            var t = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"GradCheck: input {i} is null.");
            if (t.DType != DType.Float64)
                throw new ArgumentException($"GradCheck: inputs must be Float64 for finite differences to be meaningful; got {t.DType} of shape {t.Shape}.");
        }
        var checkedInputs = Array.FindAll(inputs, t => t.RequiresGrad);
        var markedHere = checkedInputs.Length == 0;
        if (markedHere)
        {
            foreach (var t in inputs) t.RequiresGrad = true;
            checkedInputs = inputs;
        }

        Tensor output;
        double[][,] analytic, numeric;
        try
        {
            output = function(inputs) ?? throw new InvalidOperationException("GradCheck: the function returned null.");
            analytic = AnalyticJacobians(output, checkedInputs);
            numeric = NumericJacobians(function, inputs, checkedInputs, output.Size, epsilon);
        }
        finally
        {
            if (markedHere)
            {
                foreach (var t in inputs) t.RequiresGrad = false;
            }
        }

        var worst = 0.0;
        var report = new StringBuilder();
        for (var k = 0; k < checkedInputs.Length; k++)
        {
            var input = Array.IndexOf(inputs, checkedInputs[k]);
            for (var o = 0; o < output.Size; o++)
            {
                for (var e = 0; e < checkedInputs[k].Size; e++)
                {
                    double a = analytic[k][o, e], n = numeric[k][o, e];
                    var err = Math.Abs(a - n);
                    if (double.IsNaN(err)) err = double.PositiveInfinity;
                    worst = Math.Max(worst, err);
                    if (err > absoluteTolerance + relativeTolerance * Math.Abs(n) && report.Length < 2000)
                    {
                        report.AppendLine(CultureInfo.InvariantCulture,
                            $"input {input} (shape {checkedInputs[k].Shape}), output element {o} (output shape {output.Shape}), input element {e}: analytic {a:R} vs numeric {n:R}");
                    }
                }
            }
        }
        return new GradCheckResult(report.Length == 0, worst, report.ToString());
    }

    /// <summary>Like <see cref="Run"/>, but throws with the report when the check fails.</summary>
    /// <exception cref="InvalidOperationException">The Jacobians disagree.</exception>
    public static void Assert(Func<Tensor[], Tensor> function, Tensor[] inputs,
        double epsilon = 1e-6, double absoluteTolerance = 1e-6, double relativeTolerance = 1e-4)
    {
        var result = Run(function, inputs, epsilon, absoluteTolerance, relativeTolerance);
        if (!result.Passed)
            throw new InvalidOperationException($"GradCheck failed: the backward disagrees with finite differences (max abs error {result.MaxAbsoluteError:R}):\n{result.Report}");
    }

    private static double[][,] AnalyticJacobians(Tensor output, Tensor[] inputs)
    {
        var jacobians = Array.ConvertAll(inputs, t => new double[output.Size, t.Size]);
        if (!output.RequiresGrad) return jacobians; // output does not depend on the inputs: all zeros
        for (var o = 0; o < output.Size; o++)
        {
            var seed = Tensor.Zeros(output.Shape);
            seed.AsSpan<double>()[o] = 1;
            var grads = AutoGrad.Grad(output, inputs, seed, retainGraph: true, allowUnused: true);
            for (var k = 0; k < inputs.Length; k++)
            {
                var g = grads[k].Dense<double>();
                for (var e = 0; e < g.Length; e++) jacobians[k][o, e] = g[e];
            }
        }
        return jacobians;
    }

    private static double[][,] NumericJacobians(Func<Tensor[], Tensor> function, Tensor[] all, Tensor[] inputs, int outputs, double epsilon)
    {
        // Recording stays on: the function may itself call the autograd (a gradient of a gradient).
        var jacobians = Array.ConvertAll(inputs, t => new double[outputs, t.Size]);
        for (var k = 0; k < inputs.Length; k++)
        {
            // Perturb through the input's strides: a non-contiguous (view) input is perturbed element by element too.
            var input = inputs[k];
            var storage = (double[])input.Storage.Data;
            for (var e = 0; e < input.Size; e++)
            {
                var at = input.StorageIndex(e);
                var original = storage[at];
                storage[at] = original + epsilon;
                var plus = function(all).ToArray();
                storage[at] = original - epsilon;
                var minus = function(all).ToArray();
                storage[at] = original;
                for (var o = 0; o < outputs; o++) jacobians[k][o, e] = (plus[o] - minus[o]) / (2 * epsilon);
            }
        }
        return jacobians;
    }
}
