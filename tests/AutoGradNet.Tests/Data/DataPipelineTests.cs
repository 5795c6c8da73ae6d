using AutoGradNet.Data;

namespace AutoGradNet.Tests.Data;

public sealed class DataPipelineTests
{
    [Fact]
    public void Idx_images_and_labels_feed_a_loader_of_flattened_scaled_batches()
    {
        using var dir = new TempDir();
        // Image i (2×2) holds 10 i + 0..3; label i is i % 3.
        var pixels = Enumerable.Range(0, 5).SelectMany(i => Enumerable.Range(0, 4).Select(k => (double)((10 * i) + k))).ToArray();
        Idx.Save(dir.File("images.gz"), Tensor.FromArray(pixels, 5, 2, 2), gzip: true);
        Idx.Save(dir.File("labels"), Tensor.FromArray(new long[] { 0, 1, 2, 0, 1 }));

        var images = Idx.LoadImages(dir.File("images.gz"), DType.Float32, scale: true);
        var labels = Idx.LoadLabels(dir.File("labels"));
        var batches = new DataLoader(new TensorDataset(images.Flatten(1), labels), 2, shuffle: true, seed: 5).ToList();

        batches.Count.ShouldBe(3);
        foreach (var b in batches)
        {
            b[0].DType.ShouldBe(DType.Float32);
            b[0].Shape[1].ShouldBe(4);
            var ids = b[0].Select(1, 0).ToArray<float>().Select(v => (int)Math.Round(v * 255 / 10)).ToArray();
            b[0].ToArray<float>().ShouldBe(ids.SelectMany(i => Enumerable.Range(0, 4).Select(k => ((10 * i) + k) / 255f)).ToArray());
            b[1].ToArray<long>().ShouldBe(ids.Select(i => (long)(i % 3)).ToArray());
        }
        batches.SelectMany(b => b[1].ToArray<long>()).Count().ShouldBe(5);
    }

    [Fact]
    public void Csv_table_becomes_a_dataset_for_the_loader()
    {
        var table = Csv.Load(new StringReader("a,b,y\n1,2,0\n3,4,1\n5,6,1\n"), "y");
        var batches = new DataLoader(table.ToDataset(), 2).ToList();
        batches[0][0].ToArray().ShouldBe([1.0, 2, 3, 4]);
        batches[0][1].ToArray<long>().ShouldBe([0L, 1]);
        batches[1][0].ToArray().ShouldBe([5.0, 6]);
    }
}
