using Scratchgen.Tests.Support;
using System.Text.RegularExpressions;

namespace Scratchgen.Tests.Guard;

/// <summary>
/// README is the newcomer's page: it opens with the two commands (the main job and all tests, the one .ci/run
/// runs), stays short enough to read at once (the long guides and measurement tables live in the pages it
/// links), and every file it and those pages link to exists.
/// </summary>
public sealed partial class ReadmeTests
{
    /// <summary>Lines README may have; beyond it a section moves to a page README links.</summary>
    private const int MaxReadmeLines = 250;

    private static readonly string[] LinkedPages =
        ["README.md", "src/Scratchgen.Cli/README.md", "bench/QUALITY.md", "bench/RESULTS.md", "tests/README.md"];

    [Fact]
    public void Readme_OpensWithTheTwoCommands()
    {
        var text = File.ReadAllText(RepoPaths.Under("README.md"));
        var first = FirstCodeBlock(text);
        Assert.Contains("dotnet run --project src/Scratchgen.Cli -c Release -- train dcgan", first);
        Assert.Contains("dotnet test -c Release", first);
        Assert.Contains("dotnet test -c Release", File.ReadAllText(RepoPaths.Under(".ci", "run")));
    }

    [Fact]
    public void Readme_IsShort_AndLinksTheRest()
    {
        var lines = File.ReadAllLines(RepoPaths.Under("README.md"));
        Assert.True(lines.Length <= MaxReadmeLines, $"README.md has {lines.Length} lines, at most {MaxReadmeLines}: move a section to a page it links");
        var text = string.Join("\n", lines);
        foreach (var page in LinkedPages.Skip(1))
            Assert.Contains($"]({page})", text);
    }

    [Fact]
    public void EveryRelativeLink_OfTheGuides_Exists()
    {
        var missing = new List<string>();
        foreach (var page in LinkedPages)
        {
            var path = RepoPaths.Under(page.Split('/'));
            Assert.True(File.Exists(path), $"{page} is missing");
            foreach (var target in RelativeLinks(File.ReadAllText(path)))
                if (!File.Exists(Path.Combine(Path.GetDirectoryName(path)!, target)) && !Directory.Exists(Path.Combine(Path.GetDirectoryName(path)!, target)))
                    missing.Add($"{page}: {target}");
        }
        Assert.True(missing.Count == 0, "links to files that do not exist:\n" + string.Join("\n", missing));
    }

    [Theory]
    [InlineData("see [the guide](src/Scratchgen.Cli/README.md#training) and ![x](data/a.png)", "src/Scratchgen.Cli/README.md|data/a.png")]
    [InlineData("[web](https://example.org) and [anchor](#top)", "")]
    [InlineData("[two](a.md) [links](../b/c.md#d)", "a.md|../b/c.md")]
    public void RelativeLinks_AreTheFileTargetsOnly(string text, string expected)
    {
        Assert.Equal(expected, string.Join("|", RelativeLinks(text)));
    }

    private static string FirstCodeBlock(string text)
    {
        int start = text.IndexOf("```", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no code block");
        int end = text.IndexOf("```", start + 3, StringComparison.Ordinal);
        Assert.True(end > start, "README.md's first code block is not closed");
        return text[start..end];
    }

    private static IEnumerable<string> RelativeLinks(string text) =>
        LinkTarget().Matches(text).Select(m => m.Groups[1].Value)
            .Where(t => !t.StartsWith("http", StringComparison.Ordinal) && !t.StartsWith('#'))
            .Select(t => t.Split('#')[0]);

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex LinkTarget();
}
