namespace Scratchgen.Checkpoints;

/// <summary>A checkpoint (safetensors) file that breaks the format's rules or our limits, or that does
/// not fit what it is loaded into. The message names the file, the tensor when there is one, and what
/// was expected. An IOException because InvalidDataException is sealed.</summary>
public sealed class CheckpointFormatException : IOException
{
    public CheckpointFormatException(string filePath, string? tensorName, string problem, Exception? inner = null)
        : base($"{filePath}: {(tensorName != null ? $"tensor '{tensorName}': " : "")}{problem}", inner)
    {
        FilePath = filePath;
        TensorName = tensorName;
        Problem = problem;
    }

    public string FilePath { get; }

    /// <summary>The tensor concerned, or null for a problem with the file as a whole.</summary>
    public string? TensorName { get; }

    public string Problem { get; }
}
