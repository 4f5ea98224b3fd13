using System.Security.Cryptography;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Cli;

/// <summary>
/// What only a fresh process shows, through the real `scratchgen` command: a run stopped after N steps
/// and resumed in a new process (with `--resume DIR` alone) equals the straight run bit for bit; an
/// option given on resume overrides the run's or, where the checkpoint depends on it, is refused by name;
/// a run that diverges exits with 4; SIGTERM saves and exits with 130; running out of memory gives exit
/// code 5 and a message with the bytes asked for and a hint.
/// </summary>
public sealed class CliProcessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scratchgen-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static string Sha256(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    private string[] Train(string model, string name, params string[] extra) =>
        ["train", model, "--limit", "240", "--train-count", "200", "--batch-size", "16", "--epochs", "2",
         "--latent-dim", "4", "--seed", "5", "--out", Path.Combine(_dir, name), .. extra];

    [Theory, InlineData("vae"), InlineData("gan")]
    public void StopMidEpoch_ResumeInANewProcess_EqualsTheStraightRun(string model)
    {
        // 200 training images in batches of 16: 13 steps per epoch; stop at step 5 (mid-epoch 1),
        // then a second process resumes and finishes both epochs (26 steps).
        var straight = CliProcess.Run(Train(model, "straight"), Timeout);
        Assert.True(straight.ExitCode == 0, straight.Output);

        var first = CliProcess.Run(Train(model, "split", "--max-steps", "5"), Timeout);
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("stopped at step 5", first.Output);
        string checkpoint = Path.Combine(_dir, "split", "checkpoint");
        // Resumed as the interrupt message says, with nothing else: the run's options, its --out included,
        // come from the checkpoint (and nothing lands in the working folder).
        string elsewhere = Directory.CreateDirectory(Path.Combine(_dir, "elsewhere")).FullName;
        var second = CliProcess.Run(["train", "--resume", checkpoint], Timeout, workingDirectory: elsewhere);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("step 5", second.Output);
        Assert.Contains("with the options the run was started with", CliProcess.Flat(second.Output));
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere));

        foreach (var file in new[] { "model.safetensors", "training-state.safetensors" })
            Assert.True(Sha256(Path.Combine(_dir, "straight", "checkpoint", file)) == Sha256(Path.Combine(checkpoint, file)),
                $"{model}: {file} differs between the straight run and stop-at-5 + resume in a new process");
    }

    [Fact]
    public void Resume_OverridesTheOptionsThatMayChange_AndRefusesThoseTheCheckpointDependsOn()
    {
        var first = CliProcess.Run(Train("vae", "run", "--max-steps", "3"), Timeout, CliProcess.QuickStart);
        Assert.True(first.ExitCode == 0, first.Output);
        string checkpoint = Path.Combine(_dir, "run", "checkpoint");
        foreach (var (option, value, stored) in new[] { ("--latent-dim", "8", "4"), ("--seed", "6", "5"), ("--limit", "300", "240") })
        {
            var refused = CliProcess.Run(["train", "--resume", checkpoint, option, value], Timeout, CliProcess.QuickStart);
            Assert.True(refused.ExitCode == 2, $"{option}: exit code {refused.ExitCode}; output:\n{refused.Output}");
            Assert.Contains($"{option} {value} contradicts the checkpoint {checkpoint}, whose run has {option} {stored}", CliProcess.Flat(refused.Output));
        }
        var otherModel = CliProcess.Run(["train", "gan", "--resume", checkpoint], Timeout, CliProcess.QuickStart);
        Assert.True(otherModel.ExitCode == 2, otherModel.Output);
        Assert.Contains("model gan contradicts the checkpoint", CliProcess.Flat(otherModel.Output));

        var longer = CliProcess.Run(["train", "--resume", checkpoint, "--epochs", "3", "--max-steps", "4"], Timeout, CliProcess.QuickStart);
        Assert.True(longer.ExitCode == 0, longer.Output);
        Assert.Contains("--epochs 3 overrides the run's --epochs 2", CliProcess.Flat(longer.Output));
        var after = CliProcess.Run(["train", "--resume", checkpoint, "--max-steps", "5"], Timeout, CliProcess.QuickStart);
        Assert.True(after.ExitCode == 0, after.Output);
        Assert.Contains("0 of 3 epochs done, step 4", CliProcess.Flat(after.Output)); // the override is the run's from now on
    }

    [Fact]
    public void DivergedRun_ExitsWith4_SayingWhereItWentWrong()
    {
        // 6 steps, every one of them with non-finite gradients: fewer than the 10 in a row that stop a run
        // at once, so it is the run's end that must fail it.
        using var r = CliProcess.Start(["train", "vae", "--lr", "1e30", "--epochs", "1", "--limit", "200", "--batch-size", "32", "--out", Path.Combine(_dir, "nan")]);
        int code = r.WaitForExit(Timeout);
        Assert.True(code == 4, $"exit code {code}; output:\n{r.Output}");
        string error = Assert.Single(r.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^error: training failed: \d of its 6 steps \(\d+ %, more than 5 %\) were not finite and their updates skipped, the first at step \d: ", error);
    }

    [Fact]
    public void Sigterm_SavesACheckpointAndExitsWith130()
    {
        using var p = CliProcess.Start(["train", "dcgan", "--epochs", "50", "--batch-size", "8", "--limit", "4000", "--out", Path.Combine(_dir, "term")]);
        p.WaitForOutput("parameters, latent", Timeout); // the model line, printed just before training starts
        Thread.Sleep(1500); // inside the training loop, a few steps in
        p.Signal("TERM");
        int code = p.WaitForExit(Timeout);
        Assert.True(code == 130, $"exit code {code}; output:\n{p.Output}");
        Assert.Contains("interrupted: checkpoint saved", p.Output);
        string checkpoint = Path.Combine(_dir, "term", "checkpoint");
        var resumed = CliProcess.Run(["train", "dcgan", "--epochs", "50", "--batch-size", "8", "--limit", "4000", "--max-steps", "1",
            "--resume", checkpoint, "--out", Path.Combine(_dir, "term")], Timeout);
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Contains("resuming", resumed.Output);
    }

    [Fact]
    public void OutOfMemory_ExitsWith5AndSaysHowMuchAndWhatToDo()
    {
        // A 200 MB heap limit and a GAN step on 9,000 images at once: its activations (up to 9,000 x 1,024
        // floats, 37 MB, each) do not fit beside the data.
        var r = CliProcess.Run(["train", "gan", "--batch-size", "9000", "--epochs", "1", "--out", Path.Combine(_dir, "oom")], Timeout,
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0xC800000" });
        Assert.True(r.ExitCode == 5, $"exit code {r.ExitCode}; output:\n{r.Output}");
        Assert.Contains("out of memory", r.Output);
        Assert.Contains("--batch-size", r.Output);
        Assert.Matches(@"\d[\d,]* bytes", r.Output);
    }

    [Fact]
    public void BenchModels_MatMulOption_NamesTheRungsAndRefusesNonIlgpuBackends()
    {
        var unknown = CliProcess.Run(["bench", "models", "--model", "ae", "--matmul", "V9"], Timeout);
        Assert.True(unknown.ExitCode == 2, $"exit code {unknown.ExitCode}; output:\n{unknown.Output}");
        Assert.Contains("--matmul must be one of", unknown.Output);
        Assert.Contains("V8WideLoads", unknown.Output);
        var number = CliProcess.Run(["bench", "models", "--model", "ae", "--matmul", "3"], Timeout); // a number is not a rung's name
        Assert.True(number.ExitCode == 2, $"exit code {number.ExitCode}; output:\n{number.Output}");
        Assert.Contains("--matmul must be one of", number.Output);
        var cpu = CliProcess.Run(["bench", "models", "--model", "ae", "--matmul", "V8WideLoads", "--backend", "cpu"], Timeout);
        Assert.True(cpu.ExitCode == 2, $"exit code {cpu.ExitCode}; output:\n{cpu.Output}");
        Assert.Contains("--matmul picks a kernel of the ILGPU backends", cpu.Output);
    }

    /// <summary>bench models --profile divides each epoch's steps (2 to the second-last: 9,000 images in
    /// batches of 128 make 71 steps, so 69) between ops, optimizer steps and the code between them; the
    /// first two are measured by the profiler and must fit in the steps' wall time.</summary>
    [Fact]
    public void BenchModelsProfile_DividesEachEpochsStepsBetweenOpsOptimizerAndTheRest()
    {
        var r = CliProcess.Run(["bench", "models", "--model", "ae", "--epochs", "1", "--profile"], Timeout);
        Assert.True(r.ExitCode == 0, $"exit code {r.ExitCode}; output:\n{r.Output}");
        var m = System.Text.RegularExpressions.Regex.Match(r.Output,
            @"ae epoch 1, 69 steps: ([\d.]+) ms per step: ([\d.]+) ms \(\d+ %\) in ops, ([\d.]+) ms \(\d+ %\) in optimizer steps, (-?[\d.]+) ms \(-?\d+ %\) elsewhere");
        Assert.True(m.Success, r.Output);
        double step = double.Parse(m.Groups[1].Value), ops = double.Parse(m.Groups[2].Value), optimizer = double.Parse(m.Groups[3].Value);
        Assert.True(ops > 0 && optimizer > 0, r.Output);
        Assert.True(ops + optimizer <= step + 0.01, $"ops {ops} + optimizer {optimizer} ms exceed the step's {step} ms");
        Assert.Contains("optimizer step adam", r.Output);
    }

    /// <summary>The bench commands time the library's kernels from the CLI (their workloads live there, not in
    /// the library): the matmul table names the rungs and relates each to the measured FMA peak, the conv
    /// table has one row per DCGAN layer.</summary>
    [Fact]
    public void BenchMatMulAndConv_TimeTheLibrarysKernels()
    {
        var matmul = CliProcess.Run(["bench", "matmul", "--sizes", "33"], Timeout);
        Assert.True(matmul.ExitCode == 0, $"exit code {matmul.ExitCode}; output:\n{matmul.Output}");
        Assert.Matches(@"FMA peak of this machine .*: \d+(\.\d+)? GFLOPS", matmul.Output);
        Assert.Contains("V3Packed", matmul.Output);
        Assert.Contains("% of peak", matmul.Output);
        var conv = CliProcess.Run(["bench", "conv", "--batch", "1"], Timeout);
        Assert.True(conv.ExitCode == 0, $"exit code {conv.ExitCode}; output:\n{conv.Output}");
        foreach (var layer in new[] { "D conv 1->64", "D conv 64->128", "G conv_transpose 128->64", "G conv_transpose 64->1" })
            Assert.Contains(layer, conv.Output);
    }

    /// <summary>`bench ladder` checks and times a family's rungs; a family or backend it does not know, or backends
    /// on which no rung runs, are bad arguments (exit 2) named in the message.</summary>
    [Fact]
    public void BenchLadder_ChecksAndTimesTheRungs_AndRefusesWhatItCannotRun()
    {
        var reduce = CliProcess.Run(["bench", "ladder", "reduce", "--backends", "cpu,reference", "--sizes", "8"], Timeout);
        Assert.True(reduce.ExitCode == 0, $"exit code {reduce.ExitCode}; output:\n{reduce.Output}");
        Assert.Contains("reduce sum rows+cols on cpu, 8x1024:", reduce.Output);
        Assert.Contains("reduce sum rows+cols on reference, 8x1024:", reduce.Output);
        Assert.Matches(@"GB/s", reduce.Output);
        var one = CliProcess.Run(["bench", "ladder", "matmul", "--rungs", "V3Packed", "--sizes", "16"], Timeout);
        Assert.True(one.ExitCode == 0, $"exit code {one.ExitCode}; output:\n{one.Output}");
        Assert.Contains("matmul V3Packed on cpu, 16x16x16:", one.Output);
        Assert.DoesNotContain("V2Simd", one.Output);
        var rung = CliProcess.Run(["bench", "ladder", "matmul", "--rungs", "V9"], Timeout);
        Assert.True(rung.ExitCode == 2, $"exit code {rung.ExitCode}; output:\n{rung.Output}");
        Assert.Contains("--rungs: matmul has no rung 'V9'", rung.Output);
        var family = CliProcess.Run(["bench", "ladder", "gemm"], Timeout);
        Assert.True(family.ExitCode == 2, $"exit code {family.ExitCode}; output:\n{family.Output}");
        Assert.Contains("unknown kernel family 'gemm'", family.Output);
        var backend = CliProcess.Run(["bench", "ladder", "conv", "--backends", "cpu,gpu"], Timeout);
        Assert.True(backend.ExitCode == 2, $"exit code {backend.ExitCode}; output:\n{backend.Output}");
        Assert.Contains("unknown backend 'gpu'", backend.Output);
        if (!Scratchgen.Backends.Ilgpu.IlgpuDevices.CudaAvailable())
        {
            var none = CliProcess.Run(["bench", "ladder", "reduce", "--backends", "cuda", "--check-only"], Timeout);
            Assert.True(none.ExitCode == 2, $"exit code {none.ExitCode}; output:\n{none.Output}");
            Assert.Contains("no rung of reduce runs on this machine", none.Output);
        }
    }

    /// <summary>A bad SCRATCHGEN_MATMUL is a bad option, said before any device is opened or anything trained.</summary>
    [Fact]
    public void BadMatMulEnvironmentVariable_IsABadOption()
    {
        var r = CliProcess.Run(["train", "gan", "--backend", "ilgpu-cpu", "--epochs", "1", "--limit", "100", "--out", Path.Combine(_dir, "badrung")], Timeout,
            new Dictionary<string, string> { ["SCRATCHGEN_MATMUL"] = "V9" });
        Assert.True(r.ExitCode == 2, $"exit code {r.ExitCode}; output:\n{r.Output}");
        Assert.Contains("SCRATCHGEN_MATMUL is 'V9'", r.Output);
        Assert.False(Directory.Exists(Path.Combine(_dir, "badrung", "checkpoint")));
    }

    /// <summary>`devices` says how GPU products pick their matmul rung, SCRATCHGEN_MATMUL included.</summary>
    [Fact]
    public void Devices_SayHowMatMulRungsArePicked()
    {
        var tuned = CliProcess.Run(["devices"], Timeout, new Dictionary<string, string> { ["SCRATCHGEN_MATMUL"] = "" });
        Assert.True(tuned.ExitCode == 0, $"exit code {tuned.ExitCode}; output:\n{tuned.Output}");
        Assert.Contains("timed on first use", tuned.Output);
        var fixedRung = CliProcess.Run(["devices"], Timeout, new Dictionary<string, string> { ["SCRATCHGEN_MATMUL"] = "v7unrolled" });
        Assert.Contains("V7Unrolled for every product", fixedRung.Output);
        var bad = CliProcess.Run(["devices"], Timeout, new Dictionary<string, string> { ["SCRATCHGEN_MATMUL"] = "V9" });
        Assert.Contains("will refuse to open", bad.Output);
    }

    [Fact]
    public void BenchModels_KernelTimeline_RefusesNonIlgpuBackends()
    {
        var cpu = CliProcess.Run(["bench", "models", "--model", "ae", "--kernel-timeline", "--backend", "cpu"], Timeout);
        Assert.True(cpu.ExitCode == 2, $"exit code {cpu.ExitCode}; output:\n{cpu.Output}");
        Assert.Contains("--kernel-timeline times the kernels of the ILGPU backends", cpu.Output);
    }

    /// <summary>Asking for a backend this machine cannot run is a bad option (exit code 2, one line saying
    /// why and what to use), not a crash with a stack trace. CUDA_VISIBLE_DEVICES="" hides any GPU, so the
    /// test reads the same on a machine with one.</summary>
    [Fact]
    public void UnavailableBackend_IsABadOption_NotACrash()
    {
        var r = CliProcess.Run(["train", "gan", "--backend", "cuda", "--epochs", "1", "--limit", "100", "--out", Path.Combine(_dir, "nocuda")], Timeout,
            new Dictionary<string, string> { ["CUDA_VISIBLE_DEVICES"] = "" });
        Assert.True(r.ExitCode == 2, $"exit code {r.ExitCode}; output:\n{r.Output}");
        Assert.Contains("cuda:", r.Output);
        Assert.Contains("--backend cpu", r.Output);
        Assert.DoesNotContain("Exception", r.Output);
    }
}
