namespace AutoGradNet.Optim;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter), PyTorch's <c>torch.optim.AdamW</c>: before the Adam update
/// (without L2 in the gradient) every step shrinks the parameter, <c>p = p * (1 - lr * weight_decay)</c>.
/// State as <see cref="Adam"/>.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>AdamW over one group of parameters; <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
    /// <exception cref="ArgumentException">The list is empty, lr, eps or weight decay is negative, or a beta is outside [0, 1).</exception>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false)
        : this(OneGroup(parameters, "AdamW"), lr, betas, eps, weightDecay, amsgrad)
    {
    }

    /// <summary>AdamW over parameter groups; the arguments are the defaults for hyperparameters a group does not set.</summary>
    /// <exception cref="ArgumentException">The groups hold no parameter, or a hyperparameter is unknown or out of range.</exception>
    public AdamW(IEnumerable<ParameterGroup> groups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false)
        : base("AdamW", groups, lr, betas, eps, weightDecay, amsgrad)
    {
    }

    private protected override bool DecoupledWeightDecay => true;
}
