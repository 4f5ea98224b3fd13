using System.ComponentModel;
using System.Globalization;
using Scratchgen.Autograd;
using Scratchgen.Evaluation;
using Scratchgen.Imaging;
using Scratchgen.Tensors;
using Scratchgen.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen transfer-demo: the transfer-learning comparison in one command. The same model,
/// data subset, seed and number of steps, trained twice: from scratch, and fine-tuned from a checkpoint
/// (train --init-from, optionally --freeze). Writes both run folders, and transfer.png: samples side by
/// side over the per-step loss curves of both; prints held-out losses and how detectable each model's
/// images are (ROC AUC of a real-vs-generated detector on the held-out images, 0.5 = indistinguishable).</summary>
internal sealed class TransferDemoCommand : Command<TransferDemoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--pretrained <DIR>"), Description("Checkpoint folder of the trained model (e.g. runs/dcgan/checkpoint).")]
        public string Pretrained { get; init; } = "";

        [CommandOption("--data <PATH>"), Description("The new data set (e.g. a folder from make-letters).")]
        public string Data { get; init; } = "";

        [CommandOption("--train-count <N>"), Description("Images of the new data to train on; the rest are held out.")]
        [DefaultValue(500)]
        public int TrainCount { get; init; }

        [CommandOption("--epochs <N>"), Description("Passes over the subset (both runs).")]
        [DefaultValue(5)]
        public int Epochs { get; init; }

        [CommandOption("--batch-size <N>"), Description("Images per step (default: the model's own).")]
        public int? BatchSize { get; init; }

        [CommandOption("--freeze <NAMES>"), Description("Parameters or modules the fine-tuned run keeps fixed, e.g. discriminator.0.")]
        public string? Freeze { get; init; }

        [CommandOption("--seed <N>"), Description("One seed for both runs.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; }

        [CommandOption("--out <DIR>"), Description("Output folder (default: runs/transfer).")]
        public string Out { get; init; } = Path.Combine("runs", "transfer");

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Pretrained) || string.IsNullOrWhiteSpace(Data) ? ValidationResult.Error("--pretrained and --data are required")
            : Epochs < 1 ? ValidationResult.Error("--epochs must be at least 1") : ValidationResult.Success();
    }

    private sealed class StepRecorder : ITrainingObserver
    {
        public Dictionary<string, List<double>> Losses { get; } = [];
        public void OnMessage(string message) => AnsiConsole.MarkupLineInterpolated($"{message}");
        public void OnStep(int epoch, int stepInEpoch, int stepsPerEpoch, IReadOnlyDictionary<string, double> losses)
        {
            foreach (var (k, v) in losses) (Losses.TryGetValue(k, out var l) ? l : Losses[k] = []).Add(v);
        }
        public void OnEpoch(EpochResult r) => AnsiConsole.MarkupLineInterpolated(
            $"  epoch {r.Epoch}: {string.Join(", ", r.TestLosses.Select(kv => $"held-out {kv.Key} {kv.Value:F3}"))} ({r.Seconds:F0} s)");
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var pretrained = Checkpoint.LoadModel(s.Pretrained);
        var data = DataSource.Load(s.Data);
        TrainConfig Config(string name) => new(pretrained.Kind, Path.Combine(s.Out, name), s.Epochs,
            s.BatchSize ?? Scratchgen.Models.ModelFactory.DefaultBatchSize(pretrained.Kind), null, pretrained.Options.LatentDim, s.Seed,
            Architecture: pretrained.Options.Architecture, TrainCount: s.TrainCount);

        var runs = new List<(string Name, TrainingRun Run, StepRecorder Steps)>();
        foreach (var name in new[] { "scratch", "finetuned" })
        {
            var steps = new StepRecorder();
            var run = new TrainingRun(Config(name), data, steps);
            if (name == "finetuned")
            {
                Checkpoint.LoadWeightsInto(s.Pretrained, run.Model);
                var frozen = Freezing.Freeze(run.Model, (s.Freeze ?? "").Split(','));
                if (frozen.Count > 0) AnsiConsole.MarkupLineInterpolated($"frozen: {string.Join(", ", frozen)}");
            }
            AnsiConsole.MarkupLineInterpolated($"[bold]{name}[/]: {run.Model.Kind} on {run.Train.Count} images of {data.Name}, {s.Epochs} epochs, seed {s.Seed}");
            run.Run(cancellation);
            runs.Add((name, run, steps));
        }

        var table = new Table().AddColumns("run", "held-out loss_d", "held-out loss_g", "detector ROC AUC (0.5 = indistinguishable)");
        var panels = new List<(string Caption, Raster Samples)>();
        foreach (var (name, run, _) in runs)
        {
            var held = run.Evaluate();
            var detection = run.Test.Count >= 4 ? Detectability.Measure(run.Model, run.Test, s.Seed) : null;
            table.AddRow(name, Get(held, "loss_d"), Get(held, "loss_g"), detection?.Auc.ToString("F4", CultureInfo.InvariantCulture) ?? "-");
            run.Model.Eval();
            Tensor images;
            using (GradMode.NoGrad()) images = run.Model.Decode(run.Model.SampleLatent(40, new Rng(s.Seed + 7)));
            string auc = detection == null ? "" : $", detector AUC {detection.Auc:F2}";
            panels.Add(($"{(name == "scratch" ? "from scratch" : "fine-tuned")}{auc}", SampleGrid.Render(images, run.Model.Range, 8, scale: 2)));
        }
        AnsiConsole.Write(table);

        var series = runs.SelectMany(r => r.Steps.Losses.Where(kv => kv.Key is "loss_g" or "loss_d")
            .Select(kv => ($"{(r.Name == "scratch" ? "scratch" : "fine-tuned")} {kv.Key}", (IReadOnlyList<double>)Smooth(kv.Value, 10)))).ToList();
        int width = panels.Sum(p => p.Samples.Width) + 3 * 12;
        var chart = LossChart.Render(series, width, 320, title: $"{pretrained.Kind} on {runs[0].Run.Train.Count} images: losses per step (smoothed)");
        var figure = new Raster(width, 20 + panels.Max(p => p.Samples.Height) + 8 + chart.Height, Rgb.White);
        int x = 12;
        foreach (var (caption, samples) in panels)
        {
            BitmapFont.Draw(figure, caption, x, 6, Rgb.Black);
            figure.Blit(samples, x, 20);
            x += samples.Width + 12;
        }
        figure.Blit(chart, 0, 20 + panels.Max(p => p.Samples.Height) + 8);
        string file = Path.Combine(s.Out, "transfer.png");
        ImageFiles.SavePng(figure, file, Provenance.Generated(new Dictionary<string, string>
        {
            ["Model"] = pretrained.Kind, ["Seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
            ["Pretrained-SHA256"] = Checkpoint.ModelSha256(s.Pretrained),
        }));
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.GetFullPath(file)}");
        return ExitCodes.Ok;
    }

    private static string Get(IReadOnlyDictionary<string, double> d, string key) =>
        d.TryGetValue(key, out var v) ? v.ToString("F4", CultureInfo.InvariantCulture) : "-";

    private static List<double> Smooth(List<double> values, int window) =>
        values.Select((_, i) => values.Skip(Math.Max(0, i - window + 1)).Take(Math.Min(i + 1, window)).Average()).ToList();
}
