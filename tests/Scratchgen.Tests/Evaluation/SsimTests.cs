using Scratchgen.Evaluation;

namespace Scratchgen.Tests.Evaluation;

/// <summary>SSIM against values derived by hand from Wang et al.'s definition (11 x 11 Gaussian window,
/// sigma 1.5, C1 = 0.01^2, C2 = 0.03^2, mean over the positions where the window fits).</summary>
public sealed class SsimTests
{
    private const double C1 = 1e-4, C2 = 9e-4;

    private static float[] Image(int height, int width, Func<int, int, double> value)
    {
        var image = new float[height * width];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) image[y * width + x] = (float)value(y, x);
        return image;
    }

    [Fact]
    public void IdenticalImages_Score1()
    {
        var a = Image(28, 28, (y, x) => (y * 7 + x * 3) % 11 / 10.0);
        Assert.Equal(1.0, Ssim.Compute(a, a, 1, 28, 28), 12);
    }

    [Fact]
    public void ConstantImages_ScoreTheLuminanceTermAlone()
    {
        // No variance anywhere: the contrast-structure factor is C2 / C2 = 1 and every window gives
        // (2 p q + C1) / (p^2 + q^2 + C1).
        double p = 0.2, q = 0.6;
        double expected = (2 * p * q + C1) / (p * p + q * q + C1); // 0.2401 / 0.4001
        Assert.Equal(expected, Ssim.Compute(Image(16, 16, (_, _) => p), Image(16, 16, (_, _) => q), 1, 16, 16), 6);
    }

    [Fact]
    public void HorizontalRamps_MatchTheClosedForm()
    {
        // a = a0 + a1 x and b = b0 + b1 x. Under a symmetric window centred on column x, the local means
        // are a0 + a1 x and b0 + b1 x, and the local (co)variances a1^2 V, b1^2 V and a1 b1 V, where
        // V = sum_d w_d d^2 is the window's variance along one axis (its other axis sums to 1). The
        // opposite slopes make the structure term negative.
        int h = 16, w = 16;
        double a0 = 0.1, a1 = 0.05, b0 = 0.9, b1 = -0.04;
        var weights = Enumerable.Range(-5, 11).Select(d => Math.Exp(-d * d / (2 * 1.5 * 1.5))).ToArray();
        double v = Enumerable.Range(-5, 11).Sum(d => weights[d + 5] * d * d) / weights.Sum();
        double sum = 0;
        for (int x = 5; x <= w - 6; x++)
        {
            double ma = a0 + a1 * x, mb = b0 + b1 * x;
            sum += (2 * ma * mb + C1) * (2 * a1 * b1 * v + C2) / ((ma * ma + mb * mb + C1) * ((a1 * a1 + b1 * b1) * v + C2));
        }
        double expected = sum / (w - 10);
        double actual = Ssim.Compute(Image(h, w, (_, x) => a0 + a1 * x), Image(h, w, (_, x) => b0 + b1 * x), 1, h, w);
        Assert.True(expected < 0, $"the hand value should be negative (anti-correlated ramps), got {expected}");
        Assert.Equal(expected, actual, 5);
    }

    [Fact]
    public void Channels_AreAveraged_AndImagesSmallerThanTheWindowAreRefused()
    {
        int h = 12, w = 12, plane = h * w;
        var a = new float[2 * plane];
        var b = new float[2 * plane];
        Array.Fill(a, 0.5f);
        Array.Fill(b, 0.5f);
        a.AsSpan(plane).Fill(0.2f);
        b.AsSpan(plane).Fill(0.6f);
        double second = (2 * 0.2 * 0.6 + C1) / (0.04 + 0.36 + C1);
        Assert.Equal((1 + second) / 2, Ssim.Compute(a, b, 2, h, w), 6);
        Assert.Equal((1 + second) / 2, Ssim.Mean([.. a, .. a], [.. b, .. b], 2, h, w), 6);
        var ex = Assert.Throws<ArgumentException>(() => Ssim.Compute(new float[100], new float[100], 1, 10, 10));
        Assert.Contains("11 x 11", ex.Message);
    }
}
