using System.ComponentModel;
using System.Globalization;
using Scratchgen.Applications;
using Scratchgen.Checkpoints;
using Scratchgen.Imaging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen compress CHECKPOINT: the held-out digits through an ae or vae's code quantised to
/// 2-8 bits per value, beside PCA's code quantised the same way, JPEG at quality 10-90 and PNG: bytes per
/// image, the decoder's size per image, PSNR and SSIM; compression.json and compression.png in --out.</summary>
internal sealed class CompressCommand : Command<CompressCommand.Settings>
{
    public sealed class Settings : CheckpointSettings
    {
        [CommandOption("--out <DIR>"), Description("Folder to write compression.json and compression.png into (default: the run folder, the checkpoint folder's parent).")]
        public override string? Out { get; init; }

        [CommandOption("--data <PATH>"), Description("IDX images file or folder (default: the embedded MNIST subset).")]
        public string? Data { get; init; }

        [CommandOption("--test-count <N>"), Description("Held-out images: the last N of the data (as eval); the rest fits PCA and the quantisers' ranges.")]
        [DefaultValue(1000)]
        public int TestCount { get; init; }

        [CommandOption("--bits <LIST>"), Description("Bits per code value, comma-separated.")]
        [DefaultValue("2,3,4,5,6,7,8")]
        public string Bits { get; init; } = "2,3,4,5,6,7,8";

        [CommandOption("--jpeg-quality <LIST>"), Description("JPEG qualities (1-100), comma-separated.")]
        [DefaultValue("10,20,30,40,50,60,70,80,90")]
        public string JpegQuality { get; init; } = "10,20,30,40,50,60,70,80,90";

        public override ValidationResult Validate() =>
            TestCount < 1 ? ValidationResult.Error("--test-count must be at least 1")
            : List(Bits, 1, UniformQuantiser.MaxBits) == null ? ValidationResult.Error($"--bits must be integers from 1 to {UniformQuantiser.MaxBits}, comma-separated (e.g. 2,4,8)")
            : List(JpegQuality, 1, 100) == null ? ValidationResult.Error("--jpeg-quality must be integers from 1 to 100, comma-separated (e.g. 10,50,90)")
            : ValidationResult.Success();

        /// <summary>The distinct integers of a comma-separated list, ascending; null when one is not an integer in [min, max].</summary>
        public static int[]? List(string text, int min, int max)
        {
            var values = new SortedSet<int>();
            foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) || v < min || v > max) return null;
                values.Add(v);
            }
            return values.Count == 0 ? null : [.. values];
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var model = s.Load();
        if (!model.HasEncoder || model.IsConditional)
            throw new ArgumentException($"compress works with ae, dae and vae checkpoints (a code and a decoder that needs nothing else); '{s.Checkpoint}' holds model {model.Kind}");
        var data = DataSource.Load(s.Data);
        int n = Math.Min(s.TestCount, data.Count - 2);
        if (n < 1) throw new ArgumentException($"--data '{data.Name}' has {data.Count} images: compress needs at least 3 (2 to fit PCA, 1 held out)");
        var (train, test) = data.Split(data.Count - n);
        var options = CompressionOptions.Default with
        {
            Bits = Settings.List(s.Bits, 1, UniformQuantiser.MaxBits)!, JpegQualities = Settings.List(s.JpegQuality, 1, 100)!, Seed = s.Seed,
        };
        var result = Compression.Run(model, train, test, options, step => AnsiConsole.MarkupLineInterpolated($"[grey]{step}...[/]"));

        var table = new Table().Title($"{model.Kind} ({result.LatentDim}-d code) against PCA, JPEG and PNG on the last {n} images of {data.Name}")
            .AddColumns("method", "setting", "bytes/image", "without headers", "decoder bytes/image", "PSNR dB", "SSIM");
        var ci = CultureInfo.InvariantCulture;
        foreach (var p in result.Points)
            table.AddRow(p.Method, p.Setting, p.BytesPerImage.ToString("F1", ci), p.PayloadBytesPerImage.ToString("F1", ci), p.ModelBytesPerImage.ToString("F1", ci),
                double.IsFinite(p.Psnr) ? p.Psnr.ToString("F2", ci) : "lossless", p.Ssim.ToString("F4", ci));
        table.Caption($"decoder: {result.DecoderBytes:N0} bytes ({model.Kind}), {result.PcaBytes:N0} (PCA), + {result.QuantiserBytes} bytes of quantiser ranges, per image over {n} images; JPEG and PNG decoders are standard (0)");
        AnsiConsole.Write(table);

        string dir = s.Out ?? s.RunFolder;
        string json = Path.Combine(dir, CompressionOutputs.JsonFile), chart = Path.Combine(dir, CompressionOutputs.ChartFile);
        var about = new Dictionary<string, string>
        {
            ["checkpoint"] = Path.GetFullPath(s.Checkpoint),
            ["checkpoint_sha256"] = Training.Checkpoint.ModelSha256(s.Checkpoint),
            ["data"] = data.Name,
        };
        var picture = CompressionOutputs.Chart(result);
        AtomicFile.Write(json, f => f.Write(System.Text.Encoding.UTF8.GetBytes(CompressionOutputs.ToJson(result, about))));
        ImageFiles.SavePng(picture, chart, Provenance.Real(new Dictionary<string, string>
        {
            ["Model"] = model.Kind, ["Checkpoint"] = about["checkpoint"], ["Checkpoint-SHA256"] = about["checkpoint_sha256"],
        }));
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.GetFullPath(json)} and {Path.GetFullPath(chart)}");
        return ExitCodes.Ok;
    }
}
