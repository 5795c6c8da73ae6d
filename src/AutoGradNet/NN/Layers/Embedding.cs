namespace AutoGradNet.NN;

/// <summary>
/// A lookup table of <c>numEmbeddings</c> vectors of size <c>embeddingDim</c> (PyTorch's <c>nn.Embedding</c>):
/// Int64 indices of any shape give <c>[..., embeddingDim]</c> (<see cref="Functional.Embedding"/>). The weight is
/// initialised N(0, 1) as in PyTorch, with the <c>paddingIndex</c> row set to zeros; that row gets no gradient.
/// </summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    /// <summary>Creates the table, drawing the weight from <paramref name="random"/> (<see cref="Init.DefaultRandom"/> when null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or <paramref name="paddingIndex"/> is out of range.</exception>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIndex = null, Random? random = null, DType dtype = DType.Float64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numEmbeddings);
        ArgumentOutOfRangeException.ThrowIfNegative(embeddingDim);
        if (paddingIndex is { } pad)
        {
            if (pad < -numEmbeddings || pad >= numEmbeddings)
                throw new ArgumentOutOfRangeException(nameof(paddingIndex), pad, $"Embedding: paddingIndex {pad} is out of range for {numEmbeddings} embeddings.");
            if (pad < 0) paddingIndex = pad + numEmbeddings;
        }
        PaddingIndex = paddingIndex;
        var weight = RegisterParameter("weight", Tensor.Zeros([numEmbeddings, embeddingDim], dtype));
        Init.Normal(weight, random ?? Init.DefaultRandom);
        if (PaddingIndex is { } row)
            using (Tensor.NoGrad()) weight.Select(0, row).Fill(0);
    }

    /// <summary>The row that is zero and gets no gradient, if any.</summary>
    public int? PaddingIndex { get; }

    /// <summary>The table, shape <c>[numEmbeddings, embeddingDim]</c>.</summary>
    public Tensor Weight => GetParameter("weight");

    /// <summary>The rows at <paramref name="input"/> (Int64 indices).</summary>
    public override Tensor Forward(Tensor input) => Functional.Embedding(Weight, input, PaddingIndex);
}
