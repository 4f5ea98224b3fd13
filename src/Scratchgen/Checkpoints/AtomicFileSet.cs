namespace Scratchgen.Checkpoints;

/// <summary>
/// Writes several files of one folder as a unit (a checkpoint's model and training state): after a
/// crash at any moment, and <see cref="Recover"/>, the folder holds either every old file or every new
/// one, never a mix.
/// <para>Each file is first written completely under a staged name (<c>.NAME.next</c>, itself written
/// atomically, so that name only ever holds a whole file). The last file staged is the commit mark.
/// Then the staged files are renamed into place in the same order, the mark last. A crash while
/// staging leaves no staged mark: <see cref="Recover"/> deletes what was staged and the old set stands.
/// A crash while renaming leaves the mark staged: <see cref="Recover"/> finishes the renames and the new
/// set stands. A reader of one file alone (sample, Python's safetensors) always finds a whole file.</para>
/// </summary>
internal static class AtomicFileSet
{
    /// <summary>Writes <paramref name="files"/> (name in <paramref name="dir"/>, and what to write) as one unit.</summary>
    public static void Write(string dir, IReadOnlyList<(string Name, Action<Stream> Write)> files)
    {
        var names = files.Select(f => f.Name).ToList();
        // An interrupted commit is settled first: staging over its files could otherwise leave a mark of
        // the old commit beside new staged files, which a later recovery would mix.
        Recover(dir, names);
        try
        {
            foreach (var (name, write) in files)
            {
                AtomicFile.Write(Staged(dir, name), write);
                FaultInjection.Step($"staged {name}");
            }
            foreach (var name in names)
            {
                Move(Staged(dir, name), Path.Combine(dir, name));
                FaultInjection.Step($"committed {name}");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A failed write (a full disk) is settled at once, as a crash would be by the next reader.
            try { Recover(dir, names); }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException) { } // the first error is the one to report
            throw;
        }
    }

    /// <summary>Settles a commit that a crash interrupted: finishes it when every file was staged, else
    /// discards what was staged. Returns what it did, or null when there was nothing to settle.</summary>
    public static string? Recover(string dir, IReadOnlyList<string> names)
    {
        if (!Directory.Exists(dir)) return null;
        bool complete = File.Exists(Staged(dir, names[^1]));
        var settled = new List<string>();
        foreach (var name in names)
        {
            string staged = Staged(dir, name);
            foreach (var temp in Directory.GetFiles(dir, $".{Path.GetFileName(staged)}.*.tmp")) File.Delete(temp);
            if (!File.Exists(staged)) continue;
            if (complete) Move(staged, Path.Combine(dir, name));
            else File.Delete(staged);
            settled.Add(name);
        }
        if (settled.Count == 0) return null;
        return complete
            ? $"{dir}: finished a save that was interrupted after writing {string.Join(" and ", settled)}"
            : $"{dir}: discarded the partly written {string.Join(" and ", settled)} of a save that was interrupted; the files saved before stand";
    }

    private static string Staged(string dir, string name) => Path.Combine(dir, $".{name}.next");

    private static void Move(string from, string to)
    {
        try { File.Move(from, to, overwrite: true); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new OutputWriteException(to, ex); }
    }
}
