using System.ComponentModel;
using Scratchgen.Data;
using Scratchgen.Evaluation;
using Scratchgen.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>
/// scratchgen bench quality: trains each catalog model with its defaults for several seeds on the
/// embedded digits and scores each run with `eval`'s measures (FID, IS, classes covered, the smallest
/// class, label agreement, -ELBO, reconstruction error, collapse warnings, wall time). Writes
/// quality.md (medians with every seed beside them) and quality.json to --out.
/// </summary>
internal sealed class BenchQualityCommand : Command<BenchQualityCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--models <NAMES>"), Description("Comma-separated models (default: every catalog model).")]
        public string? Models { get; init; }

        [CommandOption("--seeds <LIST>"), Description("Comma-separated seeds; the table reports their median.")]
        [DefaultValue("1,2,3")]
        public string Seeds { get; init; } = "1,2,3";

        [CommandOption("--data <PATH>"), Description("IDX images file or image folder, as train --data (default: the embedded MNIST subset).")]
        public string? Data { get; init; }

        [CommandOption("--image-size <N>"), Description("Side to resize a folder of images to.")]
        [DefaultValue(28)]
        public int ImageSize { get; init; }

        [CommandOption("--channels <N>"), Description("1 (grayscale) or 3 (RGB), for a folder of images.")]
        [DefaultValue(1)]
        public int Channels { get; init; }

        [CommandOption("--epochs <N>"), Description("Epochs per run (default: each model's own, as `train` uses).")]
        public int? Epochs { get; init; }

        [CommandOption("--limit <N>"), Description("Use only the first N images (quick runs; the figures then mean little).")]
        public int? Limit { get; init; }

        [CommandOption("--samples <N>"), Description("Generated images per evaluation (100 per label at 1,000).")]
        [DefaultValue(1000)]
        public int Samples { get; init; }

        [CommandOption("--recipe <SETTINGS>"), Description("A recipe for every model (as train --recipe): 'plain' measures the textbook recipes.")]
        public string? Recipe { get; init; }

        [CommandOption("--latent-dim <N>"), Description("Latent size for every model (default: each model's own): to measure a candidate default.")]
        public int? LatentDim { get; init; }

        [CommandOption("--batch-size <N>"), Description("Images per step for every model (default: each model's own).")]
        public int? BatchSize { get; init; }

        [CommandOption("--out <DIR>"), Description("Where each run's folder and the tables go.")]
        [DefaultValue("runs/quality")]
        public string Out { get; init; } = "runs/quality";

        public override ValidationResult Validate()
        {
            foreach (var m in ModelList(this))
                if (!ModelFactory.Names.Contains(m)) return ValidationResult.Error($"--models: unknown model '{m}': expected some of {string.Join(", ", ModelFactory.Names)}");
            if (SeedList(this) == null) return ValidationResult.Error($"--seeds must be comma-separated whole numbers, got '{Seeds}'");
            if (Epochs is < 1) return ValidationResult.Error("--epochs must be at least 1");
            if (Limit is < 20) return ValidationResult.Error("--limit must be at least 20");
            if (Samples < 10) return ValidationResult.Error("--samples must be at least 10");
            if (LatentDim is < 1) return ValidationResult.Error("--latent-dim must be at least 1");
            if (BatchSize is < 1) return ValidationResult.Error("--batch-size must be at least 1");
            return ValidationResult.Success();
        }
    }

    private static string[] ModelList(Settings s) =>
        s.Models?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [.. ModelFactory.Names];

    private static ulong[]? SeedList(Settings s)
    {
        var parts = s.Seeds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var seeds = new List<ulong>();
        foreach (var p in parts)
            if (ulong.TryParse(p, out ulong v)) seeds.Add(v); else return null;
        return seeds.Count > 0 ? [.. seeds] : null;
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var data = DataSource.Load(s.Data, s.ImageSize, s.Channels);
        var classifier = DigitClassifier.LoadEmbedded();
        var rows = new List<QualityRow>();
        Directory.CreateDirectory(s.Out);
        foreach (var model in ModelList(s))
            foreach (var seed in SeedList(s)!)
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]{model}[/] seed {seed}: training with its defaults...");
                var row = QualityTable.Run(model, seed, data, classifier, Path.Combine(s.Out, $"{model}-seed{seed}"), new QualityRunOptions(s.Epochs, s.Limit, s.Samples, s.Recipe, s.LatentDim, s.BatchSize));
                rows.Add(row);
                AnsiConsole.MarkupLineInterpolated($"  {string.Join(", ", QualityTable.Columns.Where(c => row.Metrics.ContainsKey(c.Key)).Select(c => $"{c.Header} {row.Metrics[c.Key].ToString(c.Format, System.Globalization.CultureInfo.InvariantCulture)}"))}");
                foreach (var w in row.Warnings) AnsiConsole.MarkupLineInterpolated($"  [yellow]{w}[/]");
                WriteTables(s, rows); // after every run, so a long table that is stopped keeps what it measured
            }
        AnsiConsole.WriteLine();
        AnsiConsole.WriteLine(QualityTable.Markdown(rows));
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.GetFullPath(Path.Combine(s.Out, "quality.md"))} and quality.json");
        return ExitCodes.Ok;
    }

    private static void WriteTables(Settings s, IReadOnlyList<QualityRow> rows)
    {
        var provenance = new Dictionary<string, string>
        {
            ["command"] = "scratchgen " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            ["host"] = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            ["avx512"] = System.Runtime.Intrinsics.X86.Avx512F.IsSupported.ToString(),
            ["utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm"),
        };
        string md = $"Quality table ({provenance["utc"]} UTC, {provenance["host"]}); medians over seeds in bold, each seed's figure in brackets.\n\n" + QualityTable.Markdown(rows);
        Checkpoints.AtomicFile.Write(Path.Combine(s.Out, "quality.md"), f => f.Write(System.Text.Encoding.UTF8.GetBytes(md)));
        Checkpoints.AtomicFile.Write(Path.Combine(s.Out, "quality.json"), f => f.Write(System.Text.Encoding.UTF8.GetBytes(QualityTable.Json(rows, provenance))));
    }
}
