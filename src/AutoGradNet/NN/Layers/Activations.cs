using F = AutoGradNet.Functional;

namespace AutoGradNet.NN;

/// <summary>The logistic sigmoid as a layer (<see cref="Functional.Sigmoid"/>).</summary>
public sealed class Sigmoid : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Sigmoid(input);
}

/// <summary>Hyperbolic tangent as a layer (<see cref="Functional.Tanh"/>).</summary>
public sealed class Tanh : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Tanh(input);
}

/// <summary>ReLU, max(x, 0), as a layer (<see cref="Functional.Relu"/>).</summary>
public sealed class ReLU : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Relu(input);
}

/// <summary>Leaky ReLU as a layer (<see cref="Functional.LeakyRelu"/>).</summary>
/// <param name="negativeSlope">The slope for x ≤ 0 (PyTorch's default 0.01).</param>
public sealed class LeakyReLU(double negativeSlope = 0.01) : Module<Tensor, Tensor>
{
    /// <summary>The slope for x ≤ 0.</summary>
    public double NegativeSlope { get; } = negativeSlope;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LeakyRelu(input, NegativeSlope);
}

/// <summary>ELU as a layer (<see cref="Functional.Elu"/>).</summary>
/// <param name="alpha">α in α(eˣ − 1) for x ≤ 0 (default 1).</param>
public sealed class ELU(double alpha = 1) : Module<Tensor, Tensor>
{
    /// <summary>α.</summary>
    public double Alpha { get; } = alpha;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Elu(input, Alpha);
}

/// <summary>GELU (exact erf form) as a layer (<see cref="Functional.Gelu"/>).</summary>
public sealed class GELU : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Gelu(input);
}

/// <summary>SiLU, x·σ(x), as a layer (<see cref="Functional.Silu"/>).</summary>
public sealed class SiLU : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Silu(input);
}

/// <summary>Softplus, ln(1 + eˣ), as a layer (<see cref="Functional.Softplus"/>).</summary>
public sealed class Softplus : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softplus(input);
}

/// <summary>Softmax along <paramref name="axis"/> as a layer (<see cref="Functional.Softmax"/>).</summary>
/// <param name="axis">The axis that sums to 1 (default the last).</param>
public sealed class Softmax(int axis = -1) : Module<Tensor, Tensor>
{
    /// <summary>The axis that sums to 1.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softmax(input, Axis);
}

/// <summary>Log-softmax along <paramref name="axis"/> as a layer (<see cref="Functional.LogSoftmax"/>).</summary>
/// <param name="axis">The axis normalised (default the last).</param>
public sealed class LogSoftmax(int axis = -1) : Module<Tensor, Tensor>
{
    /// <summary>The axis normalised.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LogSoftmax(input, Axis);
}

/// <summary>Flattens axes <paramref name="startAxis"/> to <paramref name="endAxis"/> into one (PyTorch's <c>nn.Flatten</c>; by default every axis but the batch axis); a view when the layout allows.</summary>
/// <param name="startAxis">The first axis flattened (default 1).</param>
/// <param name="endAxis">The last axis flattened (default −1, the last).</param>
public sealed class Flatten(int startAxis = 1, int endAxis = -1) : Module<Tensor, Tensor>
{
    /// <summary>The first axis flattened.</summary>
    public int StartAxis { get; } = startAxis;

    /// <summary>The last axis flattened.</summary>
    public int EndAxis { get; } = endAxis;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        Ops.Checks.NotNull(input, "Flatten", "input");
        return input.Flatten(StartAxis, EndAxis);
    }
}

/// <summary>
/// Dropout (PyTorch's <c>nn.Dropout</c>): in training mode each element is zeroed with probability p and the kept
/// ones are scaled by 1/(1 − p) (inverted dropout, so evaluation needs no rescaling); in evaluation mode it returns the
/// input itself. The masks are drawn from the layer's own generator (a keep where U[0,1) &lt; 1 − p), so two layers
/// built with the same seed draw the same masks in the same order.
/// </summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    private readonly Random _random;

    /// <summary>Creates the layer with drop probability <paramref name="p"/> and a fixed <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1].</exception>
    public Dropout(double p, int seed) : this(p, new Random(seed))
    {
    }

    /// <summary>Creates the layer with drop probability <paramref name="p"/> (default 0.5) and the generator <paramref name="random"/> (<see cref="Init.DefaultRandom"/> when null).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1].</exception>
    public Dropout(double p = 0.5, Random? random = null)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"Dropout: the probability must be in [0, 1], got {p}.");
        P = p;
        _random = random ?? Init.DefaultRandom;
    }

    /// <summary>The probability of zeroing an element.</summary>
    public double P { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        Ops.Checks.NotNull(input, "Dropout", "input");
        if (!IsTraining || P == 0) return input;
        if (P == 1) return input * 0.0;
        var keep = Tensor.Uniform(input.Shape, _random) < 1 - P;
        return input * keep.To(input.DType) * (1 / (1 - P));
    }
}
