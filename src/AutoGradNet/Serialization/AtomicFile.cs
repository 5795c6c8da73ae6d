namespace AutoGradNet.Serialization;

/// <summary>
/// Replaces a file all at once: the content goes to a temporary file in the same directory, is flushed to disk, and
/// only then moved over the target. A failure at any point leaves the old file as it was (and removes the temporary).
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        // Same directory, so the final move is a rename on the same file system rather than a copy.
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // The original failure is the one worth reporting.
            }
            catch (UnauthorizedAccessException)
            {
                // As above.
            }
            throw;
        }
    }
}
