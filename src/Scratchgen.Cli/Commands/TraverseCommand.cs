using System.ComponentModel;
using System.Globalization;
using Scratchgen.Applications;
using Scratchgen.Checkpoints;
using Scratchgen.Imaging;
using Scratchgen.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen traverse CHECKPOINT: a vae's latent dimensions one at a time, from -3 to 3 for a few
/// held-out digits, rows ordered by each dimension's KL; traversal.png, and traversal.json with the KL per
/// dimension, the active dimensions, the class MIG and the -ELBO, in --out.</summary>
internal sealed class TraverseCommand : Command<TraverseCommand.Settings>
{
    public sealed class Settings : CheckpointSettings
    {
        [CommandOption("--out <DIR>"), Description("Folder to write traversal.png and traversal.json into (default: the run folder, the checkpoint folder's parent).")]
        public override string? Out { get; init; }

        [CommandOption("--data <PATH>"), Description("IDX images file or folder (default: the embedded MNIST subset).")]
        public string? Data { get; init; }

        [CommandOption("--test-count <N>"), Description("Held-out images: the last N of the data (as eval); KL, MIG and -ELBO are measured on them.")]
        [DefaultValue(1000)]
        public int TestCount { get; init; }

        [CommandOption("--digits <N>"), Description("Held-out digits traversed (the first of each class, in order).")]
        [DefaultValue(3)]
        public int Digits { get; init; }

        [CommandOption("--steps <N>"), Description("Values from -3 to 3 per dimension.")]
        [DefaultValue(7)]
        public int Steps { get; init; }

        [CommandOption("--scale <N>"), Description("Each pixel drawn as N x N.")]
        [DefaultValue(2)]
        public int Scale { get; init; }

        public override ValidationResult Validate() =>
            Scale is < 1 or > 8 ? ValidationResult.Error("--scale must be from 1 to 8")
            : TestCount < 2 ? ValidationResult.Error("--test-count must be at least 2")
            : Digits is < 1 or > 10 ? ValidationResult.Error("--digits must be from 1 to 10")
            : Steps is < 2 or > 21 ? ValidationResult.Error("--steps must be from 2 to 21")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var model = s.Load();
        if (model is not Vae vae || model.IsConditional)
            throw new ArgumentException($"traverse works with vae checkpoints (a KL per latent dimension, a decoder that needs nothing but the code); '{s.Checkpoint}' holds model {model.Kind}");
        var data = DataSource.Load(s.Data);
        int n = Math.Min(s.TestCount, data.Count);
        var test = data.Slice(data.Count - n, n);
        var summary = LatentTraversal.Summarise(vae, test);
        var picture = LatentTraversal.Picture(vae, LatentTraversal.DistinctDigits(test, s.Digits), summary, s.Steps, s.Scale);

        var ci = CultureInfo.InvariantCulture;
        var table = new Table().Title($"vae, beta {summary.Beta.ToString(ci)}: latent dimensions by KL on the last {n} images of {data.Name}")
            .AddColumns("dimension", "KL (nats)", "active", "I(mu; class) (nats)");
        foreach (int j in summary.Order)
            table.AddRow($"z{j}", summary.Kl[j].ToString("F4", ci), summary.Kl[j] > LatentTraversal.ActiveThreshold ? "yes" : "", summary.ClassInformation.Information[j].ToString("F4", ci));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated(
            $"active dimensions (KL > {LatentTraversal.ActiveThreshold.ToString(ci)} nats): {summary.Active} of {summary.Kl.Length}; class MIG {summary.ClassInformation.Gap.ToString("F4", ci)} (best dimension z{summary.ClassInformation.BestDimension} carries {summary.ClassInformation.BestShare.ToString("P1", ci)} of H(class)); -ELBO {summary.NegElbo.ToString("F2", ci)} nats (reconstruction {summary.Reconstruction.ToString("F2", ci)} + KL {summary.KlTotal.ToString("F2", ci)})");

        string dir = s.Out ?? s.RunFolder;
        string json = Path.Combine(dir, TraversalOutputs.JsonFile), png = Path.Combine(dir, TraversalOutputs.PictureFile);
        var about = new Dictionary<string, string>
        {
            ["checkpoint"] = Path.GetFullPath(s.Checkpoint),
            ["checkpoint_sha256"] = Training.Checkpoint.ModelSha256(s.Checkpoint),
            ["data"] = data.Name,
        };
        AtomicFile.Write(json, f => f.Write(System.Text.Encoding.UTF8.GetBytes(TraversalOutputs.ToJson(summary, about))));
        ImageFiles.SavePng(picture, png, s.Provenance(model));
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.GetFullPath(png)} and {Path.GetFullPath(json)}");
        return ExitCodes.Ok;
    }
}
