using AutoGradNet.Optim;

namespace AutoGradNet.Serialization;

/// <summary>
/// Saves and loads an <see cref="Optimizer"/>'s <see cref="Optimizer.StateDict"/> (hyperparameters and per-parameter
/// buffers such as Adam's moments) in either checkpoint format, so that training resumes exactly where it stopped.
/// Saving is atomic; loading validates the file, then <see cref="Optimizer.LoadStateDict"/> checks every key, shape
/// and dtype and changes nothing on a mismatch.
/// </summary>
public static class OptimizerCheckpoints
{
    /// <summary>Writes the optimizer's state dictionary as safetensors (see <see cref="Safetensors"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    public static void SaveSafetensors(this Optimizer optimizer, string path)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Safetensors.Save(optimizer.StateDict(), path);
    }

    /// <summary>Loads a safetensors file written by <see cref="SaveSafetensors"/> into the optimizer, all or nothing.</summary>
    /// <exception cref="InvalidDataException">The file is truncated or corrupt.</exception>
    /// <exception cref="ArgumentException">A key, shape or dtype does not match the optimizer.</exception>
    public static void LoadSafetensors(this Optimizer optimizer, string path)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer.LoadStateDict(Safetensors.Load(path));
    }

    /// <summary>Writes the optimizer's state dictionary as JSON (see <see cref="Checkpoint"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    public static void SaveJson(this Optimizer optimizer, string path)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Checkpoint.SaveJson(optimizer.StateDict(), path);
    }

    /// <summary>Loads a JSON checkpoint written by <see cref="SaveJson"/> into the optimizer, all or nothing.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint.</exception>
    /// <exception cref="ArgumentException">A key, shape or dtype does not match the optimizer.</exception>
    public static void LoadJson(this Optimizer optimizer, string path)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer.LoadStateDict(Checkpoint.LoadJson(path));
    }
}
