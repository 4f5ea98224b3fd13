using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Cli;

/// <summary>
/// Hostile checkpoints through the real commands: every command that reads a checkpoint, given a folder
/// whose model.safetensors (or, for train --resume, training-state.safetensors) is malformed, exits with
/// 3 and one line on stderr naming the file and the problem, with no stack trace, and writes nothing.
/// The table: every class of malformed file through `sample` (the model file) and `train --resume` (the
/// state file), and every command against three classes (unparseable, another format version, a tensor
/// of another shape); also a malformed classifier weights file and a malformed IDX data file.
/// </summary>
public sealed class MalformedCheckpointTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "scratchgen-malformed-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>A command line given the checkpoint folder, its run folder and an empty working folder.</summary>
    private sealed record Command(string Name, Func<string, string, string, string[]> Args);

    private static readonly Command Resume = new("train --resume", (c, _, _) => ["train", "--resume", c]);

    private static readonly Command[] ModelReaders =
    [
        new("sample", (c, _, _) => ["sample", c]),
        new("interpolate", (c, _, _) => ["interpolate", c]),
        new("reconstruct", (c, _, _) => ["reconstruct", c]),
        new("eval", (c, _, _) => ["eval", c]),
        new("denoise", (c, _, _) => ["denoise", c]),
        new("augment", (c, _, _) => ["augment", c]),
        new("detect", (_, run, _) => ["detect", run]),
        new("report", (_, run, _) => ["report", run]),
        new("inspect --checkpoint", (c, _, _) => ["inspect", Path.Combine(TrainedRun.Folder, "samples_epoch_001.png"), "--checkpoint", c]),
        new("transfer-demo", (c, run, cwd) => ["transfer-demo", "--pretrained", c, "--data", run, "--out", Path.Combine(cwd, "transfer")]),
        new("train --init-from", (c, _, cwd) => ["train", "vae", "--init-from", c, "--latent-dim", "4", "--limit", "100", "--out", Path.Combine(cwd, "init")]),
        Resume,
    ];

    private sealed record Case(string Command, string[] Args, string BadFile, string Expected, string WorkingDir);

    [Fact]
    public void EveryCheckpointReader_RefusesEveryClassOfMalformedFile_WithExit3AndOneNamedLine_WritingNothing()
    {
        var cases = new List<Case>();
        void Add(Command command, MalformedCheckpoint bad, string file)
        {
            string folder = MakeRun(bad, file);
            string cwd = Directory.CreateDirectory(Path.Combine(_root, "cwd", cases.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
            string checkpoint = Path.Combine(folder, "checkpoint");
            cases.Add(new($"{command.Name} / {file} / {bad.Name}", command.Args(checkpoint, folder, cwd), Path.Combine(checkpoint, file), bad.Expected, cwd));
        }
        foreach (var bad in MalformedCheckpoint.Unparseable())
        {
            Add(ModelReaders[0], bad, "model.safetensors");
            Add(Resume, bad, "training-state.safetensors");
        }
        foreach (var bad in MalformedCheckpoint.BadModelFiles()) Add(ModelReaders[0], bad, "model.safetensors");
        foreach (var bad in MalformedCheckpoint.BadStateFiles()) Add(Resume, bad, "training-state.safetensors");
        foreach (var command in ModelReaders.Skip(1))
            foreach (var bad in new[] { MalformedCheckpoint.Unparseable2To64, MalformedCheckpoint.AnotherVersion, MalformedCheckpoint.AnotherShape })
                Add(command, bad, "model.safetensors");
        AddOtherInputs(cases);

        var before = TrainedRun.Snapshot(_root);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.ForEach(cases, new ParallelOptions { MaxDegreeOfParallelism = 3 }, c =>
        {
            using var p = CliProcess.Start(c.Args, CliProcess.QuickStart, c.WorkingDir);
            int code = p.WaitForExit(Timeout);
            var errors = p.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string? problem = code != 3 ? $"exit code {code}, expected 3"
                : errors.Length != 1 ? $"{errors.Length} lines on stderr, expected 1"
                : !errors[0].StartsWith("error: ", StringComparison.Ordinal) ? "the line does not start with 'error: '"
                : !errors[0].Contains(Path.GetDirectoryName(c.BadFile)!, StringComparison.Ordinal) || !errors[0].Contains(Path.GetFileName(c.BadFile), StringComparison.Ordinal)
                    ? $"the line does not name {c.BadFile}"
                : !errors[0].Contains(c.Expected, StringComparison.Ordinal) ? $"the line does not say '{c.Expected}'"
                : p.Output.Contains("   at ", StringComparison.Ordinal) ? "a stack trace was printed"
                : null;
            if (problem != null) failures.Add($"{c.Command}: {problem}; output:\n{p.Output}");
        });
        Assert.True(failures.IsEmpty, $"{failures.Count} of {cases.Count} cases failed:\n\n" + string.Join("\n\n", failures.Order(StringComparer.Ordinal)));
        Assert.Equal(before, TrainedRun.Snapshot(_root));
    }

    // A copy of the trained run whose `file` is replaced by the malformed bytes; the other files are links to the good run's.
    private string MakeRun(MalformedCheckpoint bad, string file)
    {
        string folder = Path.Combine(_root, "runs", $"{file[..5]}-{Sanitize(bad.Name)}");
        string checkpoint = Path.Combine(folder, "checkpoint");
        if (Directory.Exists(folder)) return folder;
        Directory.CreateDirectory(checkpoint);
        foreach (var name in new[] { "model.safetensors", "training-state.safetensors" })
        {
            string good = Path.Combine(TrainedRun.Checkpoint, name);
            if (name == file) File.WriteAllBytes(Path.Combine(checkpoint, name), bad.Corrupt(File.ReadAllBytes(good)));
            else File.CreateSymbolicLink(Path.Combine(checkpoint, name), good);
        }
        File.CreateSymbolicLink(Path.Combine(folder, "metrics.jsonl"), Path.Combine(TrainedRun.Folder, "metrics.jsonl"));
        return folder;
    }

    // Inputs besides checkpoints: the evaluation classifier's weights and an IDX data file.
    private void AddOtherInputs(List<Case> cases)
    {
        var bad = MalformedCheckpoint.Unparseable2To64;
        string weights = Path.Combine(_root, "inputs", "classifier.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
        File.WriteAllBytes(weights, bad.Corrupt([]));
        string cwd = Directory.CreateDirectory(Path.Combine(_root, "cwd", "inputs")).FullName;
        cases.Add(new("classifier accuracy --weights", ["classifier", "accuracy", "--weights", weights], weights, bad.Expected, cwd));
        cases.Add(new("eval --classifier", ["eval", TrainedRun.Checkpoint, "--classifier", weights, "--out", Path.Combine(cwd, "eval.json")], weights, bad.Expected, cwd));
        string images = Path.Combine(_root, "inputs", "bad-images-idx3-ubyte");
        File.WriteAllBytes(images, [0, 0, 0x08, 0x03, 0, 0, 0, 9]);
        File.WriteAllBytes(Path.Combine(_root, "inputs", "bad-labels-idx1-ubyte"), [0, 0, 0x08, 0x01, 0, 0, 0, 9]);
        cases.Add(new("anomaly --data", ["anomaly", "--data", images, "--epochs", "1", "--out", Path.Combine(cwd, "anomaly")], images, "the file ends inside the header", cwd));
    }

    private static string Sanitize(string name) => new(name.Select(ch => char.IsLetterOrDigit(ch) ? ch : '-').ToArray());
}
