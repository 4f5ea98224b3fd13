using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Cli;

/// <summary>
/// The command line keeps its promises, through the real command: every verb's --help renders; help
/// lists what the code accepts; an option a command does not have is refused with exit 2 and the
/// nearest one it has, before anything is written; the commands that draw from a checkpoint write into
/// its run folder or their --out, never into the working folder.
/// </summary>
public sealed class CliOptionsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scratchgen-options-" + Guid.NewGuid().ToString("N"));

    public CliOptionsTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static (int ExitCode, string Output) Run(params string[] args) => CliProcess.Run(args, Timeout, CliProcess.QuickStart);

    // The verbs a help page lists under COMMANDS (each line: two spaces, the name, its arguments, its description).
    private static IEnumerable<string> Commands(string help) =>
        help.Split('\n').SkipWhile(l => !l.StartsWith("COMMANDS:", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal) || l.Trim().Length == 0)
            .Where(l => l.Length > 4 && l[4] != ' ').Select(l => l.Trim().Split(' ')[0]);

    [Fact]
    public void EveryVerb_HelpRenders_WithExit0()
    {
        var root = Run("--help");
        Assert.True(root.ExitCode == 0, root.Output);
        // Breadth first through the branches (demo, classifier, lab, bench): every page found is checked.
        var pages = new Dictionary<string, (int ExitCode, string Output)>();
        var next = Commands(root.Output).Select(c => new[] { c }).ToList();
        while (next.Count > 0)
        {
            var results = next.AsParallel().WithDegreeOfParallelism(3).Select(path => (path, Run([.. path, "--help"]))).ToList();
            next = [];
            foreach (var (path, result) in results)
            {
                pages[string.Join(' ', path)] = result;
                next.AddRange(Commands(result.Output).Select(c => (string[])[.. path, c]));
            }
        }
        foreach (var verb in new[] { "train", "sample", "denoise", "eval", "inspect", "demo xor", "classifier train", "lab gan2d", "lab serve", "serve", "bench models" })
            Assert.True(pages.ContainsKey(verb), $"'{verb}' was not found among the {pages.Count} help pages: {string.Join(", ", pages.Keys)}");
        var broken = pages.Where(p => p.Value.ExitCode != 0 || !p.Value.Output.Contains("USAGE:", StringComparison.Ordinal)).ToList();
        Assert.True(broken.Count == 0, string.Join("\n\n", broken.Select(p => $"{p.Key} --help: exit {p.Value.ExitCode}\n{p.Value.Output}")));
    }

    [Fact]
    public void TrainHelp_ListsEveryBackendAndModelTheCodeTakes()
    {
        var help = Run("train", "--help");
        string text = CliProcess.Flat(help.Output);
        foreach (var backend in Scratchgen.Backends.Backend.Names) Assert.Contains(backend, text);
        foreach (var (name, _, _, epochs, _) in Scratchgen.Models.ModelFactory.Catalog) Assert.Contains($"{name} {epochs},", text.Replace(")", ",", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--epoch", "--epochs", "train", "gan", "--limit", "100", "--epochs", "1")]
    [InlineData("--opp", "--op", "gradcheck")]
    [InlineData("--seeed", "--seed", "sample", "runs/none/checkpoint")]
    public void UnknownOption_IsRefusedWithTheNearestOne_BeforeAnythingIsWritten(string typo, string meant, params string[] command)
    {
        var r = CliProcess.Run([.. command, typo, "1"], Timeout, CliProcess.QuickStart, _dir);
        Assert.True(r.ExitCode == 2, $"exit code {r.ExitCode}; output:\n{r.Output}");
        Assert.Contains($"unknown option {typo} for '{command[0]}': did you mean {meant}?", CliProcess.Flat(r.Output));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Theory]
    [InlineData("error: Unknown command 'trian': did you mean 'train'?", "trian", "gan")]
    [InlineData("error: --epochs abc: not a valid value for --epochs (see --help)", "train", "gan", "--epochs", "abc")]
    [InlineData("error: MODEL is required (one of ae, dae, vae, cvae, gan, dcgan, cgan, wgan-gp), unless --resume continues a run", "train")]
    public void BadCommandLine_IsOneLineSayingWhatIsWrong_WithExit2(string expected, params string[] args)
    {
        using var p = CliProcess.Start(args, CliProcess.QuickStart, _dir);
        int code = p.WaitForExit(Timeout);
        Assert.True(code == 2, $"exit code {code}; output:\n{p.Output}");
        Assert.Equal(expected, p.Errors.Trim());
    }

    [Fact]
    public void CheckpointCommands_WriteIntoTheRunFolderOrTheirOut_NeverTheWorkingFolder()
    {
        string run = Path.Combine(_dir, "run"), cwd = Directory.CreateDirectory(Path.Combine(_dir, "cwd")).FullName;
        Directory.CreateDirectory(Path.Combine(run, "checkpoint"));
        foreach (var file in Directory.GetFiles(TrainedRun.Checkpoint)) File.Copy(file, Path.Combine(run, "checkpoint", Path.GetFileName(file)));
        string checkpoint = Path.Combine(run, "checkpoint"), json = Path.Combine(_dir, "elsewhere", "metrics.json");
        string[][] commands =
        [
            ["sample", checkpoint, "--count", "4"],
            ["interpolate", checkpoint, "--rows", "1", "--steps", "2"],
            ["reconstruct", checkpoint, "--count", "2"],
            ["eval", checkpoint, "--samples", "10", "--test-count", "10", "-k", "1", "--out", json],
        ];
        foreach (var args in commands)
        {
            var r = CliProcess.Run(args, Timeout, CliProcess.QuickStart, cwd);
            Assert.True(r.ExitCode == 0, $"{args[0]}: exit code {r.ExitCode}; output:\n{r.Output}");
        }
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
        foreach (var picture in new[] { "samples.png", "interpolations.png", "reconstructions.png" }) Assert.True(File.Exists(Path.Combine(run, picture)), picture);
        Assert.True(File.Exists(json), "eval --out was not honoured");
        Assert.False(File.Exists(Path.Combine(run, "eval.json")), "eval wrote its default file although --out was given");
    }
}
