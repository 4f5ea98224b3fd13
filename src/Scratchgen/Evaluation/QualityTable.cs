using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Scratchgen.Data;
using Scratchgen.Models;
using Scratchgen.Training;

namespace Scratchgen.Evaluation;

/// <summary>One trained and evaluated run of the quality table: a model with its defaults and one seed.</summary>
/// <param name="Metrics">What <see cref="ModelEvaluation"/> measured, plus the run's own figures
/// (seconds, warnings, min_class_share, min_label_agreement).</param>
internal sealed record QualityRow(string Model, ulong Seed, IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<string> Warnings);

/// <summary>What a quality run changes from a model's defaults (null: the default).</summary>
/// <param name="Limit">Use only the first N images (quick runs).</param>
/// <param name="Samples">Generated images per evaluation.</param>
/// <param name="Recipe">As train --recipe.</param>
internal sealed record QualityRunOptions(int? Epochs = null, int? Limit = null, int Samples = 1000, string? Recipe = null, int? LatentDim = null, int? BatchSize = null);

/// <summary>
/// The quality table: every catalog model trained with its command-line defaults for several seeds,
/// then scored by <see cref="ModelEvaluation"/> on the held-out split (the same split `train` holds
/// out). GAN training is seed-sensitive, so the table reports the median over seeds and every seed's
/// figure beside it. A new default is judged here before it becomes one.
/// </summary>
internal static class QualityTable
{
    /// <summary>The columns, in order: metric key, header, format. A model shows the ones it measures.</summary>
    public static readonly IReadOnlyList<(string Key, string Header, string Format)> Columns =
    [
        ("fid", "FID", "F1"),
        ("inception_score", "IS", "F2"),
        ("coverage", "classes covered", "F0"),
        ("min_class_share", "smallest class %", "P1"),
        ("largest_deviation_points", "largest class deviation (points)", "F1"),
        ("label_agreement", "label agreement", "P1"),
        ("min_label_agreement", "worst label", "P1"),
        ("test.neg_elbo", "-ELBO (nats)", "F2"),
        ("recon_mse", "MSE per pixel", "F4"),
        ("colour.single_colour_share", "one-colour shapes", "P0"),
        ("colour.single_colour_share_real", "(real)", "P0"),
        ("colour.background", "background", "F3"),
        ("colour.background_real", "(real)", "F3"),
        ("collapse_warnings", "collapse warnings", "F0"),
        ("diverged", "diverged", "F0"),
        ("seconds", "wall s", "F0"),
    ];

    /// <summary>Trains <paramref name="model"/> with its defaults (as `train` does, but for what
    /// <paramref name="options"/> changes) into <paramref name="outDir"/> and evaluates it.</summary>
    public static QualityRow Run(string model, ulong seed, Dataset data, DigitClassifier classifier, string outDir,
        QualityRunOptions? options = null, ITrainingObserver? observer = null)
    {
        var o = options ?? new QualityRunOptions();
        var config = new TrainConfig(model, outDir, o.Epochs ?? ModelFactory.DefaultEpochs(model), o.BatchSize ?? ModelFactory.DefaultBatchSize(model),
            LatentDim: o.LatentDim, Seed: seed, Limit: o.Limit, Recipe: o.Recipe);
        var clock = Stopwatch.StartNew();
        var run = new TrainingRun(config, data, observer);
        try { run.Run(); }
        catch (Autograd.NonFiniteException diverged)
        {
            // A run that diverges is a result of the table, not the end of it.
            return new QualityRow(model, seed, new Dictionary<string, double> { ["diverged"] = 1, ["seconds"] = clock.Elapsed.TotalSeconds },
                [.. run.Warnings, diverged.Message]);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var report = ModelEvaluation.Evaluate(run.Model, run.Train, run.Test, classifier,
            new EvaluationOptions(Samples: o.Samples, ImportanceSamples: 20, Seed: seed));
        report.WriteJson(Path.Combine(outDir, "eval.json"));
        var metrics = report.Metrics.Where(kv => kv.Value is double).ToDictionary(kv => kv.Key, kv => (double)kv.Value);
        if (metrics.TryGetValue("largest_deviation_points", out double deviation)) metrics["largest_deviation_points"] = Math.Abs(deviation);
        metrics["seconds"] = seconds;
        metrics["collapse_warnings"] = run.Warnings.Count;
        if (report.Balance is { } balance)
        {
            metrics["min_class_share"] = balance.Shares.Min();
            if (balance.AgreementByLabel is { } byLabel) metrics["min_label_agreement"] = byLabel.Min(a => a.Agreement);
        }
        return new QualityRow(model, seed, metrics, run.Warnings.ToList());
    }

    /// <summary>The median of each column over a model's seeds (NaN where no seed measured it).</summary>
    public static double Median(IEnumerable<QualityRow> rows, string key)
    {
        var values = rows.Where(r => r.Metrics.ContainsKey(key)).Select(r => r.Metrics[key]).Order().ToArray();
        if (values.Length == 0) return double.NaN;
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2;
    }

    /// <summary>A Markdown table: one row per model with the median and, in brackets, every seed's value.</summary>
    public static string Markdown(IReadOnlyList<QualityRow> rows)
    {
        var models = rows.Select(r => r.Model).Distinct().ToList();
        var columns = Columns.Where(c => rows.Any(r => r.Metrics.ContainsKey(c.Key))).ToList();
        var sb = new StringBuilder();
        sb.Append("| model | ").AppendJoin(" | ", columns.Select(c => c.Header)).AppendLine(" |");
        sb.Append("|---|").AppendJoin("", columns.Select(_ => "---:|")).AppendLine();
        foreach (var model in models)
        {
            var mine = rows.Where(r => r.Model == model).ToList();
            sb.Append("| ").Append(model).Append(" | ");
            sb.AppendJoin(" | ", columns.Select(c => Cell(mine, c.Key, c.Format)));
            sb.AppendLine(" |");
        }
        return sb.ToString();
    }

    private static string Cell(IReadOnlyList<QualityRow> rows, string key, string format)
    {
        var ci = CultureInfo.InvariantCulture;
        var measured = rows.Where(r => r.Metrics.ContainsKey(key)).ToList();
        if (measured.Count == 0) return "";
        string median = Median(measured, key).ToString(format, ci);
        if (measured.Count == 1) return median;
        return $"**{median}** ({string.Join(", ", measured.Select(r => r.Metrics[key].ToString(format, ci)))})";
    }

    /// <summary>Every row as JSON: model, seed, metrics, warnings.</summary>
    public static string Json(IReadOnlyList<QualityRow> rows, IReadOnlyDictionary<string, string> provenance)
    {
        var payload = new Dictionary<string, object>
        {
            ["provenance"] = provenance,
            ["runs"] = rows.Select(r => new Dictionary<string, object>
            {
                ["model"] = r.Model, ["seed"] = r.Seed,
                ["metrics"] = r.Metrics.ToDictionary(kv => kv.Key, kv => double.IsFinite(kv.Value) ? (object)Math.Round(kv.Value, 6) : kv.Value.ToString(ci())),
                ["warnings"] = r.Warnings,
            }).ToList(),
        };
        return JsonSerializer.Serialize(payload, new JsonSerializerOptions { WriteIndented = true });
        static CultureInfo ci() => CultureInfo.InvariantCulture;
    }
}
