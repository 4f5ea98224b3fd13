using Scratchgen.Imaging;
using Scratchgen.Tensors;

namespace Scratchgen.Data;

/// <summary>
/// A second data set made in the repository (we cannot download Fashion-MNIST here): capital letters
/// A-Z drawn from the built-in 5x7 font, white on black like MNIST, each with its own random
/// geometry so that no two are alike:
///   glyph cell (u, v) -> image point  p = c + R(theta) Shear(k) diag(s sx, s) (u - 2, v - 3)
///   scale s in [2.4, 3.2] px per cell, aspect sx in [0.85, 1.15], rotation theta in [-12, 12] degrees,
///   shear k in [-0.2, 0.2]; s shrunk where needed so the letter fits a 20 x 20 box (as MNIST's digits
///   do), centre c = 14 +- up to 2 px, never pushing ink off the frame;
///   stroke: a pixel is ink when its glyph-space point lies within r in [0.45, 0.75] cells of a lit cell's
///   centre line segment to a lit neighbour (or of a lone lit cell), 3x3 supersampled for grey edges.
/// Labels are the letter's index (A = 0). Deterministic for a seed.
/// </summary>
public static class SyntheticLetters
{
    /// <summary>The letters drawn, one class each, in label order.</summary>
    public const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>A dataset of <paramref name="count"/> grey images of capital letters (<paramref name="size"/> pixels square), drawn with random shifts, scales and strokes from <paramref name="seed"/>; labelled by letter.</summary>
    public static Dataset Render(int count, ulong seed, int size = 28)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "the letter count must be positive");
        if (size < 16) throw new ArgumentOutOfRangeException(nameof(size), size, "letters need images of at least 16x16");
        var rng = new Rng(seed);
        var images = new float[count * size * size];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = rng.NextInt(Alphabet.Length);
            Draw(BitmapFont.Cells(Alphabet[labels[i]]), rng, size, images.AsSpan(i * size * size, size * size));
        }
        return new Dataset("letters", images, [1, size, size], labels, Alphabet.Length) { ClassNames = Alphabet.Select(c => c.ToString()).ToArray() };
    }

    private static double Uniform(Rng rng, double lo, double hi) => lo + (hi - lo) * rng.NextDouble();

    private static void Draw(bool[,] lit, Rng rng, int size, Span<float> image)
    {
        double s = Uniform(rng, 2.4, 3.2), sx = Uniform(rng, 0.85, 1.15), theta = Uniform(rng, -12, 12) * Math.PI / 180;
        double shear = Uniform(rng, -0.2, 0.2), radius = Uniform(rng, 0.45, 0.75);
        double jitterX = Uniform(rng, -1, 1), jitterY = Uniform(rng, -1, 1);
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        // Forward map A = R Shear diag(sx, 1) (times s); as MNIST does, the letter is shrunk where needed to
        // fit a 20 x 20 box, then placed at the centre moved by up to 2 px while staying in the frame.
        double a = cos * sx, b = cos * shear - sin, c = sin * sx, d = sin * shear + cos;
        double halfW = 0, halfH = 0;
        foreach (var (u, v) in new[] { (-2 - radius, -3 - radius), (2 + radius, -3 - radius), (-2 - radius, 3 + radius), (2 + radius, 3 + radius) })
        {
            halfW = Math.Max(halfW, Math.Abs(a * u + b * v));
            halfH = Math.Max(halfH, Math.Abs(c * u + d * v));
        }
        double fit = size * 10.0 / 28;
        s = Math.Min(s, fit / Math.Max(halfW, halfH));
        (a, b, c, d) = (a * s, b * s, c * s, d * s);
        double slackX = Math.Clamp(size / 2.0 - 1 - halfW * s, 0, 2), slackY = Math.Clamp(size / 2.0 - 1 - halfH * s, 0, 2);
        double cx = size / 2.0 + jitterX * slackX, cy = size / 2.0 + jitterY * slackY;
        double det = a * d - b * c;
        var segments = Segments(lit);
        const int ss = 3;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int ink = 0;
                for (int sy = 0; sy < ss; sy++)
                    for (int sxi = 0; sxi < ss; sxi++)
                    {
                        double px = x + (sxi + 0.5) / ss - cx, py = y + (sy + 0.5) / ss - cy;
                        double u = (d * px - b * py) / det + 2, v = (-c * px + a * py) / det + 3;
                        if (segments.Any(seg => DistanceToSegment(u, v, seg) <= radius)) ink++;
                    }
                image[y * size + x] = ink / (float)(ss * ss);
            }
    }

    // Centre-line segments between lit cells that touch (including diagonals), and lone lit cells as points.
    private static List<(double U0, double V0, double U1, double V1)> Segments(bool[,] lit)
    {
        var list = new List<(double, double, double, double)>();
        int h = lit.GetLength(0), w = lit.GetLength(1);
        for (int v = 0; v < h; v++)
            for (int u = 0; u < w; u++)
            {
                if (!lit[v, u]) continue;
                bool alone = true;
                foreach (var (du, dv) in new[] { (1, 0), (0, 1), (1, 1), (-1, 1) })
                {
                    int u2 = u + du, v2 = v + dv;
                    if (u2 < 0 || u2 >= w || v2 >= h || !lit[v2, u2]) continue;
                    // A diagonal is only drawn where no straight path already joins the two cells.
                    if (du != 0 && dv != 0 && (lit[v, u2] || lit[v2, u])) continue;
                    list.Add((u, v, u2, v2));
                    alone = false;
                }
                if (alone) list.Add((u, v, u, v));
            }
        return list;
    }

    private static double DistanceToSegment(double u, double v, (double U0, double V0, double U1, double V1) s)
    {
        double du = s.U1 - s.U0, dv = s.V1 - s.V0, len2 = du * du + dv * dv;
        double t = len2 == 0 ? 0 : Math.Clamp(((u - s.U0) * du + (v - s.V0) * dv) / len2, 0, 1);
        double eu = u - (s.U0 + t * du), ev = v - (s.V0 + t * dv);
        return Math.Sqrt(eu * eu + ev * ev);
    }
}
