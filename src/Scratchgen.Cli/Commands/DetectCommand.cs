using System.ComponentModel;
using Scratchgen.Cli.Help;
using System.Globalization;
using System.Text.Json;
using Scratchgen.Evaluation;
using Scratchgen.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen detect RUN_DIR: how detectable the run's generated images are. For each kept epoch
/// (checkpoint/epoch_NNN, written by train --keep-epochs; otherwise the final checkpoint) it draws as many
/// images as --count held-out real ones, trains a small real-vs-generated conv classifier on half and
/// prints its ROC AUC on the unseen half; --out (RUN_DIR/detection.json) keeps the numbers.</summary>
internal sealed class DetectCommand : Command<DetectCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<RUN_DIR>"), Description("A run folder written by train (e.g. runs/dcgan).")]
        public string RunDir { get; init; } = "";

        [CommandOption("--data <PATH>"), Description("The run's data (default: the embedded MNIST subset); the real images are its last --count, the part train holds out by default.")]
        public string? Data { get; init; }

        [CommandOption("--out <FILE>"), Description("JSON file to write the numbers to (default: RUN_DIR/detection.json).")]
        public string? Out { get; init; }

        [CommandOption("--count <N>"), Description("Real images (and as many generated ones) per epoch; half train the detector, half test it.")]
        [DefaultValue(1000)]
        public int Count { get; init; }

        [CommandOption("--detector-epochs <N>"), Description("Passes of the detector over its training half.")]
        [DefaultValue(5)]
        public int DetectorEpochs { get; init; }

        [CommandOption("--seed <N>"), Description("Seeds the generated images, the split and the detector.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; }

        [CommandOption("--backend <NAME>"), GeneratedDescription(nameof(OptionHelp.Backend))]
        [DefaultValue("cpu")]
        public string Backend { get; init; } = "cpu";

        public override ValidationResult Validate() =>
            Count < 4 ? ValidationResult.Error("--count must be at least 4")
            : DetectorEpochs < 1 ? ValidationResult.Error("--detector-epochs must be at least 1") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        string checkpoint = Path.Combine(s.RunDir, "checkpoint");
        if (!Directory.Exists(checkpoint)) throw new DirectoryNotFoundException($"RUN_DIR '{s.RunDir}': no checkpoint folder (is it a run written by train?)");
        var snapshots = Directory.GetDirectories(checkpoint, "epoch_*").Order(StringComparer.Ordinal)
            .Select(d => (Label: Path.GetFileName(d), Dir: d)).ToList();
        if (snapshots.Count == 0)
        {
            AnsiConsole.MarkupLine("[yellow]no per-epoch snapshots (train with --keep-epochs for detection epoch by epoch): using the final checkpoint[/]");
            snapshots.Add(("final", checkpoint));
        }
        var data = DataSource.Load(s.Data);
        int count = Math.Min(s.Count, data.Count);
        var real = data.Slice(data.Count - count, count);
        var backend = Scratchgen.Backends.Backend.FromName(s.Backend);

        var table = new Table().Title($"real vs generated: {count} real + {count} generated per row, detector tested on the unseen half")
            .AddColumns("checkpoint", "ROC AUC", "accuracy", "detector loss");
        var results = new Dictionary<string, double>();
        foreach (var (label, dir) in snapshots)
        {
            cancellation.ThrowIfCancellationRequested();
            var model = Checkpoint.LoadModel(dir, backend);
            var r = Detectability.Measure(model, real, s.Seed, s.DetectorEpochs);
            table.AddRow(label, r.Auc.ToString("F4", CultureInfo.InvariantCulture), r.Accuracy.ToString("P1", CultureInfo.InvariantCulture),
                r.TrainLoss.ToString("F4", CultureInfo.InvariantCulture));
            results[$"{label}.auc"] = Math.Round(r.Auc, 6);
            results[$"{label}.accuracy"] = Math.Round(r.Accuracy, 6);
            AnsiConsole.MarkupLineInterpolated($"{label}: ROC AUC {r.Auc:F4}");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("AUC 0.5: the detector cannot tell generated from real; 1.0: it catches every generated image.");
        string json = s.Out ?? Path.Combine(s.RunDir, "detection.json");
        Checkpoints.AtomicFile.Write(json, f => JsonSerializer.Serialize(f, results, new JsonSerializerOptions { WriteIndented = true }));
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.GetFullPath(json)}");
        return ExitCodes.Ok;
    }
}
