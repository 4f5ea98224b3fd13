namespace Scratchgen.Lab;

/// <summary>How well samples cover a toy mixture.</summary>
/// <param name="ModesCovered">Modes holding at least the minimum share of all samples as high-quality samples.</param>
/// <param name="Modes">Modes of the mixture.</param>
/// <param name="HighQualityShare">Share of samples within 3 std of their nearest centre.</param>
/// <param name="HighQualityPerMode">High-quality samples registered to each mode (nearest centre).</param>
internal sealed record ModeReport(int ModesCovered, int Modes, double HighQualityShare, int[] HighQualityPerMode)
{
    public override string ToString() => $"{ModesCovered}/{Modes} modes, {HighQualityShare:P1} high quality";
}

/// <summary>
/// The standard mode-collapse metrics on 2-D mixtures (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al.
/// 2018): a sample is high quality when it lies within 3 standard deviations of its nearest centre; a
/// mode is covered when at least <c>minShare</c> of all samples are high-quality samples of that mode.
/// The default share, 0.008, is PacGAN's rule of at least 20 of 2,500 samples.
/// </summary>
internal static class ModeCoverage
{
    public const double DefaultMinShare = 20.0 / 2500;

    /// <summary>points: row-major (x, y) pairs.</summary>
    public static ModeReport Measure(ReadOnlySpan<float> points, ToyDistribution data, double minShare = DefaultMinShare)
    {
        if (points.Length % 2 != 0) throw new ArgumentException($"points must be (x, y) pairs, got {points.Length} numbers");
        if (minShare is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(minShare), minShare, "the minimum share must be in (0, 1]");
        int n = points.Length / 2;
        var perMode = new int[data.Modes];
        int highQuality = 0;
        double radius2 = 9 * data.Std * data.Std;
        for (int i = 0; i < n; i++)
        {
            double x = points[2 * i], y = points[2 * i + 1];
            int nearest = 0;
            double best = double.PositiveInfinity;
            for (int m = 0; m < data.Modes; m++)
            {
                double dx = x - data.Centres[m].X, dy = y - data.Centres[m].Y, d2 = dx * dx + dy * dy;
                if (d2 < best) (best, nearest) = (d2, m);
            }
            if (best <= radius2)
            {
                highQuality++;
                perMode[nearest]++;
            }
        }
        double needed = minShare * n;
        int covered = n == 0 ? 0 : perMode.Count(c => c > 0 && c >= needed);
        return new ModeReport(covered, data.Modes, n == 0 ? 0 : (double)highQuality / n, perMode);
    }
}
