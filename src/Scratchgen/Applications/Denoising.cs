using System.Globalization;
using Scratchgen.Autograd;
using Scratchgen.Data;
using Scratchgen.Evaluation;
using Scratchgen.Imaging;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Applications;

/// <summary>Clean held-out images, their noisy copies and what the autoencoder made of them (all row-major
/// [N, C, H, W] in [0, 1]), with the mean PSNR of the noisy and of the denoised images against the clean ones.</summary>
internal sealed record DenoisingResult(float[] Clean, float[] Noisy, float[] Denoised, int Count, int[] ImageShape, double NoiseStd,
    double PsnrNoisy, double PsnrDenoised);

/// <summary>
/// Denoising with a trained (denoising) autoencoder:
///   noisy = clamp(clean + N(0, std^2), 0, 1)     (the corruption the dae trains with, std 0.3 by default)
///   denoised = decoder(encoder(noisy))
///   PSNR(a, clean) = 10 log10(1 / MSE) per image, averaged (<see cref="Psnr"/>).
/// </summary>
internal static class Denoising
{
    /// <summary>clamp(x + std * N(0, 1), 0, 1) for every value, noise drawn from rng in order.</summary>
    public static float[] AddGaussianNoise(ReadOnlySpan<float> clean, double std, Rng rng)
    {
        if (!(std >= 0) || !double.IsFinite(std)) throw new ArgumentOutOfRangeException(nameof(std), std, "the noise level must be a finite number >= 0");
        var noisy = new float[clean.Length];
        for (int i = 0; i < clean.Length; i++) noisy[i] = Math.Clamp((float)(clean[i] + std * rng.NextNormal()), 0f, 1f);
        return noisy;
    }

    public static DenoisingResult Run(Autoencoder model, Dataset test, double noiseStd, Rng rng, int batchSize = 250)
    {
        int size = test.ImageSize;
        var clean = test.Images.ToArray();
        var noisy = AddGaussianNoise(clean, noiseStd, rng);
        var denoised = new float[clean.Length];
        bool wasTraining = model.Training;
        model.Eval();
        using (GradMode.NoGrad())
            for (int start = 0; start < test.Count; start += batchSize)
            {
                int b = Math.Min(batchSize, test.Count - start);
                var x = Tensor.FromArray(noisy.AsSpan(start * size, b * size), [b, .. test.ImageShape], model.Options.Backend);
                model.Reconstruct(x).ToArray().CopyTo(denoised.AsSpan(start * size));
            }
        model.Train(wasTraining);
        return new DenoisingResult(clean, noisy, denoised, test.Count, test.ImageShape, noiseStd,
            Psnr.Mean(noisy, clean, size), Psnr.Mean(denoised, clean, size));
    }

    /// <summary>Three rows of the first <paramref name="columns"/> images, labelled on the left with their
    /// mean PSNR: noisy input, denoised output, clean original; a title line above.</summary>
    public static Raster Picture(DenoisingResult r, int columns, int scale = 2)
    {
        int c = r.ImageShape[0], h = r.ImageShape[1], w = r.ImageShape[2], size = c * h * w;
        columns = Math.Min(columns, r.Count);
        const int pad = 2;
        var ci = CultureInfo.InvariantCulture;
        var rows = new (string Label, float[] Images)[]
        {
            (string.Format(ci, "NOISY {0:F1} DB", r.PsnrNoisy), r.Noisy),
            (string.Format(ci, "DENOISED {0:F1} DB", r.PsnrDenoised), r.Denoised),
            ("CLEAN", r.Clean),
        };
        string title = string.Format(ci, "GAUSSIAN NOISE SD {0:F2}, PSNR = MEAN OVER {1} HELD-OUT IMAGES", r.NoiseStd, r.Count);
        int labelWidth = rows.Max(row => BitmapFont.Measure(row.Label)) + 2 * pad;
        int top = BitmapFont.GlyphHeight + 2 * pad;
        int width = Math.Max(labelWidth + columns * (w + pad) + pad, BitmapFont.Measure(title) + 2 * pad);
        var raster = new Raster(width, top + rows.Length * (h + pad) + pad, Rgb.White);
        BitmapFont.Draw(raster, title, pad, pad, Rgb.Black);
        for (int row = 0; row < rows.Length; row++)
        {
            int y0 = top + row * (h + pad);
            BitmapFont.Draw(raster, rows[row].Label, pad, y0 + (h - BitmapFont.GlyphHeight) / 2, Rgb.Black);
            for (int i = 0; i < columns; i++)
                SampleGrid.Draw(raster, rows[row].Images.AsSpan(i * size, size), c, h, w, PixelRange.ZeroToOne, labelWidth + i * (w + pad), y0);
        }
        return raster.Upscale(scale);
    }
}
