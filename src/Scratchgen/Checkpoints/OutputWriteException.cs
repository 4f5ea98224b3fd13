namespace Scratchgen.Checkpoints;

/// <summary>A file could not be written (the disk is full, the folder is read-only, ...). Raised by
/// <see cref="AtomicFile"/>, which leaves the previous version of the file as it was: the message
/// names the file and the system's reason.</summary>
public sealed class OutputWriteException(string filePath, Exception inner)
    : IOException($"could not write {filePath}: {inner.Message.TrimEnd('.')}; what was saved there before is unchanged", inner)
{
    /// <summary>The file that could not be written.</summary>
    public string FilePath { get; } = filePath;
}
