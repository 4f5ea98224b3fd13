namespace Scratchgen.Evaluation;

/// <summary>
/// Simple, palette-free figures of RGB images of objects on a plain background (such as make-shapes'),
/// to put generated images beside real ones where no classifier knows the classes:
///   background  = mean brightness (mean of R, G, B) of the outermost 2-pixel ring
///   foreground  = pixels whose brightest channel exceeds 0.4
///   single colour: an image whose foreground covers at least 2 % of it and whose foreground hues lie,
///                  for at least 80 % of those pixels, within 30 degrees of their circular mean hue
/// A generator that draws one clean object in one colour scores the real images' single-colour share;
/// noise, blotches of several colours or an empty frame score lower.
/// </summary>
internal static class ColourStatistics
{
    public const double ForegroundLevel = 0.4, MinForeground = 0.02, HueWindowDegrees = 30, SingleColourShare = 0.8;

    /// <summary>Mean border brightness, share of single-colour images, mean foreground share.</summary>
    public readonly record struct Figures(double Background, double SingleColour, double Foreground);

    /// <param name="images">[N, 3, H, W] in [0, 1], row-major.</param>
    public static Figures Measure(ReadOnlySpan<float> images, int count, int height, int width)
    {
        int plane = height * width;
        if (count < 1 || images.Length != count * 3 * plane)
            throw new ArgumentException($"colour statistics need {count} RGB images of {height}x{width} ({count * 3 * plane} values), got {images.Length}");
        double background = 0, foreground = 0;
        int single = 0;
        for (int n = 0; n < count; n++)
        {
            var image = images.Slice(n * 3 * plane, 3 * plane);
            background += Border(image, height, width);
            var (share, oneColour) = Foreground(image, plane);
            foreground += share;
            if (oneColour) single++;
        }
        return new Figures(background / count, single / (double)count, foreground / count);
    }

    private static double Border(ReadOnlySpan<float> image, int height, int width)
    {
        int plane = height * width, ring = Math.Min(2, Math.Min(height, width) / 2);
        double sum = 0;
        int pixels = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                if (y >= ring && y < height - ring && x >= ring && x < width - ring) continue;
                int at = y * width + x;
                sum += (image[at] + image[plane + at] + image[2 * plane + at]) / 3.0;
                pixels++;
            }
        return sum / pixels;
    }

    private static (double Share, bool OneColour) Foreground(ReadOnlySpan<float> image, int plane)
    {
        var hues = new List<double>();
        for (int at = 0; at < plane; at++)
        {
            float r = image[at], g = image[plane + at], b = image[2 * plane + at];
            if (Math.Max(r, Math.Max(g, b)) > ForegroundLevel) hues.Add(Hue(r, g, b));
        }
        double share = hues.Count / (double)plane;
        if (share < MinForeground) return (share, false);
        double sx = 0, sy = 0;
        foreach (var h in hues)
        {
            sx += Math.Cos(h);
            sy += Math.Sin(h);
        }
        double mean = Math.Atan2(sy, sx), window = HueWindowDegrees * Math.PI / 180;
        int near = hues.Count(h => Math.Abs(Math.IEEERemainder(h - mean, 2 * Math.PI)) <= window);
        return (share, near >= SingleColourShare * hues.Count);
    }

    /// <summary>Hue in radians [0, 2 pi) of an RGB colour (0 for greys).</summary>
    public static double Hue(double r, double g, double b)
    {
        double max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b)), c = max - min;
        if (c <= 1e-9) return 0;
        double h = max == r ? (g - b) / c % 6 : max == g ? (b - r) / c + 2 : (r - g) / c + 4;
        if (h < 0) h += 6;
        return h * Math.PI / 3;
    }
}
