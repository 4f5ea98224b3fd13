using System.Security.Cryptography;
using Scratchgen.Checkpoints;
using Xunit.Abstractions;
using Scratchgen.Tests.Support;
using Scratchgen.Training;

namespace Scratchgen.Tests.Cli;

/// <summary>
/// Nothing saved is lost, through the real command: kill -9 at moments spread over checkpoint saves
/// leaves a complete pair (the old or the new, never a mix) that the next `train --resume` continues
/// from; a full disk during a save fails with exit 6 naming the file and leaves the previous pair as it
/// was; a second `train` into a folder in use is refused naming the first, and a lock left by a killed
/// run is taken over.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scratchgen-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    // The steps of a save, in the order AtomicFileSet takes them, as the fault-injection hook prints them.
    private static readonly string[] SaveSteps =
        ["staged training-state.safetensors", "staged model.safetensors", "committed training-state.safetensors", "committed model.safetensors"];

    [Fact]
    public void Kill9DuringSaves_LeavesTheOldOrTheNewPair_AndResumeContinuesFromIt()
    {
        const int Trials = 8;
        string run = Path.Combine(_dir, "run"), checkpoint = Path.Combine(run, "checkpoint");
        // Each step of a save pauses 150 ms, and says so on stderr: a window to aim the kill at.
        var env = new Dictionary<string, string>(CliProcess.QuickStart) { ["SCRATCHGEN_FAULT_PAUSE_MS"] = "150" };
        var random = new Random(27);
        long lastStep = 0;
        var settled = new List<string>();
        for (int trial = 0; trial < Trials; trial++)
        {
            string[] args = trial == 0
                ? ["train", "ae", "--limit", "40", "--train-count", "32", "--batch-size", "16", "--epochs", "1000", "--latent-dim", "2", "--out", run]
                : ["train", "--resume", checkpoint];
            using var p = CliProcess.Start(args, env);
            // The first run must finish one save before there is an old pair to keep; after that, aim at
            // each step of a save in turn, then kill after a random part of its pause (or a little later).
            if (trial == 0) p.WaitForOutput($"fault-injection: {SaveSteps[^1]}", Timeout);
            p.WaitForOutput($"fault-injection: {SaveSteps[trial % SaveSteps.Length]}", Timeout);
            Thread.Sleep(random.Next(0, 200));
            p.Signal("KILL");
            p.WaitForExit(Timeout);
            if (trial > 0) Assert.True(p.Output.Contains("resuming", StringComparison.Ordinal), $"trial {trial}: the resume did not start; output:\n{p.Output}");

            // What the next resume will find, settled on a copy so that the next run settles the original itself.
            string copy = Path.Combine(_dir, $"copy{trial}");
            CopyFolder(checkpoint, copy);
            settled.Add(Checkpoint.Recover(copy) ?? "nothing to settle");
            var model = SafeTensors.Read(Path.Combine(copy, Checkpoint.ModelFile)).Metadata["step"];
            var state = SafeTensors.Read(Path.Combine(copy, Checkpoint.StateFile)).Metadata["step"];
            Assert.True(model == state, $"trial {trial}: a mixed pair, model step {model}, state step {state} ({settled[^1]})");
            Checkpoint.LoadModel(copy);
            long step = long.Parse(model, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(step >= lastStep, $"trial {trial}: the pair went back from step {lastStep} to {step}");
            lastStep = step;
            output.WriteLine($"trial {trial}: killed at or after '{SaveSteps[trial % SaveSteps.Length]}'; pair at step {step}; {settled[^1]}");
        }
        var last = CliProcess.Run(["train", "--resume", checkpoint, "--max-steps", (lastStep + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)], Timeout);
        Assert.True(last.ExitCode == 0, $"the final resume failed (recoveries: {string.Join("; ", settled)}):\n{last.Output}");
    }

    [Fact]
    public void FullDiskDuringASave_Exits6NamingTheFile_AndKeepsThePreviousPair()
    {
        string run = Path.Combine(_dir, "run"), checkpoint = Path.Combine(run, "checkpoint");
        CopyFolder(TrainedRun.Folder, run);
        var before = Hashes(checkpoint);
        // The disk fills after 100 kB: in the middle of staging the training state at the end of epoch 2.
        var full = CliProcess.Start(["train", "--resume", checkpoint, "--epochs", "2"], new Dictionary<string, string> { ["SCRATCHGEN_FAULT_DISK_FULL_AFTER"] = "100000" });
        int code = full.WaitForExit(Timeout);
        Assert.True(code == 6, $"exit code {code}; output:\n{full.Output}");
        var error = Assert.Single(full.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("could not write", error);
        Assert.Contains("training-state.safetensors", error);
        Assert.Contains("No space left on device", error);
        Assert.Equal(before, Hashes(checkpoint)); // the same files, byte for byte, and no staged or temp file left
        Assert.False(File.Exists(Path.Combine(run, RunFolderLock.FileName)), "the lock was left behind");

        var resumed = CliProcess.Run(["train", "--resume", checkpoint, "--epochs", "2"], Timeout);
        Assert.True(resumed.ExitCode == 0, resumed.Output);
    }

    [Fact]
    public void SecondTrainIntoAFolderInUse_IsRefusedNamingTheFirst_AndAKilledRunsLockIsTakenOver()
    {
        string run = Path.Combine(_dir, "run");
        using var first = CliProcess.Start(["train", "vae", "--limit", "2000", "--epochs", "1000", "--out", run]);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(run, RunFolderLock.FileName)))
        {
            Assert.True(clock.Elapsed < Timeout, $"the first run never took the lock; output:\n{first.Output}");
            Thread.Sleep(50);
        }
        var second = CliProcess.Run(["train", "gan", "--limit", "100", "--epochs", "1", "--out", run], Timeout, CliProcess.QuickStart);
        Assert.True(second.ExitCode == 2, $"exit code {second.ExitCode}; output:\n{second.Output}");
        Assert.Contains($"is in use by another training run (pid {first.Id} ", CliProcess.Flat(second.Output));
        Assert.Contains("train vae --limit 2000", CliProcess.Flat(second.Output)); // the first run's command line

        first.Signal("KILL");
        first.WaitForExit(Timeout);
        var third = CliProcess.Run(["train", "gan", "--limit", "100", "--train-count", "80", "--epochs", "1", "--out", run], Timeout, CliProcess.QuickStart);
        Assert.True(third.ExitCode == 0, third.Output);
        Assert.Contains($"took over the lock of a run that is no longer running (pid {first.Id} ", CliProcess.Flat(third.Output));
        Assert.False(File.Exists(Path.Combine(run, RunFolderLock.FileName)), "the lock was left behind");
    }

    private static Dictionary<string, string> Hashes(string dir) => Directory.GetFiles(dir)
        .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static void CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
    }
}
