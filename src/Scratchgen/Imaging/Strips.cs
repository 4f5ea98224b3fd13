using Scratchgen.Tensors;

namespace Scratchgen.Imaging;

/// <summary>Pictures that compare images: originals above their reconstructions, and interpolation
/// strips (one row per pair of end points, steps left to right), plus the latent interpolation itself.</summary>
public static class Strips
{
    /// <summary>Two rows: the originals [N, C, H, W] on top, the reconstructions (same shape) below.</summary>
    public static Raster Reconstructions(Tensor originals, Tensor reconstructions, PixelRange range, int padding = 2, int scale = 1)
    {
        var a = SampleGrid.Dims(originals);
        var b = SampleGrid.Dims(reconstructions);
        if (a != b) throw new ArgumentException($"originals {originals.Describe()} and reconstructions {reconstructions.Describe()} must have the same shape");
        var (n, c, h, w) = a;
        var top = originals.ToArray();
        var bottom = reconstructions.ToArray();
        var r = new Raster(n * w + (n + 1) * padding, 2 * h + 3 * padding, Rgb.Gray);
        int size = c * h * w;
        for (int i = 0; i < n; i++)
        {
            int x0 = padding + i * (w + padding);
            SampleGrid.Draw(r, top.AsSpan(i * size, size), c, h, w, range, x0, padding);
            SampleGrid.Draw(r, bottom.AsSpan(i * size, size), c, h, w, range, x0, 2 * padding + h);
        }
        return r.Upscale(scale);
    }

    /// <summary>Decoded interpolations [R * steps, C, H, W] (row-major: R rows of <paramref name="steps"/>) as a grid.</summary>
    public static Raster Interpolation(Tensor decoded, int steps, PixelRange range, int padding = 2, int scale = 1)
    {
        var (n, _, _, _) = SampleGrid.Dims(decoded);
        if (steps <= 0 || n % steps != 0) throw new ArgumentException($"{n} images do not make rows of {steps} steps");
        return SampleGrid.Render(decoded, range, steps, padding, scale);
    }

    /// <summary>Points between z0 and z1 (both [R, D]), end points included: [R * steps, D], row r's
    /// steps consecutive. Linear, or spherical (slerp, better for Gaussian latents) when asked.</summary>
    public static Tensor InterpolateLatents(Tensor z0, Tensor z1, int steps, bool spherical = false)
    {
        if (z0.Rank != 2 || !z0.Shape.SequenceEqual(z1.Shape)) throw new ArgumentException($"end points must both be [R, D], got {z0.Describe()} and {z1.Describe()}");
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "an interpolation needs at least 2 steps");
        int rows = z0.Size(0), d = z0.Size(1);
        var a = z0.ToArray();
        var b = z1.ToArray();
        var result = new float[rows * steps * d];
        for (int r = 0; r < rows; r++)
        {
            var p = a.AsSpan(r * d, d);
            var q = b.AsSpan(r * d, d);
            double omega = spherical ? Angle(p, q) : 0;
            for (int s = 0; s < steps; s++)
            {
                double t = s / (double)(steps - 1), wa = 1 - t, wb = t;
                if (omega > 1e-6 && omega < Math.PI - 1e-3) // near 0 or pi slerp is ill-conditioned: stay linear
                {
                    wa = Math.Sin((1 - t) * omega) / Math.Sin(omega);
                    wb = Math.Sin(t * omega) / Math.Sin(omega);
                }
                var dst = result.AsSpan((r * steps + s) * d, d);
                for (int k = 0; k < d; k++) dst[k] = (float)(wa * p[k] + wb * q[k]);
            }
        }
        return Tensor.FromArray(result, [rows * steps, d], z0.Backend);
    }

    private static double Angle(ReadOnlySpan<float> p, ReadOnlySpan<float> q)
    {
        double dot = 0, np = 0, nq = 0;
        for (int k = 0; k < p.Length; k++)
        {
            dot += p[k] * q[k];
            np += p[k] * p[k];
            nq += q[k] * q[k];
        }
        if (np == 0 || nq == 0) return 0;
        return Math.Acos(Math.Clamp(dot / Math.Sqrt(np * nq), -1, 1));
    }
}
