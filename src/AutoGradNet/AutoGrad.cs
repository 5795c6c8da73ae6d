using AutoGradNet.Autograd;

namespace AutoGradNet;

/// <summary>The functional autograd API, like <c>torch.autograd.grad</c>.</summary>
public static partial class AutoGrad
{
    /// <summary>
    /// The gradients of <paramref name="output"/> with respect to <paramref name="inputs"/>, returned rather than
    /// accumulated into <see cref="Tensor.Grad"/>. With <paramref name="createGraph"/> the results carry a graph of
    /// their own, so they can be differentiated again (second derivatives, Hessian-vector products).
    /// </summary>
    /// <param name="output">The tensor to differentiate.</param>
    /// <param name="inputs">Tensors (leaves or intermediate results) in the graph of <paramref name="output"/>.</param>
    /// <param name="gradOutput">∂L/∂output; may be omitted for a single-element output.</param>
    /// <param name="retainGraph">Keep the graph for another backward; defaults to <paramref name="createGraph"/>.</param>
    /// <param name="createGraph">Record the backward itself so the gradients are differentiable.</param>
    /// <param name="allowUnused">Return zeros for an input the output does not depend on instead of throwing.</param>
    /// <exception cref="InvalidOperationException">An input is not used in the graph and <paramref name="allowUnused"/> is false.</exception>
    public static Tensor[] Grad(Tensor output, Tensor[] inputs, Tensor? gradOutput = null,
        bool? retainGraph = null, bool createGraph = false, bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var input in inputs) ArgumentNullException.ThrowIfNull(input, nameof(inputs));
        if (!output.RequiresGrad && allowUnused)
        {
            // The output is constant in every input (e.g. the gradient of a linear function): all gradients are 0.
            return Array.ConvertAll(inputs, t => Tensor.ZerosLike(t));
        }
        var seed = output.SeedGradient(gradOutput, "AutoGrad.Grad");
        var grads = Engine.Run(output, seed, retainGraph ?? createGraph, createGraph, inputs)!;
        var result = new Tensor[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            if (grads[i] is { } g)
            {
                result[i] = g;
            }
            else if (allowUnused)
            {
                result[i] = Tensor.ZerosLike(inputs[i]);
            }
            else
            {
                throw new InvalidOperationException(
                    $"AutoGrad.Grad: input {i} (shape {inputs[i].Shape}) is not used in the graph of the output (shape {output.Shape}), " +
                    "or does not require grad. Pass allowUnused: true to get zeros for it.");
            }
        }
        return result;
    }
}
