using System.ComponentModel;
using System.Globalization;
using Scratchgen.Applications;
using Scratchgen.Evaluation;
using Scratchgen.Imaging;
using Scratchgen.Tensors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen augment CHECKPOINT: a LeNet-5 trained on a few labelled digits with and without samples
/// from a conditional generator (cgan, cvae), and with those samples' labels shuffled (a control); held-out
/// accuracy each way, and a picture of the samples.</summary>
internal sealed class AugmentCommand : Command<AugmentCommand.Settings>
{
    public sealed class Settings : CheckpointSettings
    {
        [CommandOption("--out <FILE>"), Description("PNG file to write (default: augmentation.png in the run folder, the checkpoint folder's parent).")]
        public override string? Out { get; init; }

        [CommandOption("--data <PATH>"), Description("IDX images file or folder (default: the embedded MNIST subset).")]
        public string? Data { get; init; }

        [CommandOption("--test-count <N>"), Description("Held-out images (the last N of the data) the accuracy is measured on.")]
        [DefaultValue(1000)]
        public int TestCount { get; init; }

        [CommandOption("--labels-per-class <N>"), Description("Real labelled images per class (10 x 10 = 100 labels).")]
        [DefaultValue(10)]
        public int LabelsPerClass { get; init; }

        [CommandOption("--generated-per-class <N>"), Description("Generated images per class added in the augmented run.")]
        [DefaultValue(50)]
        public int GeneratedPerClass { get; init; }

        [CommandOption("--steps <N>"), Description("Classifier training steps (batch 32), the same in both runs.")]
        [DefaultValue(500)]
        public int Steps { get; init; }

        [CommandOption("--repeats <N>"), Description("Independent repeats (disjoint labelled subsets, new samples, new seeds); the mean is reported.")]
        [DefaultValue(3)]
        public int Repeats { get; init; }

        public override ValidationResult Validate() =>
            LabelsPerClass < 1 ? ValidationResult.Error("--labels-per-class must be at least 1")
            : GeneratedPerClass < 0 ? ValidationResult.Error("--generated-per-class must not be negative")
            : Steps < 1 ? ValidationResult.Error("--steps must be at least 1")
            : Repeats is < 1 or > 20 ? ValidationResult.Error("--repeats must be between 1 and 20")
            : TestCount < 1 ? ValidationResult.Error("--test-count must be at least 1")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var model = s.Load();
        var data = DataSource.Load(s.Data);
        int n = Math.Min(s.TestCount, data.Count - 1);
        var (train, test) = data.Split(data.Count - n);
        var options = new AugmentationOptions(s.LabelsPerClass, s.GeneratedPerClass, s.Steps, Repeats: s.Repeats, Seed: s.Seed);
        DigitClassifier? judge = model.Options is { Channels: 1, Height: DigitClassifier.Side, Width: DigitClassifier.Side } ? DigitClassifier.LoadEmbedded() : null;
        var result = Augmentation.Run(model, train, test, options, judge, step => AnsiConsole.MarkupLineInterpolated($"[grey]{step}...[/]"));

        var ci = CultureInfo.InvariantCulture;
        var table = new Table().Title($"LeNet-5 accuracy on the last {n} images of {data.Name} ({s.Steps} steps each)")
            .AddColumns("repeat", $"{result.LabelledCount} real", $"+ {result.GeneratedCount} {model.Kind}", "gain", "control: labels shuffled", "gain");
        for (int r = 0; r < s.Repeats; r++)
            table.AddRow((r + 1).ToString(ci), Percent(result.RealOnly[r]), Percent(result.Augmented[r]), Points(result.Augmented[r] - result.RealOnly[r]),
                Percent(result.ShuffledControl[r]), Points(result.ShuffledControl[r] - result.RealOnly[r]));
        table.AddRow("mean", Percent(result.MeanRealOnly), Percent(result.MeanAugmented), Points(result.MeanAugmented - result.MeanRealOnly),
            Percent(result.MeanShuffledControl), Points(result.MeanShuffledControl - result.MeanRealOnly));
        table.Caption($"the control arm trains on the same generated images with their labels shuffled: the labels add {100 * (result.MeanAugmented - result.MeanShuffledControl):+0.0;-0.0} points");
        AnsiConsole.Write(table);
        if (result.SampleAgreement is double a)
            AnsiConsole.MarkupLineInterpolated($"the shipped evaluation classifier assigns {100 * a:F1} % of the generated samples to the label they were requested for");

        var picture = SampleGrid.Render(Tensor.FromArray(result.Samples.Images, [result.Samples.Count, .. train.ImageShape]), PixelRange.ZeroToOne,
            columns: model.Options.Classes, background: Rgb.White);
        var shown = Crop(picture, Math.Min(picture.Height, 2 + 8 * (train.Height + 2)));
        string header = string.Format(ci, "{0} REAL: {1:F1} %   + {2} {3}: {4:F1} %   SHUFFLED LABELS: {5:F1} %", result.LabelledCount, 100 * result.MeanRealOnly,
            result.GeneratedCount, model.Kind.ToUpperInvariant(), 100 * result.MeanAugmented, 100 * result.MeanShuffledControl);
        var canvas = new Raster(Math.Max(shown.Width, BitmapFont.Measure(header) + 8), shown.Height + BitmapFont.GlyphHeight + 6, Rgb.White);
        BitmapFont.Draw(canvas, header, 2, 3, Rgb.Black);
        canvas.Blit(shown, 0, BitmapFont.GlyphHeight + 6);
        string file = s.OutputFile("augmentation.png");
        ImageFiles.SavePng(canvas.Upscale(2), file, s.Provenance(model));
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.GetFullPath(file)} (generated training samples, one column per class; mean accuracies on top)");
        return ExitCodes.Ok;
    }

    private static string Percent(double v) => (100 * v).ToString("F1", CultureInfo.InvariantCulture) + " %";

    private static string Points(double v) => (100 * v).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + " pts";

    private static Raster Crop(Raster r, int height)
    {
        var result = new Raster(r.Width, height, Rgb.White);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < r.Width; x++) result[x, y] = r[x, y];
        return result;
    }
}
