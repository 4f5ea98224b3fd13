using System.ComponentModel;
using Scratchgen.Cli.Help;
using System.Globalization;
using System.Text.Json;
using Scratchgen.Applications;
using Scratchgen.Imaging;
using Scratchgen.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen anomaly: trains an AE or VAE on every digit but one (the usual 90/10 split, the
/// held-out digit removed from the training part), scores every held-out image by reconstruction
/// error (AE) or -ELBO (VAE), prints the ROC AUC of "held-out digit" against the rest and the mean score
/// per digit, and writes anomaly.png (most and least anomalous with reconstructions) and anomaly.json
/// beside the run's usual pictures, metrics and checkpoint.</summary>
internal sealed class AnomalyCommand : Command<AnomalyCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <NAME>"), Description("ae or vae.")]
        [DefaultValue("vae")]
        public string Model { get; init; } = "vae";

        [CommandOption("--holdout-digit <D>"), Description("The class left out of training: the anomaly to find.")]
        [DefaultValue(9)]
        public int HoldoutDigit { get; init; }

        [CommandOption("--data <PATH>"), Description("IDX images file or folder (default: the embedded MNIST subset).")]
        public string? Data { get; init; }

        [CommandOption("--epochs <N>"), Description("Training epochs.")]
        [DefaultValue(5)]
        public int Epochs { get; init; }

        [CommandOption("--latent-dim <N>"), Description("Size of the latent code (default: the model's own).")]
        public int? LatentDim { get; init; }

        [CommandOption("--seed <N>"), Description("Seeds the weights, the data order and the ELBO noise.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; }

        [CommandOption("--backend <NAME>"), GeneratedDescription(nameof(OptionHelp.Backend))]
        [DefaultValue("cpu")]
        public string Backend { get; init; } = "cpu";

        [CommandOption("--out <DIR>"), Description("Output folder (default: runs/anomaly-MODEL-DIGIT).")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            Model is not ("ae" or "vae") ? ValidationResult.Error($"--model must be ae or vae, got '{Model}'")
            : Epochs < 1 ? ValidationResult.Error("--epochs must be at least 1") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var data = DataSource.Load(s.Data);
        if (s.HoldoutDigit < 0 || s.HoldoutDigit >= data.ClassCount)
            throw new ArgumentException($"--holdout-digit {s.HoldoutDigit} is outside the data's classes [0, {data.ClassCount})");
        int split = (int)(data.Count * 0.9);
        var normal = AnomalyDetection.IndicesWhere(data, l => l != s.HoldoutDigit);
        int normalTrain = normal.Count(i => i < split);
        var training = AnomalyDetection.Pick(data, normal, $"{data.Name} without {s.HoldoutDigit}");
        var test = data.Slice(split, data.Count - split, $"{data.Name} held out");
        int anomalies = AnomalyDetection.IndicesWhere(test, l => l == s.HoldoutDigit).Length;
        if (anomalies == 0 || anomalies == test.Count) throw new ArgumentException($"the held-out part needs both digit {s.HoldoutDigit} and others; it has {anomalies} of {test.Count}");

        string outDir = s.Out ?? Path.Combine("runs", $"anomaly-{s.Model}-{s.HoldoutDigit}");
        var config = new TrainConfig(s.Model, outDir, s.Epochs, Scratchgen.Models.ModelFactory.DefaultBatchSize(s.Model), null, s.LatentDim, s.Seed,
            Scratchgen.Backends.Backend.FromName(s.Backend), TrainCount: normalTrain);
        var observer = new ProgressObserver();
        var run = new TrainingRun(config, training, observer);
        AnsiConsole.MarkupLineInterpolated($"[bold]anomaly detection[/]: {s.Model} trained on {normalTrain} images without digit {s.HoldoutDigit}; scoring {test.Count} held-out images ({anomalies} are {s.HoldoutDigit}s)");
        observer.Track(s.Epochs, () => run.Run(cancellation));

        var scores = AnomalyDetection.Scores(run.Model, test, s.Seed);
        double auc = AnomalyDetection.Auc(scores, test, s.HoldoutDigit);
        var table = new Table().Title($"mean {(s.Model == "vae" ? "-ELBO" : "reconstruction error")} per digit (nats)").AddColumns("digit", "images", "mean score");
        var perDigit = new Dictionary<string, double>();
        for (int d = 0; d < test.ClassCount; d++)
        {
            var idx = AnomalyDetection.IndicesWhere(test, l => l == d);
            if (idx.Length == 0) continue;
            double mean = idx.Average(i => scores[i]);
            perDigit[d.ToString(CultureInfo.InvariantCulture)] = Math.Round(mean, 3);
            table.AddRow(d == s.HoldoutDigit ? $"[bold]{d} (held out)[/]" : $"{d}", $"{idx.Length}", mean.ToString("F1", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"[bold]ROC AUC[/] of digit {s.HoldoutDigit} against the rest: [bold]{auc:F4}[/] (0.5 = chance, 1 = every {s.HoldoutDigit} scores above every other digit)");

        string picture = Path.Combine(outDir, "anomaly.png");
        ImageFiles.SavePng(AnomalyPicture.Render(run.Model, test, scores), picture, Provenance.Generated(new Dictionary<string, string>
        {
            ["Model"] = s.Model, ["Seed"] = s.Seed.ToString(CultureInfo.InvariantCulture), ["Checkpoint-SHA256"] = Checkpoint.ModelSha256(run.CheckpointDir),
            ["Description"] = $"held-out images ranked by anomaly score, digit {s.HoldoutDigit} left out of training",
        }));
        Checkpoints.AtomicFile.Write(Path.Combine(outDir, "anomaly.json"), f => JsonSerializer.Serialize(f, new Dictionary<string, object>
        {
            ["model"] = s.Model, ["holdout_digit"] = s.HoldoutDigit, ["roc_auc"] = Math.Round(auc, 6), ["test_images"] = test.Count,
            ["mean_score_per_digit"] = perDigit,
        }, new JsonSerializerOptions { WriteIndented = true }));
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.GetFullPath(picture)} and anomaly.json");
        return ExitCodes.Ok;
    }

}
