namespace Scratchgen.Data;

/// <summary>A data file (IDX, image) that does not hold what its format promises (an IOException:
/// InvalidDataException is sealed). The message names
/// the file and what was expected; <see cref="FilePath"/> and <see cref="Problem"/> hold the parts.</summary>
public class DataFormatException : IOException
{
    /// <summary>A data file that cannot be read: which file and what is wrong with it.</summary>
    public DataFormatException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The file (or resource name) that was refused.</summary>
    public string FilePath { get; }

    /// <summary>What was wrong, without the file name.</summary>
    public string Problem { get; }
}
