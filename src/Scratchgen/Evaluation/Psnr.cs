namespace Scratchgen.Evaluation;

/// <summary>
/// Peak signal-to-noise ratio of images with values in [0, 1] (peak 1):
///   PSNR = 10 log10(1 / MSE),   MSE = mean over the image's pixels of (a - b)^2,   in dB.
/// Identical images give +infinity. <see cref="Mean"/> averages the per-image PSNR, as denoising
/// papers report it.
/// </summary>
public static class Psnr
{
    /// <summary>Peak signal-to-noise ratio in dB of two images with pixels in [0, 1]: 10 log10(1 / MSE); infinity when they are equal.</summary>
    public static double Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length || a.Length == 0) throw new ArgumentException($"PSNR compares two images of one size, got {a.Length} and {b.Length} values");
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (a[i] - (double)b[i]) * (a[i] - (double)b[i]);
        return 10 * Math.Log10(1 / (sum / a.Length));
    }

    /// <summary>Mean PSNR over N images of <paramref name="imageSize"/> values each (row-major).</summary>
    public static double Mean(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int imageSize)
    {
        if (imageSize < 1 || a.Length != b.Length || a.Length % imageSize != 0 || a.Length == 0)
            throw new ArgumentException($"PSNR needs two sets of whole images of {imageSize} values, got {a.Length} and {b.Length} values");
        int n = a.Length / imageSize;
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Compute(a.Slice(i * imageSize, imageSize), b.Slice(i * imageSize, imageSize));
        return sum / n;
    }
}
