using System.Globalization;
using AutoGradNet.Autograd;

namespace AutoGradNet.Verification;

/// <summary>
/// Compares the gradients autograd computes (by graph traversal) with central finite differences, like PyTorch's
/// <c>torch.autograd.gradcheck</c> (<see cref="Run"/>) and <c>gradgradcheck</c> (<see cref="SecondOrder"/>), and says
/// where and by how much they disagree: per input, the max absolute and relative errors, the worst entry by its
/// multi-dimensional indices with both values, and how many entries failed. Use it to check a
/// <see cref="CustomFunction"/>'s hand-written backward.
/// </summary>
/// <remarks>
/// The check runs in Float64: a Float32 input is refused, or checked on a Float64 copy with <c>upcast: true</c>. The
/// inputs marked <see cref="Tensor.RequiresGrad"/> are checked, or every floating-point input when none is marked;
/// Int64 and Bool inputs are passed through as constants. Every input's <see cref="Tensor.RequiresGrad"/> is restored
/// afterwards. Evaluate away from kinks (ReLU at 0, abs at 0, max ties), where a one-sided convention and a central
/// difference legitimately disagree.
/// </remarks>
public static class GradCheck
{
    /// <summary>
    /// Builds the full Jacobian of <paramref name="function"/> at <paramref name="inputs"/> twice — once row by row with
    /// backward passes, once column by column with central differences (f(x + ε) − f(x − ε)) / 2ε — and compares them
    /// entry by entry: an entry passes when |analytic − numeric| ≤ atol + rtol·|numeric|.
    /// </summary>
    /// <param name="function">The function to check; it may return a tensor of any shape.</param>
    /// <param name="inputs">
    /// The inputs. Those with <see cref="Tensor.RequiresGrad"/> are checked; if none is marked, every floating-point
    /// input is (marked for the duration of the call only). Checked inputs must be Float64 unless
    /// <paramref name="upcast"/> is set. They are perturbed in place, through their strides, and restored.
    /// </param>
    /// <param name="epsilon">The finite-difference step ε.</param>
    /// <param name="absoluteTolerance">The absolute tolerance atol.</param>
    /// <param name="relativeTolerance">The relative tolerance rtol.</param>
    /// <param name="upcast">Check a Float32 input on a Float64 copy instead of refusing it; the report says so.</param>
    /// <param name="maxReportedEntries">How many failing entries the report lists (per input, and in <see cref="GradCheckResult.Report"/>); the counts always cover all.</param>
    /// <returns>The per-input comparison; <see cref="GradCheckResult.ToString"/> prints it.</returns>
    /// <exception cref="ArgumentNullException">The function, the inputs array or an input is null.</exception>
    /// <exception cref="ArgumentException">A checked input is Float32 and <paramref name="upcast"/> is false.</exception>
    /// <exception cref="ArgumentOutOfRangeException">ε is not positive, a tolerance is negative, or <paramref name="maxReportedEntries"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The function returned null.</exception>
    public static GradCheckResult Run(Func<Tensor[], Tensor> function, Tensor[] inputs,
        double epsilon = 1e-6, double absoluteTolerance = 1e-6, double relativeTolerance = 1e-4,
        bool upcast = false, int maxReportedEntries = 20)
    {
        const string op = "GradCheck.Run";
        ArgumentNullException.ThrowIfNull(function);
        Validate(inputs, epsilon, absoluteTolerance, relativeTolerance, maxReportedEntries, op);
        var work = Prepare(inputs, upcast, op, out var checkedIndices, out var upcasted);
        var flags = Array.ConvertAll(work, t => t.RequiresGrad);
        try
        {
            using var mode = GradMode.Set(true);
            foreach (var k in checkedIndices.Where(k => !work[k].RequiresGrad)) work[k].RequiresGrad = true;
            Tensor[] Outputs(Tensor[] t) => [function(t) ?? throw new InvalidOperationException($"{op}: the function returned null; it must return the output tensor.")];
            var inputResults = Compare(Outputs, _ => "output", work, checkedIndices, upcasted,
                epsilon, absoluteTolerance, relativeTolerance, maxReportedEntries);
            return new GradCheckResult("GradCheck", inputResults, epsilon, absoluteTolerance, relativeTolerance, maxReportedEntries);
        }
        finally
        {
            Restore(work, flags);
        }
    }

    /// <summary>Like <see cref="Run"/>, but throws with the full report when the check fails (for tests).</summary>
    /// <inheritdoc cref="Run" path="/param"/>
    /// <exception cref="InvalidOperationException">The Jacobians disagree; the message is the report.</exception>
    public static void Assert(Func<Tensor[], Tensor> function, Tensor[] inputs,
        double epsilon = 1e-6, double absoluteTolerance = 1e-6, double relativeTolerance = 1e-4,
        bool upcast = false, int maxReportedEntries = 20)
    {
        var result = Run(function, inputs, epsilon, absoluteTolerance, relativeTolerance, upcast, maxReportedEntries);
        ThrowIfFailed(result);
    }

    /// <summary>
    /// The second-order check, like PyTorch's <c>gradgradcheck</c>: checks the derivatives of the backward pass itself.
    /// It differentiates v·f (the vector-Jacobian product with a fixed grad_output v) with <c>createGraph: true</c>,
    /// giving ∂(v·f)/∂x for each checked input x, and then checks that function of the inputs with <see cref="Run"/>'s
    /// comparison: the gradients of the gradients against finite differences of the gradients. A backward written in
    /// raw numbers, or one whose own derivative is wrong, fails here even when the first-order check passes.
    /// </summary>
    /// <param name="function">The function whose backward is checked.</param>
    /// <param name="inputs">As for <see cref="Run"/>.</param>
    /// <param name="gradOutput">v, with the output's shape; by default standard normal values drawn with <paramref name="seed"/>.</param>
    /// <param name="seed">The seed of the random grad_output.</param>
    /// <param name="epsilon">The finite-difference step ε.</param>
    /// <param name="absoluteTolerance">The absolute tolerance atol.</param>
    /// <param name="relativeTolerance">The relative tolerance rtol.</param>
    /// <param name="upcast">Check a Float32 input on a Float64 copy instead of refusing it.</param>
    /// <param name="maxReportedEntries">How many failing entries the report lists.</param>
    /// <returns>The comparison; its outputs are labelled "gradient of input k".</returns>
    /// <exception cref="ArgumentNullException">The function, the inputs array or an input is null.</exception>
    /// <exception cref="ArgumentException">A checked input is Float32 without <paramref name="upcast"/>, or <paramref name="gradOutput"/> does not have the output's shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException">ε is not positive, a tolerance is negative, or <paramref name="maxReportedEntries"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The function returned null.</exception>
    public static GradCheckResult SecondOrder(Func<Tensor[], Tensor> function, Tensor[] inputs, Tensor? gradOutput = null,
        int seed = 0, double epsilon = 1e-6, double absoluteTolerance = 1e-6, double relativeTolerance = 1e-4,
        bool upcast = false, int maxReportedEntries = 20)
    {
        const string op = "GradCheck.SecondOrder";
        ArgumentNullException.ThrowIfNull(function);
        Validate(inputs, epsilon, absoluteTolerance, relativeTolerance, maxReportedEntries, op);
        var work = Prepare(inputs, upcast, op, out var checkedIndices, out var upcasted);
        var flags = Array.ConvertAll(work, t => t.RequiresGrad);
        try
        {
            using var mode = GradMode.Set(true);
            foreach (var k in checkedIndices.Where(k => !work[k].RequiresGrad)) work[k].RequiresGrad = true;
            var targets = Array.ConvertAll(checkedIndices, k => work[k]);
            Tensor Forward(Tensor[] t) => function(t) ?? throw new InvalidOperationException($"{op}: the function returned null; it must return the output tensor.");

            var y = Forward(work);
            var v = gradOutput ?? Tensor.Normal(y.Shape, seed);
            if (v.Shape != y.Shape)
                throw new ArgumentException($"{op}: gradOutput has shape {v.Shape}, but the function's output has shape {y.Shape}.", nameof(gradOutput));
            v = v.Detach();
            if (v.DType != y.DType && y.DType.IsFloatingPoint()) v = v.ConvertedTo(y.DType);

            // An output that does not require grad gives zeros (allowUnused), as a constant's gradient should.
            Tensor[] Gradients(Tensor[] t) =>
                AutoGrad.Grad(Forward(t), targets, v, retainGraph: true, createGraph: true, allowUnused: true);
            var inputResults = Compare(Gradients, j => $"gradient of input {checkedIndices[j]}", work, checkedIndices, upcasted,
                epsilon, absoluteTolerance, relativeTolerance, maxReportedEntries);
            var what = gradOutput is null ? $"a random grad_output (seed {seed})" : "the given grad_output";
            return new GradCheckResult($"GradCheck.SecondOrder (the backward with {what}, differentiated again)",
                inputResults, epsilon, absoluteTolerance, relativeTolerance, maxReportedEntries);
        }
        finally
        {
            Restore(work, flags);
        }
    }

    /// <summary>Like <see cref="SecondOrder"/>, but throws with the full report when the check fails (for tests).</summary>
    /// <inheritdoc cref="SecondOrder" path="/param"/>
    /// <exception cref="InvalidOperationException">The second derivatives disagree; the message is the report.</exception>
    public static void AssertSecondOrder(Func<Tensor[], Tensor> function, Tensor[] inputs, Tensor? gradOutput = null,
        int seed = 0, double epsilon = 1e-6, double absoluteTolerance = 1e-6, double relativeTolerance = 1e-4,
        bool upcast = false, int maxReportedEntries = 20)
    {
        var result = SecondOrder(function, inputs, gradOutput, seed, epsilon, absoluteTolerance, relativeTolerance, upcast, maxReportedEntries);
        ThrowIfFailed(result);
    }

    private static void ThrowIfFailed(GradCheckResult result)
    {
        if (!result.Passed)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"GradCheck failed: the backward disagrees with finite differences (max abs error {result.MaxAbsoluteError:R}).\n{result}"));
        }
    }

    private static void Validate(Tensor[] inputs, double epsilon, double atol, double rtol, int maxReported, string op)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        for (var i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"{op}: input {i} is null.");
        }
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"{op}: the step epsilon must be positive and finite.");
        if (!(atol >= 0))
            throw new ArgumentOutOfRangeException(nameof(atol), atol, $"{op}: the absolute tolerance must be non-negative.");
        if (!(rtol >= 0))
            throw new ArgumentOutOfRangeException(nameof(rtol), rtol, $"{op}: the relative tolerance must be non-negative.");
        if (maxReported < 0)
            throw new ArgumentOutOfRangeException(nameof(maxReported), maxReported, $"{op}: maxReportedEntries must be non-negative.");
    }

    /// <summary>The tensors the check works on (Float64 copies of upcast inputs) and which of them are checked.</summary>
    private static Tensor[] Prepare(Tensor[] inputs, bool upcast, string op, out int[] checkedIndices, out bool[] upcasted)
    {
        var marked = Enumerable.Range(0, inputs.Length).Where(i => inputs[i].RequiresGrad).ToArray();
        checkedIndices = marked.Length > 0
            ? marked
            : [.. Enumerable.Range(0, inputs.Length).Where(i => inputs[i].DType.IsFloatingPoint())];
        if (checkedIndices.Length == 0)
        {
            // Like torch's gradcheck: a check that checks nothing must not report a pass.
            throw new ArgumentException(
                $"{op}: no input to check: every input is Int64 or Bool (dtypes [{string.Join(", ", inputs.Select(t => t.DType))}]). " +
                "Pass at least one floating-point input.", nameof(inputs));
        }
        var work = (Tensor[])inputs.Clone();
        upcasted = new bool[inputs.Length];
        foreach (var k in checkedIndices)
        {
            var t = inputs[k];
            if (t.DType == DType.Float64) continue;
            if (!upcast)
            {
                throw new ArgumentException(
                    $"{op}: input {k} (shape {t.Shape}) is {t.DType}, but the check runs in Float64: Float32 has about 7 significant digits, " +
                    "too few for a finite difference with a small step. Pass a Float64 tensor (t.To(DType.Float64).Detach()), " +
                    "or pass upcast: true to check a Float64 copy.", nameof(inputs));
            }
            var copy = t.ConvertedTo(DType.Float64);
            copy.RequiresGrad = t.RequiresGrad;
            work[k] = copy;
            upcasted[k] = true;
        }
        return work;
    }

    private static void Restore(Tensor[] work, bool[] flags)
    {
        for (var i = 0; i < work.Length; i++)
        {
            if (work[i].IsLeaf && work[i].RequiresGrad != flags[i]) work[i].RequiresGrad = flags[i];
        }
    }

    /// <summary>The analytic and numeric Jacobians of every output with respect to every checked input, compared.</summary>
    private static GradCheckInputResult[] Compare(Func<Tensor[], Tensor[]> function, Func<int, string> label, Tensor[] all,
        int[] checkedIndices, bool[] upcasted, double epsilon, double atol, double rtol, int maxReported)
    {
        var targets = Array.ConvertAll(checkedIndices, k => all[k]);
        var outputs = function(all);
        var shapes = Array.ConvertAll(outputs, o => o.Shape);
        var analytic = AnalyticJacobians(outputs, targets, out var connected);
        var numeric = NumericJacobians(function, all, targets, shapes, epsilon);

        var results = new GradCheckInputResult[targets.Length];
        for (var k = 0; k < targets.Length; k++)
        {
            var input = targets[k];
            var hasPath = connected[k] || outputs.All(o => o.Size == 0) || input.Size == 0;
            var r = results[k] = new GradCheckInputResult(checkedIndices[k], input.Shape, upcasted[checkedIndices[k]], hasPath);
            var worstError = -1.0;
            for (var j = 0; j < outputs.Length; j++)
            {
                for (var o = 0; o < shapes[j].Size; o++)
                {
                    for (var e = 0; e < input.Size; e++)
                    {
                        double a = analytic[k][j][o, e], n = numeric[k][j][o, e];
                        var error = Math.Abs(a - n);
                        if (double.IsNaN(error)) error = double.PositiveInfinity;
                        // Where the true derivative is about 0 a ratio means nothing: a disagreement beyond atol is
                        // reported as an infinite relative error rather than hidden as 0.
                        var relative = Math.Abs(n) > atol ? error / Math.Abs(n) : error > atol ? double.PositiveInfinity : 0;
                        if (relative > r.MaxRelativeError) r.MaxRelativeError = relative;
                        r.TotalCount++;
                        GradCheckEntry? entry = null;
                        if (error > worstError)
                        {
                            worstError = error;
                            r.MaxAbsoluteError = error;
                            entry = new GradCheckEntry(label(j), shapes[j], Indices.Unravel(o, shapes[j]), Indices.Unravel(e, input.Shape), a, n);
                            r.Worst = entry;
                        }
                        if (!(error <= atol + rtol * Math.Abs(n)))
                        {
                            r.FailingCount++;
                            if (r._failures.Count < maxReported)
                                r._failures.Add(entry ?? new GradCheckEntry(label(j), shapes[j], Indices.Unravel(o, shapes[j]), Indices.Unravel(e, input.Shape), a, n));
                        }
                    }
                }
            }
        }
        return results;
    }

    private static double[][][,] AnalyticJacobians(Tensor[] outputs, Tensor[] inputs, out bool[] connected)
    {
        var jacobians = Array.ConvertAll(inputs, t => Array.ConvertAll(outputs, o => new double[o.Size, t.Size]));
        var reached = new bool[inputs.Length];
        for (var j = 0; j < outputs.Length; j++)
        {
            var output = outputs[j];
            if (!output.RequiresGrad) continue; // the output does not depend on the inputs: all zeros
            for (var o = 0; o < output.Size; o++)
            {
                var seed = new double[output.Size];
                seed[o] = 1;
                var seedTensor = Tensor.FromArray(seed, output.Shape.ToArray());
                if (output.DType != DType.Float64) seedTensor = seedTensor.ConvertedTo(output.DType);
                var grads = Engine.Run(output, seedTensor, retainGraph: true, createGraph: false, inputs)!;
                for (var k = 0; k < inputs.Length; k++)
                {
                    if (grads[k] is not { } g) continue;
                    reached[k] = true;
                    var values = g.DType == DType.Float64 ? g.Dense<double>() : g.ConvertedTo(DType.Float64).Dense<double>();
                    for (var e = 0; e < values.Length; e++) jacobians[k][j][o, e] = values[e];
                }
            }
        }
        connected = reached;
        return jacobians;
    }

    private static double[][][,] NumericJacobians(Func<Tensor[], Tensor[]> function, Tensor[] all, Tensor[] inputs, Shape[] shapes, double epsilon)
    {
        // Recording stays on: the function may itself call the autograd (a gradient of a gradient).
        var jacobians = Array.ConvertAll(inputs, t => Array.ConvertAll(shapes, s => new double[s.Size, t.Size]));
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
                var plus = Values(function(all));
                storage[at] = original - epsilon;
                var minus = Values(function(all));
                storage[at] = original;
                for (var j = 0; j < shapes.Length; j++)
                {
                    for (var o = 0; o < shapes[j].Size; o++) jacobians[k][j][o, e] = (plus[j][o] - minus[j][o]) / (2 * epsilon);
                }
            }
        }
        return jacobians;
    }

    private static double[][] Values(Tensor[] outputs) =>
        Array.ConvertAll(outputs, o => o.ToArray()); // ToArray converts every dtype to double exactly
}
