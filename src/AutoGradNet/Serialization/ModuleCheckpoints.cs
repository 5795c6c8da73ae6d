using AutoGradNet.NN;

namespace AutoGradNet.Serialization;

/// <summary>
/// Saves and loads a <see cref="Module"/>'s <see cref="Module.StateDict"/> (parameters and buffers) in either
/// checkpoint format. Saving is atomic; loading reads and validates the whole file first, then hands it to
/// <see cref="Module.LoadStateDict"/>, which checks every name, shape and dtype and changes nothing on a mismatch.
/// </summary>
public static class ModuleCheckpoints
{
    /// <summary>Writes the module's state dictionary as safetensors (see <see cref="Safetensors"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    public static void SaveSafetensors(this Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        Safetensors.Save(module.StateDict(), path, metadata);
    }

    /// <summary>
    /// Loads a safetensors file into the module's parameters and buffers, in place, all or nothing.
    /// </summary>
    /// <returns>The missing and unexpected keys (both empty when <paramref name="strict"/>).</returns>
    /// <exception cref="InvalidDataException">The file is truncated or corrupt (see <see cref="Safetensors.Load(string)"/>).</exception>
    /// <exception cref="ArgumentException">A name, shape or dtype does not match the module (see <see cref="Module.LoadStateDict"/>).</exception>
    public static LoadStateDictResult LoadSafetensors(this Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.LoadStateDict(Safetensors.Load(path), strict);
    }

    /// <summary>Writes the module's state dictionary as JSON (see <see cref="Checkpoint"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    public static void SaveJson(this Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        Checkpoint.SaveJson(module.StateDict(), path);
    }

    /// <summary>Loads a JSON checkpoint into the module's parameters and buffers, in place, all or nothing.</summary>
    /// <returns>The missing and unexpected keys (both empty when <paramref name="strict"/>).</returns>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint (see <see cref="Checkpoint.LoadJson"/>).</exception>
    /// <exception cref="ArgumentException">A name, shape or dtype does not match the module (see <see cref="Module.LoadStateDict"/>).</exception>
    public static LoadStateDictResult LoadJson(this Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.LoadStateDict(Checkpoint.LoadJson(path), strict);
    }
}
