using System.Diagnostics;

namespace Scratchgen.Diagnostics;

/// <summary>Renders DOT to SVG with Graphviz's <c>dot</c> program when it is installed (it is not a
/// dependency: without it the DOT file is still written and can be rendered elsewhere).</summary>
public static class Graphviz
{
    /// <summary>The full path of <c>dot</c> on PATH, or null when Graphviz is not installed.</summary>
    public static string? FindDot()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in OperatingSystem.IsWindows() ? new[] { "dot.exe" } : ["dot"])
            {
                var path = Path.Combine(dir, name);
                if (File.Exists(path)) return path;
            }
        }
        return null;
    }

    /// <summary>Runs <c>dot -Tsvg</c> on a DOT file. Throws with dot's own message when it fails.</summary>
    public static void RenderSvg(string dotExecutable, string dotFile, string svgFile)
    {
        var start = new ProcessStartInfo(dotExecutable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-Tsvg", dotFile, "-o", svgFile }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {dotExecutable}");
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{dotExecutable} -Tsvg {dotFile} failed (exit code {process.ExitCode}): {errors.Trim()}");
    }
}
