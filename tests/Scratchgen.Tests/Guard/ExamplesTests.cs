using Scratchgen.Tests.Support;
using System.Xml.Linq;

namespace Scratchgen.Tests.Guard;

/// <summary>
/// The examples stay what the README promises: standalone projects that use the packed library the way a
/// user's project does. Each examples/*/ project references the Scratchgen package (no ProjectReference,
/// which would also expose nothing more but would not prove the package works), has a README, is run by
/// .ci/examples.sh, and is not part of Scratchgen.sln (the solution's build must not depend on a package).
/// </summary>
public sealed class ExamplesTests
{
    private static readonly string[] Expected = ["custom-op", "from-pytorch", "my-gan-loop", "two-moons"];

    [Fact]
    public void EveryExample_ReferencesThePackage_HasAReadme_AndIsRunByTheScript()
    {
        var root = RepoPaths.Root();
        var projects = Directory.GetDirectories(Path.Combine(root, "examples"))
            .SelectMany(d => Directory.GetFiles(d, "*.csproj")).OrderBy(p => p, StringComparer.Ordinal).ToList();
        Assert.Equal(Expected, projects.Select(p => Path.GetFileName(Path.GetDirectoryName(p)!)).ToArray());
        var script = File.ReadAllText(Path.Combine(root, ".ci", "examples.sh"));
        var problems = projects.SelectMany(p => Problems(p, script)).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void TheSolution_DoesNotBuildTheExamples_AndCiRunsTheScript()
    {
        var root = RepoPaths.Root();
        Assert.DoesNotContain("examples", File.ReadAllText(Path.Combine(root, "Scratchgen.sln")), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(".ci/examples.sh", File.ReadAllText(Path.Combine(root, ".ci", "run")));
    }

    [Fact]
    public void TheCheck_FlagsAProjectReference()
    {
        var dir = Directory.CreateTempSubdirectory("scratchgen-example-");
        try
        {
            var project = Path.Combine(dir.FullName, "Bad.csproj");
            File.WriteAllText(project, "<Project><ItemGroup><ProjectReference Include=\"../../src/Scratchgen/Scratchgen.csproj\" /></ItemGroup></Project>");
            var problems = Problems(project, script: "").ToList();
            Assert.Contains(problems, p => p.Contains("ProjectReference"));
            Assert.Contains(problems, p => p.Contains("no PackageReference to Scratchgen"));
            Assert.Contains(problems, p => p.Contains("README.md"));
            Assert.Contains(problems, p => p.Contains(".ci/examples.sh"));
        }
        finally { dir.Delete(recursive: true); }
    }

    private static IEnumerable<string> Problems(string project, string script)
    {
        var name = Path.GetFileName(Path.GetDirectoryName(project)!);
        var xml = XDocument.Load(project);
        if (xml.Descendants("ProjectReference").Any())
            yield return $"examples/{name}: has a ProjectReference; an example builds against the package";
        if (!xml.Descendants("PackageReference").Any(r => (string?)r.Attribute("Include") == "Scratchgen"))
            yield return $"examples/{name}: no PackageReference to Scratchgen";
        if (!File.Exists(Path.Combine(Path.GetDirectoryName(project)!, "README.md")))
            yield return $"examples/{name}: no README.md";
        if (!script.Contains($"\"{name}|", StringComparison.Ordinal))
            yield return $"examples/{name}: not run by .ci/examples.sh";
    }

}
