namespace Scratchgen.Tests.Support;

/// <summary>The repository's folders for tests that read its sources, docs and fixtures: the root is the
/// folder holding Scratchgen.sln, found above the test binaries.</summary>
public static class RepoPaths
{
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Scratchgen.sln"))) dir = dir.Parent;
        Assert.True(dir != null, "cannot find the repository root (Scratchgen.sln) above " + AppContext.BaseDirectory);
        return dir.FullName;
    }

    /// <summary>A path under the root.</summary>
    public static string Under(params string[] parts) => Path.Combine([Root(), .. parts]);
}
