namespace Scratchgen.Checkpoints;

/// <summary>A checkpoint (safetensors) file that breaks the format's rules or our limits, or that does
/// not fit what it is loaded into. The message names the file, the tensor when there is one, and what
/// was expected. An IOException because InvalidDataException is sealed.</summary>
public sealed class CheckpointFormatException : IOException
{
    /// <summary>A checkpoint file that cannot be read: which file, which tensor (null when the problem is not one tensor's), and what is wrong.</summary>
    public CheckpointFormatException(string filePath, string? tensorName, string problem, Exception? inner = null)
        : base($"{filePath}: {(tensorName != null ? $"tensor '{tensorName}': " : "")}{problem}", inner)
    {
        FilePath = filePath;
        TensorName = tensorName;
        Problem = problem;
    }

    /// <summary>The file that failed to read.</summary>
    public string FilePath { get; }

    /// <summary>The tensor concerned, or null for a problem with the file as a whole.</summary>
    public string? TensorName { get; }

    /// <summary>What is wrong, without the file and tensor names.</summary>
    public string Problem { get; }
}
