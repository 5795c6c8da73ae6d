namespace AutoGradNet;

/// <summary>
/// How a loss turns its per-element values into its result (PyTorch's <c>reduction</c> argument).
/// </summary>
public enum Reduction
{
    /// <summary>No reduction: the per-element losses, in the shape the loss documents ('none').</summary>
    None,

    /// <summary>The sum of the per-element losses, a 0-d tensor ('sum').</summary>
    Sum,

    /// <summary>
    /// The mean of the per-element losses, a 0-d tensor ('mean', the default). Losses with class weights divide by the
    /// sum of the weights of the targets that count instead, as PyTorch does.
    /// </summary>
    Mean,

    /// <summary>
    /// The sum divided by the batch size (the size of axis 0), PyTorch's 'batchmean'; only
    /// <see cref="Functional.KlDivLoss"/> accepts it, where it gives the mathematical KL divergence per sample.
    /// </summary>
    BatchMean,
}
