using System.ComponentModel;
using System.Globalization;
using Scratchgen.Evaluation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen eval CHECKPOINT: held-out losses, and by model family FID / IS / coverage / class
/// balance (generators), ELBO and the importance-weighted NLL bound (VAEs), reconstruction error beside
/// PCA (autoencoders). Also written as a flat JSON object to --out (eval.json in the run folder).</summary>
internal sealed class EvalCommand : Command<EvalCommand.Settings>
{
    public sealed class Settings : CheckpointSettings
    {
        [CommandOption("--out <FILE>"), Description("JSON file to write the metrics to (default: eval.json in the run folder, the checkpoint folder's parent).")]
        public override string? Out { get; init; }

        [CommandOption("--data <PATH>"), Description("IDX images file or folder (default: the embedded MNIST subset).")]
        public string? Data { get; init; }

        [CommandOption("--test-count <N>"), Description("Held-out images: the last N of the data (the rest is the training split).")]
        [DefaultValue(1000)]
        public int TestCount { get; init; }

        [CommandOption("--samples <N>"), Description("Generated images for FID, IS, coverage and the class balance.")]
        [DefaultValue(1000)]
        public int Samples { get; init; }

        [CommandOption("-k|--iw-samples <N>"), Description("VAE: importance samples k per image for the importance-weighted NLL bound.")]
        [DefaultValue(100)]
        public int K { get; init; }

        [CommandOption("--classifier <FILE>"), Description("Evaluation classifier weights (default: the shipped LeNet-5, data/mnist-classifier.safetensors).")]
        public string? Classifier { get; init; }

        public override ValidationResult Validate() =>
            TestCount < 2 ? ValidationResult.Error("--test-count must be at least 2")
            : Samples < 2 ? ValidationResult.Error("--samples must be at least 2")
            : K < 1 ? ValidationResult.Error("-k (--iw-samples) must be at least 1")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var model = s.Load();
        var data = DataSource.Load(s.Data);
        int n = Math.Min(s.TestCount, data.Count - 2);
        var (train, test) = data.Split(data.Count - n);
        var classifier = DigitClassifier.LoadOrEmbedded(s.Classifier, model.Options.Backend);
        var options = new EvaluationOptions(s.Samples, s.K, s.Seed);
        var report = ModelEvaluation.Evaluate(model, train, test, classifier, options, step => AnsiConsole.MarkupLineInterpolated($"[grey]{step}...[/]"));
        report.Add("checkpoint", Path.GetFullPath(s.Checkpoint));
        report.Add("data", data.Name);
        report.Add("classifier", s.Classifier ?? $"data/{DigitClassifier.ShippedFile} (embedded)");
        report.Add("seed", s.Seed);

        var table = new Table().Title($"{model.Kind}: the last {n} images of {data.Name} held out").AddColumns("metric", "value");
        foreach (var (name, value) in report.Metrics)
        {
            if (name.StartsWith("share.", StringComparison.Ordinal) || name.StartsWith("data_share.", StringComparison.Ordinal) || name.StartsWith("label_agreement.", StringComparison.Ordinal)) continue;
            table.AddRow(Markup.Escape(name), Markup.Escape(value is double d ? d.ToString(Math.Abs(d) >= 1000 || d == Math.Floor(d) ? "G6" : "F4", CultureInfo.InvariantCulture) : (string)value));
        }
        AnsiConsole.Write(table);
        if (report.Balance is { } balance) AnsiConsole.Write(BalanceTable(balance));
        foreach (var note in report.Notes) AnsiConsole.MarkupLineInterpolated($"[yellow]{note}[/]");

        string json = s.OutputFile("eval.json");
        report.WriteJson(json);
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.GetFullPath(json)}");
        return ExitCodes.Ok;
    }

    private static Table BalanceTable(ClassBalance b)
    {
        var table = new Table().Title($"class balance of generated samples (covered: {b.Covered}/{b.ClassCount}, a class counts from {100 * b.Threshold:F1} %)")
            .AddColumns("class", "data", "generated", "deviation");
        if (b.AgreementByLabel != null) table.AddColumn("agrees with requested label");
        for (int c = 0; c < b.ClassCount; c++)
        {
            string deviation = $"{100 * (b.Shares[c] - b.ReferenceShares[c]):+0.0;-0.0} pts" + (c == b.LargestDeviationClass ? " (largest)" : "");
            var row = new List<string> { Markup.Escape(b.ClassNames[c]), $"{100 * b.ReferenceShares[c]:F1} %", $"{100 * b.Shares[c]:F1} %", deviation };
            if (b.AgreementByLabel is { } byLabel) row.Add($"{100 * byLabel[c].Agreement:F1} % of {byLabel[c].Requested}");
            table.AddRow(row.ToArray());
        }
        if (b.Agreement is double all) table.Caption($"the classifier agrees with the requested label for {100 * all:F1} % of the samples");
        return table;
    }
}
