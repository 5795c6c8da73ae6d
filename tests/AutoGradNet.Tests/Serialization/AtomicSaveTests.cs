using AutoGradNet.Serialization;

namespace AutoGradNet.Tests.Serialization;

/// <summary>A save that fails part-way leaves the previous file as it was and no temporary file behind.</summary>
public class AtomicSaveTests
{
    [Fact]
    public void A_writer_failing_mid_write_leaves_the_old_file_intact()
    {
        var dir = SerializationTestFiles.NewDirectory();
        try
        {
            var path = Path.Combine(dir, "model.safetensors");
            File.WriteAllBytes(path, [1, 2, 3]);
            Should.Throw<IOException>(() => AtomicFile.Write(path, stream =>
            {
                stream.Write(new byte[100_000]);
                throw new IOException("simulated disk failure");
            })).Message.ShouldBe("simulated disk failure");
            File.ReadAllBytes(path).ShouldBe([1, 2, 3]);
            Directory.GetFiles(dir).ShouldBe([path]);
        }
        finally
        {
            SerializationTestFiles.Delete(dir);
        }
    }

    [Fact]
    public void A_failed_save_in_either_format_leaves_the_old_checkpoint_loadable()
    {
        var dir = SerializationTestFiles.NewDirectory();
        try
        {
            var old = new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray([1.0, 2.0]) };
            var bad = new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray([3.0]), ["v"] = null! };
            var st = Path.Combine(dir, "model.safetensors");
            var json = Path.Combine(dir, "model.json");
            Safetensors.Save(old, st);
            Checkpoint.SaveJson(old, json);

            Should.Throw<ArgumentException>(() => Safetensors.Save(bad, st));
            Should.Throw<ArgumentException>(() => Checkpoint.SaveJson(bad, json));

            Safetensors.Load(st)["w"].ToArray().ShouldBe([1.0, 2.0]);
            Checkpoint.LoadJson(json)["w"].ToArray().ShouldBe([1.0, 2.0]);
            Directory.GetFiles(dir).Order().ShouldBe([json, st]);
        }
        finally
        {
            SerializationTestFiles.Delete(dir);
        }
    }

    [Fact]
    public void Saving_over_an_existing_file_replaces_it()
    {
        var dir = SerializationTestFiles.NewDirectory();
        try
        {
            var path = Path.Combine(dir, "model.safetensors");
            File.WriteAllText(path, "an older, longer file that is not safetensors at all");
            Safetensors.Save(new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray([5.0]) }, path);
            Safetensors.Load(path)["w"].ToArray().ShouldBe([5.0]);
            Directory.GetFiles(dir).ShouldBe([path]);
        }
        finally
        {
            SerializationTestFiles.Delete(dir);
        }
    }

    [Fact]
    public void Saving_into_a_missing_directory_throws_and_creates_nothing()
    {
        var dir = SerializationTestFiles.NewDirectory();
        try
        {
            var path = Path.Combine(dir, "no-such-dir", "model.safetensors");
            Should.Throw<DirectoryNotFoundException>(() => Safetensors.Save(new Dictionary<string, Tensor>(), path));
            Directory.GetFileSystemEntries(dir).ShouldBeEmpty();
        }
        finally
        {
            SerializationTestFiles.Delete(dir);
        }
    }
}
