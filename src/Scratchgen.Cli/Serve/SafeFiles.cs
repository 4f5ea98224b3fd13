using System.Text.RegularExpressions;

namespace Scratchgen.Cli.Serve;

/// <summary>
/// The only way the server reads a run's files: a plain file directly inside the run folder, named by
/// letters, digits, '.', '_' and '-' only (no separator, no "..", no absolute path, no encoded slash
/// survives the name check), of a picture or metrics type, and not a symbolic link (a link could point
/// anywhere). The folder itself is resolved once, when the server starts.
/// </summary>
internal sealed partial class SafeFiles
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png", [".gif"] = "image/gif", [".json"] = "application/json", [".jsonl"] = "application/x-ndjson",
    };

    /// <summary>Serves files of <paramref name="root"/> (which must exist).</summary>
    public SafeFiles(string root)
    {
        var dir = new DirectoryInfo(Path.GetFullPath(root));
        if (!dir.Exists) throw new DirectoryNotFoundException($"run folder {root} does not exist");
        if (dir.ResolveLinkTarget(returnFinalTarget: true) is FileSystemInfo target) dir = new DirectoryInfo(target.FullName);
        Root = dir.FullName.TrimEnd(Path.DirectorySeparatorChar);
    }

    /// <summary>The run folder, absolute, links resolved.</summary>
    public string Root { get; }

    /// <summary>The file's path and content type, or why it is refused (exactly one of Path and Error is set).</summary>
    public (string? Path, string? ContentType, string? Error) Resolve(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 128 || !SafeName().IsMatch(name) || name.Contains("..", StringComparison.Ordinal))
            return (null, null, "refused: a file name is letters, digits, '.', '_' and '-' only, directly in the run folder");
        if (!Types.TryGetValue(Path.GetExtension(name), out var type))
            return (null, null, $"refused: only {string.Join(", ", Types.Keys)} files are served");
        string full = Path.GetFullPath(Path.Join(Root, name));
        if (Path.GetDirectoryName(full) != Root) return (null, null, "refused: outside the run folder");
        var info = new FileInfo(full);
        if (!info.Exists) return (null, null, "not found");
        if (info.LinkTarget != null) return (null, null, "refused: a symbolic link is not served");
        return (full, type, null);
    }

    /// <summary>The servable files directly in the folder (links left out), oldest first.</summary>
    public IReadOnlyList<FileInfo> List() =>
        [.. new DirectoryInfo(Root).EnumerateFiles()
            .Where(f => f.LinkTarget == null && Types.ContainsKey(f.Extension) && SafeName().IsMatch(f.Name))
            .OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal)];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SafeName();
}
