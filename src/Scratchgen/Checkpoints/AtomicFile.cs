namespace Scratchgen.Checkpoints;

/// <summary>Writes a file so that a crash leaves either the old or the new version, never a torn one:
/// write to a temp file in the same folder, flush it to disk, then rename it over the target. A write
/// that fails (a full disk, a read-only folder) removes the temp file and throws
/// <see cref="OutputWriteException"/> naming the file; the old version is untouched.</summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? ".";
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(dir);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(FaultInjection.Wrap(stream));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException and not (OutputWriteException or CheckpointFormatException) or UnauthorizedAccessException)
        {
            DeleteQuietly(temp);
            throw new OutputWriteException(full, ex);
        }
        catch
        {
            DeleteQuietly(temp);
            throw;
        }
    }

    // Best effort: the original error matters more.
    private static void DeleteQuietly(string temp)
    {
        try { File.Delete(temp); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
