using System.ComponentModel;
using Scratchgen.Autograd;
using Scratchgen.Cli.Help;
using Scratchgen.Imaging;
using Scratchgen.Models;
using Scratchgen.Tensors;
using Scratchgen.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>Options shared by the commands that load a trained model. Each writes one file: its --out,
/// by default a file of the command's own name in the run folder (the checkpoint folder's parent); compress
/// and traverse write two files of their own names into a folder: their --out, by default the run folder.</summary>
internal abstract class CheckpointSettings : CommandSettings
{
    [CommandArgument(0, "<CHECKPOINT>"), Description("A checkpoint folder written by train (e.g. runs/dcgan/checkpoint).")]
    public string Checkpoint { get; init; } = "";

    /// <summary>The file to write; each command declares it with its default name in the help text.</summary>
    public abstract string? Out { get; init; }

    [CommandOption("--seed <N>"), Description("Seed of the noise.")]
    [DefaultValue(1UL)]
    public ulong Seed { get; init; }

    [CommandOption("--backend <NAME>"), GeneratedDescription(nameof(OptionHelp.Backend))]
    [DefaultValue("cpu")]
    public string Backend { get; init; } = "cpu";

    /// <summary>Where the command writes: --out, or <paramref name="name"/> in the run folder.</summary>
    public string OutputFile(string name) => Out ?? Path.Combine(RunFolder, name);

    public GenerativeModel Load()
    {
        var model = Training.Checkpoint.LoadModel(Checkpoint, Scratchgen.Backends.Backend.FromName(Backend));
        model.Eval();
        return model;
    }

    /// <summary>The run folder: the checkpoint folder's parent (runs/dcgan for runs/dcgan/checkpoint).</summary>
    public string RunFolder => TrainingRun.RunFolderOf(Checkpoint);

    public Provenance Provenance(GenerativeModel model) => Imaging.Provenance.Generated(new Dictionary<string, string>
    {
        ["Model"] = model.Kind,
        ["Seed"] = Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Checkpoint"] = Path.GetFullPath(Checkpoint),
        ["Checkpoint-SHA256"] = Training.Checkpoint.ModelSha256(Checkpoint),
    });
}

/// <summary>scratchgen sample CHECKPOINT: a grid of new images from a trained model (a chosen digit with --label for cvae/cgan).</summary>
internal sealed class SampleCommand : Command<SampleCommand.Settings>
{
    public sealed class Settings : CheckpointSettings
    {
        [CommandOption("--out <FILE>"), Description("PNG file to write (default: samples.png in the run folder, the checkpoint folder's parent).")]
        public override string? Out { get; init; }

        [CommandOption("--count <N>"), Description("Number of images.")]
        [DefaultValue(64)]
        public int Count { get; init; }

        [CommandOption("--label <DIGIT>"), Description("Conditional models: the class to draw (default: one class per column).")]
        public int? Label { get; init; }

        public override ValidationResult Validate() =>
            Count is < 1 or > 10000 ? ValidationResult.Error("--count must be between 1 and 10000") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var model = s.Load();
        if (s.Label is int l && (l < 0 || l >= model.Options.Classes))
            throw new ArgumentException($"--label {l} is outside [0, {model.Options.Classes})");
        int[]? labels = model.IsConditional ? Enumerable.Range(0, s.Count).Select(i => s.Label ?? i % model.Options.Classes).ToArray() : null;
        Tensor images;
        using (GradMode.NoGrad()) images = model.Decode(model.SampleLatent(s.Count, new Rng(s.Seed)), labels);
        string path = s.OutputFile("samples.png");
        SampleGrid.SavePng(images, model.Range, path, s.Provenance(model), columns: model.IsConditional && s.Label == null ? model.Options.Classes : null, scale: 2);
        AnsiConsole.MarkupLineInterpolated($"wrote {s.Count} {model.Kind} samples to {Path.GetFullPath(path)}");
        return ExitCodes.Ok;
    }
}

/// <summary>scratchgen interpolate CHECKPOINT: straight lines between random latent codes, decoded.</summary>
internal sealed class InterpolateCommand : Command<InterpolateCommand.Settings>
{
    public sealed class Settings : CheckpointSettings
    {
        [CommandOption("--out <FILE>"), Description("PNG file to write (default: interpolations.png in the run folder, the checkpoint folder's parent; train's own is interpolation.png).")]
        public override string? Out { get; init; }

        [CommandOption("--rows <N>"), Description("Number of interpolation rows.")]
        [DefaultValue(8)]
        public int Rows { get; init; }

        [CommandOption("--steps <N>"), Description("Images per row, end points included.")]
        [DefaultValue(10)]
        public int Steps { get; init; }

        public override ValidationResult Validate() =>
            Rows < 1 || Steps < 2 ? ValidationResult.Error("--rows must be at least 1 and --steps at least 2") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var model = s.Load();
        var rng = new Rng(s.Seed);
        var path = Strips.InterpolateLatents(model.SampleLatent(s.Rows, rng), model.SampleLatent(s.Rows, rng), s.Steps, spherical: true);
        int[]? labels = model.IsConditional ? Enumerable.Range(0, s.Rows * s.Steps).Select(i => i / s.Steps % model.Options.Classes).ToArray() : null;
        Tensor images;
        using (GradMode.NoGrad()) images = model.Decode(path, labels);
        string file = s.OutputFile("interpolations.png");
        ImageFiles.SavePng(Strips.Interpolation(images, s.Steps, model.Range, scale: 2), file, s.Provenance(model));
        AnsiConsole.MarkupLineInterpolated($"wrote {s.Rows} interpolations of {s.Steps} steps to {Path.GetFullPath(file)}");
        return ExitCodes.Ok;
    }
}

/// <summary>scratchgen reconstruct CHECKPOINT: held-out digits above their reconstructions (ae, dae, vae, cvae).</summary>
internal sealed class ReconstructCommand : Command<ReconstructCommand.Settings>
{
    public sealed class Settings : CheckpointSettings
    {
        [CommandOption("--out <FILE>"), Description("PNG file to write (default: reconstructions.png in the run folder, the checkpoint folder's parent).")]
        public override string? Out { get; init; }

        [CommandOption("--data <PATH>"), Description("IDX images file or folder (default: the embedded MNIST subset's held-out part).")]
        public string? Data { get; init; }

        [CommandOption("--count <N>"), Description("Number of images.")]
        [DefaultValue(10)]
        public int Count { get; init; }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var model = s.Load();
        if (!model.HasEncoder) throw new ArgumentException($"{model.Kind} has no encoder: reconstruct works with ae, dae, vae and cvae checkpoints");
        var data = DataSource.Load(s.Data);
        var test = data.Slice(Math.Max(0, data.Count - s.Count), Math.Min(s.Count, data.Count));
        var batch = new Data.BatchIterator(test, test.Count, new Rng(0), model.Options.Backend, shuffle: false).Next();
        Tensor recon;
        using (GradMode.NoGrad()) recon = model.Reconstruct(batch.Images, batch.Labels);
        string file = s.OutputFile("reconstructions.png");
        ImageFiles.SavePng(Strips.Reconstructions(batch.Images, recon, model.Range, scale: 2), file, s.Provenance(model));
        AnsiConsole.MarkupLineInterpolated($"wrote {test.Count} reconstructions to {Path.GetFullPath(file)}");
        return ExitCodes.Ok;
    }
}
