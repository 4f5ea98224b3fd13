using Scratchgen.Tests.Support;
using System.Reflection;
using System.Text.RegularExpressions;
using Scratchgen.Backends;

namespace Scratchgen.Tests.Backends;

/// <summary>The shape the backend layer keeps: a narrow IBackend (launch-saving kernels are optional capabilities
/// beside it), a Backends/ folder that knows nothing of the ops, source comments that say why, not when, source
/// files short enough to read whole, and sources and docs that explain themselves without files outside the
/// repository.</summary>
public sealed partial class BackendBoundaryTests
{
    /// <summary>A new backend implements at most this many members; anything else it offers is a capability.</summary>
    private const int MaxBackendMembers = 25;

    /// <summary>A source file longer than this is split (a partial class along a natural seam).</summary>
    private const int MaxSourceLines = 400;

    /// <summary>The text files whose references to other files must resolve inside the repository.</summary>
    private static readonly string[] TextExtensions = [".cs", ".md", ".sh", ".py"];

    [Fact]
    public void IBackend_HasAtMostTwentyFiveMembers()
    {
        var members = BackendMembers(typeof(IBackend));
        // The primitives the ops cannot do without must still be here: the count is of the real interface.
        Assert.Contains("Map", members);
        Assert.Contains("MatMul", members);
        Assert.Contains("Im2Col", members);
        Assert.True(members.Count <= MaxBackendMembers,
            $"IBackend has {members.Count} members, at most {MaxBackendMembers} allowed: {string.Join(", ", members)}");
    }

    /// <summary>Benchmarks are tools, not the engine: the library (what the package ships) holds none; the CLI's
    /// bench commands and bench/ carry them.</summary>
    [Fact]
    public void TheLibrary_HoldsNoBenchmarks()
    {
        var library = typeof(IBackend).Assembly.GetTypes().Select(t => t.Name).ToList();
        Assert.Contains("CpuGemm", library); // the kernels stay
        var benchmarks = library.Where(n => n.Contains("Benchmark", StringComparison.Ordinal) || n == "FmaPeak").ToList();
        Assert.True(benchmarks.Count == 0, "benchmark types in the library: " + string.Join(", ", benchmarks));
    }

    [Fact]
    public void MemberCount_CountsEveryMethodOverloadAndProperty()
    {
        // The counter's control: a type with two overloads, a default method, a property and an internal method.
        Assert.Equal(5, BackendMembers(typeof(ICountedSample)).Count);
    }

    [Fact]
    public void NothingUnderBackends_RefersToOps()
    {
        var files = SourceFiles("src", "Scratchgen", "Backends");
        Assert.True(files.Count > 20, $"expected the backend sources under src/Scratchgen/Backends, found {files.Count} files");
        var offenders = files.Where(f => ReferencesOps(File.ReadAllText(f))).Select(Relative).ToList();
        Assert.True(offenders.Count == 0, "files under Backends/ that refer to Scratchgen.Ops: " + string.Join(", ", offenders));
    }

    [Theory]
    [InlineData("using Scratchgen.Ops;", true)]
    [InlineData("var f = new Scratchgen.Ops.ReluFn();", true)]
    [InlineData("namespace Scratchgen.Ops.Lowering;", true)]
    [InlineData("using Scratchgen.Functors;\nusing Scratchgen.Tensors;", false)]
    [InlineData("// the ops compose it (Ops/Lowering)", false)]
    public void ReferencesOps_FindsTheNamespaceOnly(string source, bool expected)
    {
        Assert.Equal(expected, ReferencesOps(source));
    }

    [Fact]
    public void SourceComments_CarryNoDates()
    {
        var files = SourceFiles("src");
        Assert.True(files.Count > 100, $"expected the sources under src/, found {files.Count} files");
        var offenders = new List<string>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
                if (HasDatedComment(lines[i])) offenders.Add($"{Relative(file)}:{i + 1}: {lines[i].Trim()}");
        }
        Assert.True(offenders.Count == 0, "dated comments in src/:\n" + string.Join("\n", offenders));
    }

    [Theory]
    [InlineData("    // median of 201 calls, 2026-11-26)", true)]
    [InlineData("/// measured 2025-01-09 on the laptop", true)]
    [InlineData("/* as of 2026-12-07 */", true)]
    [InlineData("    string stamp = \"2026-11-26\"; // a format sample", false)]
    [InlineData("    // the 64->128 layer, batch 64", false)]
    [InlineData("    int x = 2026 - 11 - 26;", false)]
    public void HasDatedComment_FindsDatesInCommentsOnly(string line, bool expected)
    {
        Assert.Equal(expected, HasDatedComment(line));
    }

    [Fact]
    public void SourceFiles_AreAtMostFourHundredLines()
    {
        var files = SourceFiles("src");
        Assert.True(files.Count > 100, $"expected the sources under src/, found {files.Count} files");
        var offenders = files.Select(f => (File: f, Lines: LineCount(File.ReadAllText(f))))
            .Where(f => f.Lines > MaxSourceLines).Select(f => $"{Relative(f.File)}: {f.Lines} lines").ToList();
        Assert.True(offenders.Count == 0, $"files in src/ over {MaxSourceLines} lines:\n" + string.Join("\n", offenders));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("one line, no newline", 1)]
    [InlineData("one line\n", 1)]
    [InlineData("a\nb\nc", 3)]
    [InlineData("a\r\nb\r\n", 2)]
    [InlineData("a\n\n\nb\n", 4)]
    public void LineCount_CountsLinesAsAnEditorShowsThem(string text, int expected)
    {
        Assert.Equal(expected, LineCount(text));
    }

    [Fact]
    public void LineLimit_AcceptsFourHundredLinesAndRejectsFourHundredAndOne()
    {
        Assert.True(LineCount(string.Concat(Enumerable.Repeat("x;\n", MaxSourceLines))) <= MaxSourceLines);
        Assert.True(LineCount(string.Concat(Enumerable.Repeat("x;\n", MaxSourceLines + 1))) > MaxSourceLines);
    }

    [Fact]
    public void SourcesAndDocs_NameNoFileOutsideTheRepository()
    {
        var files = new[] { "src", "kernels-docs", "bench" }.SelectMany(dir => TextFiles(dir)).ToList();
        Assert.True(files.Count > 150, $"expected the sources and docs under src/, kernels-docs/ and bench/, found {files.Count} files");
        Assert.Contains(files, f => f.EndsWith(".md", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".py", StringComparison.Ordinal));
        var offenders = new List<string>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
                if (NamesOutsideFile(lines[i])) offenders.Add($"{Relative(file)}:{i + 1}: {lines[i].Trim()}");
        }
        Assert.True(offenders.Count == 0, "references to files outside the repository:\n" + string.Join("\n", offenders));
    }

    [Theory]
    [InlineData("/// the reference models of DESIGN.md (MLP AE, MLP VAE, MLP GAN, DCGAN)", true)]
    [InlineData("| layer | TorchSharp (PEERS.md) |", true)]
    [InlineData("as STYLE.md asks", true)]
    [InlineData("see ILGPU-NOTES.md, session 3", true)]
    [InlineData("measured on this kind of machine (../shared/PEERS.md)", true)]
    [InlineData("Run with /usr/bin/python3 (see /work/shared/notes)", true)]
    [InlineData("# Copied from shared/tools/patch_glibcxx.py", true)]
    [InlineData("TorchSharp's figures: kernels-docs/peers.md", false)]
    [InlineData("cd \"$(dirname \"$0\")/../..\"", false)]
    [InlineData("// tiles staged in shared memory (ILGPU's SharedMemory), the design of V3", false)]
    [InlineData("see README.md and kernels-docs/architecture.md", false)]
    public void NamesOutsideFile_FindsTheTeamNotesOnly(string line, bool expected)
    {
        Assert.Equal(expected, NamesOutsideFile(line));
    }

    private static List<string> BackendMembers(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        return type.GetMethods(all).Where(m => !m.IsSpecialName).Select(m => m.Name)
            .Concat(type.GetProperties(all).Select(p => p.Name))
            .Concat(type.GetEvents(all).Select(e => e.Name))
            .OrderBy(n => n, StringComparer.Ordinal).ToList();
    }

    private static bool ReferencesOps(string source) => OpsNamespace().IsMatch(source);

    private static bool HasDatedComment(string line)
    {
        int comment = CommentStart(line);
        return comment >= 0 && IsoDate().IsMatch(line[comment..]);
    }

    // Lines as File.ReadAllLines returns them: a last line without its newline counts, an empty text has none.
    private static int LineCount(string text) =>
        text.Length == 0 ? 0 : text.Count(c => c == '\n') + (text[^1] == '\n' ? 0 : 1);

    private static bool NamesOutsideFile(string line) => OutsideFile().IsMatch(line);

    // Where a // or /* comment starts on the line, outside string literals; -1 where none does.
    private static int CommentStart(string line)
    {
        bool inString = false;
        for (int i = 0; i < line.Length - 1; i++)
        {
            char c = line[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            }
            else if (c == '"') inString = true;
            else if (c == '/' && (line[i + 1] == '/' || line[i + 1] == '*')) return i;
        }
        return -1;
    }

    private static IReadOnlyList<string> SourceFiles(params string[] under)
    {
        string dir = RepoPaths.Under(under);
        Assert.True(Directory.Exists(dir), "missing " + dir);
        return Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .OrderBy(f => f, StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyList<string> TextFiles(string under)
    {
        string dir = Path.Combine(RepoPaths.Root(), under);
        Assert.True(Directory.Exists(dir), "missing " + dir);
        return Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => TextExtensions.Contains(Path.GetExtension(f), StringComparer.Ordinal))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .OrderBy(f => f, StringComparer.Ordinal).ToList();
    }

    private static string Relative(string file) => Path.GetRelativePath(RepoPaths.Root(), file);


    [GeneratedRegex(@"\bScratchgen\.Ops\b")]
    private static partial Regex OpsNamespace();

    [GeneratedRegex(@"\b20\d\d-[01]\d-[0-3]\d\b")]
    private static partial Regex IsoDate();

    // The team's notes beside the repository (DESIGN.md, PEERS.md, STYLE.md, ILGPU-NOTES.md, the shared folder):
    // a reader of the repository alone cannot open them. Case-sensitive, so kernels-docs/peers.md passes.
    [GeneratedRegex(@"\b(?:DESIGN|PEERS|STYLE)\.md\b|\bILGPU-NOTES\b|(?:\.\.|/work)/shared\b|(?<![\w./-])shared/tools\b")]
    private static partial Regex OutsideFile();

    private interface ICountedSample
    {
        int Length { get; }
        void Put(float x);
        void Put(double x);
        void Flush() { }
        internal void Reset();
    }
}
