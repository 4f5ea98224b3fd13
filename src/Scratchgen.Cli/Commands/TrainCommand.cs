using System.ComponentModel;
using Scratchgen.Cli.Help;
using Scratchgen.Models;
using Scratchgen.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>
/// scratchgen train MODEL: trains a generative model (on the embedded 10,000 MNIST digits unless --data
/// says otherwise), shows a progress bar with ETA and live losses, and leaves pictures, metrics and a
/// checkpoint in --out. Ctrl+C finishes the current step, saves a checkpoint and exits (code 130);
/// --resume continues exactly from a checkpoint folder, with the options the run was started with.
/// </summary>
internal sealed class TrainCommand : Command<TrainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[MODEL]"), GeneratedDescription(nameof(OptionHelp.TrainModel))]
        public string? Model { get; init; }

        [CommandOption("--data <PATH>"), Description("IDX images file (its labels file beside it), or a folder of images (subfolder = label). Default: the embedded MNIST subset.")]
        public string? Data { get; init; }

        [CommandOption("--image-size <N>"), GeneratedDescription(nameof(OptionHelp.ImageSize))]
        public int? ImageSize { get; init; }

        [CommandOption("--channels <N>"), GeneratedDescription(nameof(OptionHelp.Channels))]
        public int? Channels { get; init; }

        [CommandOption("--epochs <N>"), GeneratedDescription(nameof(OptionHelp.Epochs))]
        public int? Epochs { get; init; }

        [CommandOption("--batch-size <N>"), GeneratedDescription(nameof(OptionHelp.BatchSize))]
        public int? BatchSize { get; init; }

        [CommandOption("--lr <RATE>"), Description("Learning rate (default: the model's customary one).")]
        public double? LearningRate { get; init; }

        [CommandOption("--latent-dim <N>"), GeneratedDescription(nameof(OptionHelp.LatentDim))]
        public int? LatentDim { get; init; }

        [CommandOption("--arch <NAME>"), GeneratedDescription(nameof(OptionHelp.Architecture))]
        public string? Architecture { get; init; }

        [CommandOption("--recipe <SETTINGS>"), Description("The training recipe: 'plain' for the textbook one, or name=value settings over the model's defaults (e.g. ema=0,sn=1; 'plain,ema=0.999' over the textbook one). An unknown name lists the model's settings.")]
        public string? Recipe { get; init; }

        [CommandOption("--beta <B>"), Description("vae, cvae: the weight of the KL term in the training loss (1, the default: the ELBO; above 1: a beta-VAE, fewer and more independent active latent dimensions). The same as --recipe beta=B, so not given beside --recipe.")]
        public double? Beta { get; init; }

        [CommandOption("--backend <NAME>"), GeneratedDescription(nameof(OptionHelp.Backend))]
        [DefaultValue("cpu")]
        public string Backend { get; init; } = "cpu";

        [CommandOption("--seed <N>"), Description("Seeds the weights, the data order and the sample noise (default: 1).")]
        public ulong? Seed { get; init; }

        [CommandOption("--out <DIR>"), Description("Output folder (default: runs/MODEL; with --resume, the run folder that holds the checkpoint).")]
        public string? Out { get; init; }

        [CommandOption("--train-count <N>"), Description("Images in the training split; the rest are held out (default: 90 %, 9,000 of the embedded 10,000).")]
        public int? TrainCount { get; init; }

        [CommandOption("--limit <N>"), Description("Use only the first N images (quick runs).")]
        public int? Limit { get; init; }

        [CommandOption("--detect-anomaly"), Description("Debug mode: check every op's output for NaN/Inf and stop at the first, naming the op (slow).")]
        public bool DetectAnomaly { get; init; }

        [CommandOption("--no-fusion"), Description("Run every layer as its own op: no layer and activation fused into one op (Nn/Fusion.cs). The same results up to float rounding; for checking and timing the fusion.")]
        public bool NoFusion { get; init; }

        [CommandOption("--max-steps <N>"), Description("Stop after this many steps in all (counting a resumed run's), saving a checkpoint to --resume from.")]
        public long? MaxSteps { get; init; }

        [CommandOption("--resume <DIR>"), Description("Continue the run of a checkpoint folder (e.g. runs/dcgan/checkpoint) with the options it was started with; an option given again overrides --epochs, --batch-size, --lr or --keep-epochs and must match the others. MODEL may be left out.")]
        public string? Resume { get; init; }

        [CommandOption("--init-from <DIR>"), Description("Transfer learning: start from the weights of a checkpoint folder of the same model and sizes (optimizer and step start anew).")]
        public string? InitFrom { get; init; }

        [CommandOption("--freeze <NAMES>"), Description("With --init-from: comma-separated parameters or modules not to train, e.g. discriminator.0 (the discriminator's first convolution).")]
        public string? Freeze { get; init; }

        [CommandOption("--keep-epochs"), Description("Also keep each epoch's weights in checkpoint/epoch_NNN/model.safetensors (for detect).")]
        public bool KeepEpochs { get; init; }

        [CommandOption("--serve"), Description("Show the run live on a local page (127.0.0.1; the URL is printed): latest sample grid, loss curves, metrics and warnings per epoch. The page stays up after the run ends, until Ctrl+C.")]
        public bool Serve { get; init; }

        [CommandOption("--port <N>"), Description("With --serve: the TCP port (0: any free port).")]
        public int? Port { get; init; }

        public override ValidationResult Validate()
        {
            if (InitFrom != null && Resume != null) return ValidationResult.Error("--init-from and --resume exclude each other: --resume continues a run, --init-from starts a new one from its weights");
            if (Freeze != null && InitFrom == null && Resume == null) return ValidationResult.Error("--freeze needs --init-from (freezing untrained weights keeps them random)");
            if (Model == null && Resume == null) return ValidationResult.Error($"MODEL is required (one of {string.Join(", ", ModelFactory.Names)}), unless --resume continues a run");
            if (Model != null && !ModelFactory.Names.Contains(Model))
                return ValidationResult.Error($"unknown model '{Model}': expected one of {string.Join(", ", ModelFactory.Names)}");
            if (Beta is double beta)
            {
                if (Recipe != null) return ValidationResult.Error($"--beta {beta.ToString(System.Globalization.CultureInfo.InvariantCulture)} is --recipe beta={beta.ToString(System.Globalization.CultureInfo.InvariantCulture)}: give one of them (put beta in the recipe, e.g. --recipe beta=4,...)");
                if (!double.IsFinite(beta) || beta < 0) return ValidationResult.Error("--beta must be a finite number >= 0");
                if (Model != null && !RunOptions.HasBeta(Model)) return ValidationResult.Error($"--beta is the KL weight of vae and cvae; {Model} has no KL term");
            }
            if (Epochs is < 1) return ValidationResult.Error("--epochs must be at least 1");
            if (BatchSize is < 1) return ValidationResult.Error("--batch-size must be at least 1");
            if (LearningRate is not null and not > 0) return ValidationResult.Error("--lr must be positive");
            if (LatentDim is < 1 or > ModelLimits.MaxLatentDim) return ValidationResult.Error($"--latent-dim must be from 1 to {ModelLimits.MaxLatentDim}");
            if (Port != null && !Serve) return ValidationResult.Error("--port is the port of --serve's page: give --serve too");
            if (Port is < 0 or > 65535) return ValidationResult.Error("--port must be between 0 and 65535");
            if (MaxSteps is < 1) return ValidationResult.Error("--max-steps must be at least 1");
            if (Architecture is not null && !Checkpoint.Architectures.Contains(Architecture)) return ValidationResult.Error($"--arch must be {OptionHelp.Choices(Checkpoint.Architectures)}");
            if (ImageSize is < 4 or > ModelLimits.MaxSide) return ValidationResult.Error($"--image-size must be between 4 and {ModelLimits.MaxSide}");
            if (Channels is not null && !ModelLimits.Channels.Contains(Channels.Value)) return ValidationResult.Error("--channels must be 1 or 3");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings given, CancellationToken cancellation)
    {
        var backend = Scratchgen.Backends.Backend.FromName(given.Backend);
        var notes = new List<string>();
        var stored = given.Resume != null ? Checkpoint.ReadRunOptions(given.Resume) : new Dictionary<string, string>();
        var (s, runOptions) = RunOptions.Resolve(given, stored, given.Resume, notes);
        string outDir = s.Out ?? (s.Resume != null ? TrainingRun.RunFolderOf(s.Resume) : Path.Combine("runs", s.Model!));

        var data = DataSource.Load(s.Data, s.ImageSize!.Value, s.Channels!.Value);
        var config = new TrainConfig(s.Model!, outDir, s.Epochs!.Value, s.BatchSize!.Value, s.LearningRate, s.LatentDim, s.Seed!.Value, backend,
            s.Architecture!, s.TrainCount, s.Limit, s.MaxSteps, s.KeepEpochs, s.Recipe, runOptions);
        AnsiConsole.MarkupLineInterpolated($"[bold]data[/] {(s.Limit is int n && n < data.Count ? data.Slice(0, n).Summary() + $" (the first {n} of {data.Count})" : data.Summary())}");
        var observer = new ProgressObserver();
        var run = new TrainingRun(config, data, observer);
        if (s.Resume != null)
        {
            run.ResumeFrom(s.Resume);
            AnsiConsole.MarkupLineInterpolated($"resuming {s.Resume}: {s.Model}, {run.Start.Epoch} of {config.Epochs} epochs done, step {run.Start.Step}{(stored.Count == 0 ? " (a checkpoint without its run's options: the options given apply)" : ", with the options the run was started with")}");
            foreach (var note in notes) AnsiConsole.MarkupLineInterpolated($"[yellow]{note}[/]");
            if (run.Start.Epoch >= config.Epochs)
                AnsiConsole.MarkupLineInterpolated($"[yellow]nothing to train: the checkpoint has {run.Start.Epoch} epochs and the run {config.Epochs}[/]");
        }
        if (s.InitFrom != null)
        {
            Checkpoint.LoadWeightsInto(s.InitFrom, run.Model);
            AnsiConsole.MarkupLineInterpolated($"initialised from {s.InitFrom}");
        }
        if (s.Freeze != null) AnsiConsole.MarkupLineInterpolated($"frozen: {string.Join(", ", Freezing.Freeze(run.Model, s.Freeze.Split(',')))}");
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]model[/] {run.Model.Kind} ({run.Model.ParameterCount:N0} parameters, latent {run.Model.Options.LatentDim}) on {backend.Name}; train {run.Train.Count}, test {run.Test.Count}; output {Path.GetFullPath(config.OutDir)}");

        Microsoft.AspNetCore.Builder.WebApplication? server = null;
        if (given.Serve)
        {
            Directory.CreateDirectory(config.OutDir);
            var files = new Serve.SafeFiles(config.OutDir);
            int port = given.Port ?? Serve.LocalServer.DefaultPort;
            server = Serve.LocalServer.Build("127.0.0.1", port, a => Serve.RunEndpoints.Map(a, files));
            AnsiConsole.MarkupLineInterpolated($"[bold]live view[/] on {Serve.LocalServer.StartAsync(server, port).GetAwaiter().GetResult()}  (read-only)");
        }
        using var interrupt = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true; // keep the process: finish the step, save, exit
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            interrupt.Cancel();
        });
        IReadOnlyList<EpochResult> results;
        try
        {
            using var anomaly = s.DetectAnomaly ? Scratchgen.Autograd.AnomalyMode.Enable() : default;
            using var fusion = s.NoFusion ? Scratchgen.Nn.Fusion.Disable() : default;
            results = observer.Track(config.Epochs - run.Start.Epoch, () => run.Run(interrupt.Token));
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            if (server != null && interrupt.IsCancellationRequested) Serve.LocalServer.StopAsync(server).GetAwaiter().GetResult();
        }
        Summary.Print(run, results);
        if (server != null && !interrupt.IsCancellationRequested)
        {
            AnsiConsole.MarkupLine("the run is finished; its page stays up until Ctrl+C");
            Console.Out.Flush();
            Serve.LocalServer.RunUntilInterruptedAsync(server).GetAwaiter().GetResult();
        }
        if (interrupt.IsCancellationRequested)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]interrupted: checkpoint saved in {run.CheckpointDir}; continue with --resume {run.CheckpointDir}[/]");
            return ExitCodes.Interrupted;
        }
        if (run.StoppedAtMaxSteps)
            AnsiConsole.MarkupLineInterpolated($"stopped at step {s.MaxSteps} (--max-steps): checkpoint saved in {run.CheckpointDir}; continue with --resume {run.CheckpointDir}");
        return ExitCodes.Ok;
    }
}
