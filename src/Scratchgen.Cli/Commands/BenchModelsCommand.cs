using System.ComponentModel;
using Scratchgen.Cli.Help;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Data;
using Scratchgen.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>
/// scratchgen bench models: training throughput of the four reference models (MLP AE, MLP VAE,
/// MLP GAN, DCGAN) on the embedded data: batch 128, 9,000 training images, images/s timed from the first
/// batch to the last of each epoch (optimizer steps included, evaluation and pictures excluded), and the
/// process's peak resident memory. One line per epoch, in a form bench/compare.sh parses.
/// </summary>
internal sealed class BenchModelsCommand : Command<BenchModelsCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <NAME>"), Description("ae, vae, gan or dcgan (default: all four).")]
        public string? Model { get; init; }

        [CommandOption("--epochs <N>"), Description("Epochs per model.")]
        [DefaultValue(1)]
        public int Epochs { get; init; }

        [CommandOption("--batch-size <N>"), Description("Images per step.")]
        [DefaultValue(128)]
        public int BatchSize { get; init; }

        [CommandOption("--recipe <SETTINGS>"), Description("The training recipe of every model (as train --recipe; default: each model's defaults, 'plain' for the textbook ones).")]
        public string? Recipe { get; init; }

        [CommandOption("--profile"), Description("Time every op forward and backward and every optimizer step (waiting for the GPU after each), print the 20 costliest, and per epoch how a step's time divides between ops, optimizer steps and the code between them.")]
        public bool Profile { get; init; }

        [CommandOption("--kernel-timeline"), Description("ILGPU backends only: time every kernel launch on the device's clock (profiling markers, no waits) from step 11 to the epoch's last full batch, and print the 20 costliest kernels per step with the device's busy and idle time.")]
        public bool KernelTimeline { get; init; }

        [CommandOption("--backend <NAME>"), GeneratedDescription(nameof(OptionHelp.Backend))]
        [DefaultValue("cpu")]
        public string Backend { get; init; } = "cpu";

        [CommandOption("--matmul <VARIANT>"), Description("ILGPU backends only: the rung of the matmul ladder to train with (V1Naive .. V8WideLoads; default: on a GPU, the fastest same-result rung per product, timed on first use).")]
        public string? MatMul { get; init; }

        public override ValidationResult Validate() =>
            MatMul != null && MatMulKernels.Named(MatMul) == null
                ? ValidationResult.Error($"--matmul must be one of {string.Join(", ", Enum.GetNames<MatMulKernels.Variant>())}, got '{MatMul}'")
                : ValidationResult.Success();
    }

    /// <summary>The latent sizes of the peers' twins of the reference models (bench/peers/torch_models.py,
    /// torch_dcgan.py, the TorchSharp project), so that a speed comparison runs the same networks whatever
    /// the catalog's defaults are.</summary>
    private static readonly Dictionary<string, int> PeerLatent = new() { ["ae"] = 32, ["vae"] = 20, ["gan"] = 100, ["dcgan"] = 100 };

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        string[] models = s.Model != null ? [s.Model] : ["ae", "vae", "gan", "dcgan"];
        var data = Embedded.Mnist10k();
        var backend = Scratchgen.Backends.Backend.FromName(s.Backend);
        if (s.KernelTimeline && backend is not Scratchgen.Backends.Ilgpu.IlgpuBackend)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]--kernel-timeline times the kernels of the ILGPU backends; --backend {s.Backend} runs {backend.Name}[/]");
            return ExitCodes.BadArguments;
        }
        if (s.MatMul != null)
        {
            if (backend is not Scratchgen.Backends.Ilgpu.IlgpuBackend ilgpu)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]--matmul picks a kernel of the ILGPU backends; --backend {s.Backend} runs {backend.Name}[/]");
                return ExitCodes.BadArguments;
            }
            ilgpu.MatMulVariant = MatMulKernels.Named(s.MatMul)!.Value; // Settings.Validate refused other names
            Console.WriteLine($"matmul variant: {ilgpu.MatMulVariant} for every product (no tuning)" + (ilgpu.Accelerator.MaxNumThreadsPerGroup < 256
                ? $" (not used here: {ilgpu.DeviceName} allows {ilgpu.Accelerator.MaxNumThreadsPerGroup} threads per group, the tiled rungs need 256, so V1Naive runs)" : ""));
        }
        var table = new Table().AddColumns("model", "epoch", "img/s", "seconds", "held-out loss");
        foreach (var name in models)
        {
            string outDir = Path.Combine(Path.GetTempPath(), $"scratchgen-bench-{name}-{Environment.ProcessId}");
            var cores = backend is Scratchgen.Backends.Cpu.CpuBackend ? new CoreDistanceSampler() : null;
            ITrainingObserver? observer = backend is Scratchgen.Backends.Ilgpu.IlgpuBackend device ? new DeviceCounters(device, s.KernelTimeline) : cores;
            IReadOnlyList<EpochResult> results;
            using (var profiler = s.Profile ? Scratchgen.Autograd.OpProfiler.Start(synchronizeDevice: true) : null)
            {
                var run = new TrainingRun(new TrainConfig(name, outDir, s.Epochs, s.BatchSize, LatentDim: PeerLatent.TryGetValue(name, out int latent) ? latent : null, TrainCount: 9000, Backend: backend, Recipe: s.Recipe),
                    data, profiler != null ? new StepBudget(name, profiler, observer) : observer);
                results = run.Run();
                if (profiler != null) PrintProfile(name, profiler, results.Sum(r => r.Seconds));
            }
            foreach (var r in results)
            {
                var first = r.TestLosses.First();
                // Plain Console: one line per epoch whatever the terminal width (bench/compare.sh reads it).
                Console.WriteLine($"{name} epoch {r.Epoch} on {backend.Name}: {r.ImagesPerSecond:F0} img/s, {r.Seconds:F1} s, test {first.Key} {first.Value:F4}, peak RSS {PeakRssMb():F0} MB" +
                    (cores?.Describe(r.Epoch - 1) is { } distance ? $", {distance}" : ""));
                table.AddRow(name, r.Epoch.ToString(), r.ImagesPerSecond.ToString("F0"), r.Seconds.ToString("F1"), $"{first.Key} {first.Value:F4}");
            }
            Directory.Delete(outDir, recursive: true);
        }
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine($"peak RSS {PeakRssMb():F0} MB");
        return ExitCodes.Ok;
    }

    private static void PrintProfile(string model, Scratchgen.Autograd.OpProfiler profiler, double trainSeconds)
    {
        var rows = profiler.Report();
        var table = new Table().AddColumns("op", "ms", "calls", "us/call", "% of training time");
        foreach (var (what, ms, calls) in rows.Take(20))
            table.AddRow(what, ms.ToString("F0"), calls.ToString(), (1000 * ms / calls).ToString("F1"), (100 * ms / (1000 * trainSeconds)).ToString("F1"));
        AnsiConsole.WriteLine($"{model}: {1000 * trainSeconds:F0} ms of training steps, profiled with a wait after each op (slower than unprofiled). " +
            "Rows nest: a backward row includes the ops its rule runs, which also appear as forward rows; " +
            "optimizer steps have rows of their own; read-backs and data loading are in no row (the lines per epoch above count them).");
        AnsiConsole.Write(table);
    }

    // Samples CoreDistance every few steps (a 200-exchange ping-pong, tens of microseconds against a step's
    // milliseconds), so that each epoch line says whether the host kept the two cores close.
    private sealed class CoreDistanceSampler : ITrainingObserver
    {
        private const int EverySteps = 10;
        private readonly Dictionary<int, List<double>> _samples = [];

        public void OnMessage(string message) { }

        public void OnStep(int epoch, int stepInEpoch, int stepsPerEpoch, IReadOnlyDictionary<string, double> losses)
        {
            if (stepInEpoch % EverySteps != 0) return;
            double ns = Scratchgen.Backends.Cpu.CoreDistance.RoundTripNanoseconds();
            if (double.IsNaN(ns)) return;
            if (!_samples.TryGetValue(epoch, out var list)) _samples[epoch] = list = [];
            list.Add(ns);
        }

        public void OnEpoch(EpochResult result) { }

        // "cores 58 ns apart (0/7 samples far)", or null when nothing was sampled (one core).
        public string? Describe(int epoch)
        {
            if (!_samples.TryGetValue(epoch, out var list) || list.Count == 0) return null;
            var sorted = list.Order().ToArray();
            int far = sorted.Count(ns => ns > Scratchgen.Backends.Cpu.CoreDistance.FarNanoseconds);
            return $"cores {sorted[sorted.Length / 2]:F0} ns apart ({far}/{sorted.Length} samples far)";
        }
    }

    /// <summary>On an ILGPU backend: device allocations, kernel launches and host/device copies per training step, from
    /// step <see cref="WarmSteps"/> to the last full batch of each epoch (the last, smaller batch has
    /// new shapes; evaluation and pictures are excluded); with <paramref name="timeline"/>, each of those steps'
    /// kernels on the device's clock (KernelTimeline, collected after every step).</summary>
    private sealed class DeviceCounters(Scratchgen.Backends.Ilgpu.IlgpuBackend device, bool timeline) : ITrainingObserver
    {
        private const int WarmSteps = 10;
        private (long Allocations, long ToHost, long ToDevice, long Launches) _start;
        private readonly System.Diagnostics.Stopwatch _wall = new();

        public void OnMessage(string message) { }

        public void OnStep(int epoch, int stepInEpoch, int stepsPerEpoch, IReadOnlyDictionary<string, double> losses)
        {
            int last = stepsPerEpoch - 1;
            if (stepInEpoch == WarmSteps)
            {
                _start = (device.DeviceAllocations, device.DeviceToHostCopies, device.HostToDeviceCopies, device.KernelLaunches);
                if (timeline && last > WarmSteps) device.Timeline = new Scratchgen.Backends.Ilgpu.KernelTimeline();
                _wall.Restart();
            }
            if (stepInEpoch > WarmSteps) device.Timeline?.Collect();
            if (stepInEpoch != last || last <= WarmSteps) return;
            int steps = last - WarmSteps;
            if (device.Timeline is { } kernels)
            {
                PrintTimeline(kernels, steps, _wall.Elapsed.TotalMilliseconds / steps);
                device.Timeline = null;
                kernels.Dispose();
            }
            AnsiConsole.WriteLine($"  kernels compiled so far: {device.KernelsCompiled}, {device.KernelCompileTime.TotalSeconds:F1} s of host time (ILGPU compiles each on its first launch, inside the first epoch)");
            if (device.TunedRungs is { Count: > 0 } tuned)
                AnsiConsole.WriteLine($"  matmul rung per product, timed on first use ({device.TuningMismatches} candidates differed in bits): " +
                    string.Join("; ", tuned.Select(t => $"{t.Shape} {t.Rung}")));
            AnsiConsole.WriteLine($"  epoch {epoch + 1}, steps {WarmSteps + 1}-{last} on {device.Name}: " +
                $"{device.DeviceAllocations - _start.Allocations} device allocations, " +
                $"{(device.KernelLaunches - _start.Launches) / (double)steps:F0} kernel launches, " +
                $"{(device.DeviceToHostCopies - _start.ToHost) / (double)steps:F1} device-to-host and " +
                $"{(device.HostToDeviceCopies - _start.ToDevice) / (double)steps:F1} host-to-device copies per step");
        }

        public void OnEpoch(EpochResult result) { }

        private void PrintTimeline(Scratchgen.Backends.Ilgpu.KernelTimeline kernels, int steps, double wallMs)
        {
            AnsiConsole.WriteLine($"  kernel timeline on {device.Name}, per step over {steps} steps: device busy {kernels.BusyMilliseconds / steps:F2} ms, " +
                $"idle between launches {kernels.IdleMilliseconds / steps:F2} ms (waiting for the host), first launch to last {kernels.SpanMilliseconds / steps:F2} ms; " +
                $"wall {wallMs:F2} ms (two markers per launch add host time)");
            var table = new Table().AddColumns("kernel", "calls/step", "ms/step", "us/call", "% of busy");
            foreach (var row in kernels.Report().Take(20))
                table.AddRow(row.Kernel, (row.Calls / (double)steps).ToString("F1"), (row.Milliseconds / steps).ToString("F3"),
                    (1000 * row.Milliseconds / row.Calls).ToString("F1"), (100 * row.Milliseconds / Math.Max(kernels.BusyMilliseconds, 1e-12)).ToString("F1"));
            AnsiConsole.Write(table);
        }
    }

    // VmHWM: the largest resident set this process has had (Linux); NaN elsewhere.
    private static double PeakRssMb()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return double.NaN;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:"));
        return line != null && double.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out double kb) ? kb / 1024 : double.NaN;
    }
}
