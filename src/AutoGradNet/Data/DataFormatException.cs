namespace AutoGradNet.Data;

/// <summary>
/// A data file is not what its reader expects (truncated, a wrong magic number, ragged rows, a cell that is not a
/// number...). The message names the file, the line or byte offset, and what was expected there.
/// </summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>An exception with no message.</summary>
    public DataFormatException()
    {
    }

    /// <summary>An exception with <paramref name="message"/>.</summary>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
