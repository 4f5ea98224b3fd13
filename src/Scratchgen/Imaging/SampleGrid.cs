using Scratchgen.Tensors;

namespace Scratchgen.Imaging;

/// <summary>Pictures of image batches: one image [C, H, W] (C = 1 gray or 3 RGB) as a raster, and a
/// batch [N, C, H, W] as a grid with padding between cells.</summary>
public static class SampleGrid
{
    /// <summary>A grid of the batch, <paramref name="columns"/> wide (default: ceil(sqrt(N))), row by row.</summary>
    /// <param name="images">The batch (N, C, H, W), C = 1 or 3.</param>
    /// <param name="range">The pixel range the values are in; values outside it are clipped.</param>
    /// <param name="columns">Images per row; null for ceil(sqrt(N)).</param>
    /// <param name="padding">Pixels between cells (before scaling).</param>
    /// <param name="scale">Each pixel drawn as scale x scale (nearest neighbour), so 28x28 digits stay visible.</param>
    /// <param name="background">The colour between cells (default: mid grey).</param>
    public static Raster Render(Tensor images, PixelRange range, int? columns = null, int padding = 2, int scale = 1, Rgb? background = null)
    {
        var (n, c, h, w) = Dims(images);
        int cols = columns ?? (int)Math.Ceiling(Math.Sqrt(n));
        if (cols <= 0) throw new ArgumentOutOfRangeException(nameof(columns), cols, "columns must be positive");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "padding must not be negative");
        int rows = (n + cols - 1) / cols;
        var values = images.ToArray();
        var grid = new Raster(cols * w + (cols + 1) * padding, rows * h + (rows + 1) * padding, background ?? Rgb.Gray);
        for (int i = 0; i < n; i++)
        {
            int x0 = padding + (i % cols) * (w + padding), y0 = padding + (i / cols) * (h + padding);
            Draw(grid, values.AsSpan(i * c * h * w, c * h * w), c, h, w, range, x0, y0);
        }
        return grid.Upscale(scale);
    }

    /// <summary>Renders the grid and writes it as a PNG with provenance.</summary>
    public static void SavePng(Tensor images, PixelRange range, string path, Provenance provenance, int? columns = null, int padding = 2, int scale = 1) =>
        ImageFiles.SavePng(Render(images, range, columns, padding, scale), path, provenance);

    /// <summary>Draws one image [C, H, W] (values row-major) at (x0, y0).</summary>
    internal static void Draw(Raster r, ReadOnlySpan<float> image, int c, int h, int w, PixelRange range, int x0, int y0)
    {
        int plane = h * w;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int p = y * w + x;
                r[x0 + x, y0 + y] = c == 1
                    ? Rgb.FromUnit(ToUnit(image[p], range))
                    : new Rgb(Byte(image[p], range), Byte(image[plane + p], range), Byte(image[2 * plane + p], range));
            }
    }

    internal static (int N, int C, int H, int W) Dims(Tensor images)
    {
        if (images.Rank != 4 || (images.Size(1) != 1 && images.Size(1) != 3) || images.Size(0) == 0)
            throw new ArgumentException($"expected images [N, C, H, W] with N > 0 and C = 1 or 3, got {images.Describe()}");
        return (images.Size(0), images.Size(1), images.Size(2), images.Size(3));
    }

    private static float ToUnit(float v, PixelRange range) => range == PixelRange.MinusOneToOne ? (v + 1f) * 0.5f : v;

    private static byte Byte(float v, PixelRange range) => Rgb.FromUnit(ToUnit(v, range)).R;
}
