using System.ComponentModel;
using Scratchgen.Applications;
using Scratchgen.Imaging;
using Scratchgen.Models;
using Scratchgen.Tensors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen denoise CHECKPOINT: held-out digits with Gaussian noise in, a (denoising)
/// autoencoder's output out, beside the clean originals; mean PSNR of both printed and drawn on the picture.</summary>
internal sealed class DenoiseCommand : Command<DenoiseCommand.Settings>
{
    public sealed class Settings : CheckpointSettings
    {
        [CommandOption("--out <FILE>"), Description("PNG file to write (default: denoising.png in the run folder, the checkpoint folder's parent).")]
        public override string? Out { get; init; }

        [CommandOption("--data <PATH>"), Description("IDX images file or folder (default: the embedded MNIST subset).")]
        public string? Data { get; init; }

        [CommandOption("--test-count <N>"), Description("Held-out images: the last N of the data; PSNR is their mean.")]
        [DefaultValue(1000)]
        public int TestCount { get; init; }

        [CommandOption("--noise <STD>"), Description("Standard deviation of the Gaussian noise on [[0, 1]] pixels (the dae trains with 0.3).")]
        [DefaultValue(0.3)]
        public double Noise { get; init; }

        [CommandOption("--count <N>"), Description("Images shown in the picture.")]
        [DefaultValue(12)]
        public int Count { get; init; }

        public override ValidationResult Validate() =>
            !(Noise >= 0 && Noise <= 10) ? ValidationResult.Error("--noise must be between 0 and 10")
            : TestCount < 1 ? ValidationResult.Error("--test-count must be at least 1")
            : Count < 1 ? ValidationResult.Error("--count must be at least 1")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var model = s.Load();
        if (model is not Autoencoder ae)
            throw new ArgumentException($"denoise needs an autoencoder checkpoint (dae, or ae for comparison); '{s.Checkpoint}' holds a {model.Kind}");
        if (model.Kind != "dae") AnsiConsole.MarkupLineInterpolated($"[yellow]{model.Kind} was not trained to denoise: a dae checkpoint is the one to compare with[/]");
        var data = DataSource.Load(s.Data);
        int n = Math.Min(s.TestCount, data.Count);
        var test = data.Slice(data.Count - n, n);
        var result = Denoising.Run(ae, test, s.Noise, new Rng(s.Seed));
        AnsiConsole.MarkupLineInterpolated($"Gaussian noise sd {s.Noise:F2} on the last {n} images of {data.Name}: mean PSNR noisy {result.PsnrNoisy:F2} dB, denoised {result.PsnrDenoised:F2} dB ({result.PsnrDenoised - result.PsnrNoisy:+0.00;-0.00} dB)");
        string file = s.OutputFile("denoising.png");
        ImageFiles.SavePng(Denoising.Picture(result, s.Count), file, s.Provenance(model));
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.GetFullPath(file)} (rows: noisy input, {model.Kind} output, clean original)");
        return ExitCodes.Ok;
    }
}
