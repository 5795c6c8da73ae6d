namespace AutoGradNet.Data;

/// <summary>What <see cref="Csv.Load(string, string, bool, char, DType)"/> reads: features, labels and the column names.</summary>
/// <param name="Features">The feature columns, Float64 [N, F], in file order without the label column.</param>
/// <param name="Labels">The label column, [N], Int64 or Float64 as requested.</param>
/// <param name="FeatureNames">The feature columns' names (from the header, or <c>column1</c>... without one).</param>
/// <param name="LabelName">The label column's name.</param>
public sealed record CsvTable(Tensor Features, Tensor Labels, IReadOnlyList<string> FeatureNames, string LabelName)
{
    /// <summary>The features and labels as a <see cref="TensorDataset"/>.</summary>
    public TensorDataset ToDataset() => new(Features, Labels);
}
