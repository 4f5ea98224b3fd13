namespace Scratchgen.Evaluation;

/// <summary>
/// Structural similarity (Wang, Bovik, Sheikh and Simoncelli, 2004) of two images with values in [0, 1]
/// (dynamic range L = 1), per channel:
///   for every position where an 11 x 11 window fits inside the image, with Gaussian weights w (sigma 1.5,
///   summing to 1):  mu_a = sum w a,  sigma_a^2 = sum w (a - mu_a)^2,  sigma_ab = sum w (a - mu_a)(b - mu_b),
///     SSIM_window = (2 mu_a mu_b + C1)(2 sigma_ab + C2) / ((mu_a^2 + mu_b^2 + C1)(sigma_a^2 + sigma_b^2 + C2)),
///     C1 = (0.01 L)^2,  C2 = (0.03 L)^2;
///   SSIM = the mean of SSIM_window over those positions (no padding), then over the channels.
/// This is the paper's definition, and scikit-image's structural_similarity with gaussian_weights=True,
/// sigma=1.5, use_sample_covariance=False, data_range=1. The window is separable, so each local moment
/// is a horizontal pass of 11 weights then a vertical one.
/// </summary>
public static class Ssim
{
    /// <summary>Side of the window.</summary>
    public const int Window = 11;

    /// <summary>Standard deviation of the window's Gaussian, in pixels.</summary>
    public const double Sigma = 1.5;

    private const double C1 = 0.01 * 0.01, C2 = 0.03 * 0.03;

    private static readonly double[] Weights = GaussianWeights();

    /// <summary>SSIM of two images [C, H, W] (row-major), each side at least <see cref="Window"/>.</summary>
    public static double Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int channels, int height, int width)
    {
        if (channels < 1 || height < Window || width < Window)
            throw new ArgumentException($"SSIM needs images of at least {Window} x {Window} pixels (its window), got {channels} x {height} x {width}");
        int plane = height * width;
        if (a.Length != channels * plane || b.Length != a.Length)
            throw new ArgumentException($"SSIM compares two images of {channels} x {height} x {width} = {channels * plane} values, got {a.Length} and {b.Length}");
        double sum = 0;
        for (int c = 0; c < channels; c++) sum += Plane(a.Slice(c * plane, plane), b.Slice(c * plane, plane), height, width);
        return sum / channels;
    }

    /// <summary>Mean SSIM over N images [C, H, W] stored one after another.</summary>
    public static double Mean(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int channels, int height, int width)
    {
        int size = channels * height * width;
        if (size < 1 || a.Length != b.Length || a.Length == 0 || a.Length % size != 0)
            throw new ArgumentException($"SSIM needs two sets of whole images of {size} values, got {a.Length} and {b.Length} values");
        int n = a.Length / size;
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Compute(a.Slice(i * size, size), b.Slice(i * size, size), channels, height, width);
        return sum / n;
    }

    private static double Plane(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int height, int width)
    {
        int outH = height - Window + 1, outW = width - Window + 1;
        // The five local moments: E[a], E[b], E[a^2], E[b^2], E[ab] under the window's weights.
        var products = new double[5][];
        for (int m = 0; m < 5; m++) products[m] = new double[height * width];
        for (int i = 0; i < a.Length; i++)
        {
            double x = a[i], y = b[i];
            products[0][i] = x;
            products[1][i] = y;
            products[2][i] = x * x;
            products[3][i] = y * y;
            products[4][i] = x * y;
        }
        var moments = new double[5][];
        for (int m = 0; m < 5; m++) moments[m] = Filter(products[m], height, width);
        double sum = 0;
        for (int i = 0; i < outH * outW; i++)
        {
            double muA = moments[0][i], muB = moments[1][i];
            double varA = moments[2][i] - muA * muA, varB = moments[3][i] - muB * muB, cov = moments[4][i] - muA * muB;
            sum += (2 * muA * muB + C1) * (2 * cov + C2) / ((muA * muA + muB * muB + C1) * (varA + varB + C2));
        }
        return sum / (outH * outW);
    }

    // The window's weighted sum at every position where it fits: (H - 10) x (W - 10), row-major.
    private static double[] Filter(double[] image, int height, int width)
    {
        int outH = height - Window + 1, outW = width - Window + 1;
        var rows = new double[height * outW];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < outW; x++)
            {
                double s = 0;
                for (int k = 0; k < Window; k++) s += Weights[k] * image[y * width + x + k];
                rows[y * outW + x] = s;
            }
        var result = new double[outH * outW];
        for (int y = 0; y < outH; y++)
            for (int x = 0; x < outW; x++)
            {
                double s = 0;
                for (int k = 0; k < Window; k++) s += Weights[k] * rows[(y + k) * outW + x];
                result[y * outW + x] = s;
            }
        return result;
    }

    // One axis of the window: exp(-d^2 / (2 sigma^2)) for d = -5..5, normalised to sum 1 (the 2-D window
    // is the product of two, so it sums to 1 as well).
    private static double[] GaussianWeights()
    {
        var w = new double[Window];
        int half = Window / 2;
        for (int k = 0; k < Window; k++) w[k] = Math.Exp(-(k - half) * (k - half) / (2 * Sigma * Sigma));
        double total = w.Sum();
        for (int k = 0; k < Window; k++) w[k] /= total;
        return w;
    }
}
