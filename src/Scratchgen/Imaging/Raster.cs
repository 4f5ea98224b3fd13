using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Scratchgen.Imaging;

/// <summary>A plain RGB picture in memory (row-major, 3 bytes a pixel) that the grid, strip and chart
/// helpers draw into; ImageFiles turns it into PNG or GIF. Drawing outside the edges is ignored.</summary>
public sealed class Raster
{
    /// <summary>A <paramref name="width"/> x <paramref name="height"/> RGB picture filled with <paramref name="background"/> (black by default).</summary>
    public Raster(int width, int height, Rgb background = default)
    {
        if (width <= 0 || height <= 0 || (long)width * height > 64L << 20)
            throw new ArgumentOutOfRangeException(nameof(width), $"raster {width}x{height}: sides must be positive and the area at most 64 M pixels");
        Width = width;
        Height = height;
        Pixels = new byte[width * height * 3];
        if (background != default) Fill(background);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>R, G, B bytes, row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>The colour of pixel (x, y), x from the left and y from the top; writes outside the picture are ignored.</summary>
    public Rgb this[int x, int y]
    {
        get
        {
            int i = (y * Width + x) * 3;
            return new Rgb(Pixels[i], Pixels[i + 1], Pixels[i + 2]);
        }
        set
        {
            if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
            int i = (y * Width + x) * 3;
            (Pixels[i], Pixels[i + 1], Pixels[i + 2]) = (value.R, value.G, value.B);
        }
    }

    /// <summary>Sets every pixel to <paramref name="color"/>.</summary>
    public void Fill(Rgb color) => FillRect(0, 0, Width, Height, color);

    /// <summary>Fills the <paramref name="w"/> x <paramref name="h"/> rectangle whose top-left pixel is (x0, y0), clipped to the picture.</summary>
    public void FillRect(int x0, int y0, int w, int h, Rgb color)
    {
        for (int y = Math.Max(0, y0); y < Math.Min(Height, y0 + h); y++)
            for (int x = Math.Max(0, x0); x < Math.Min(Width, x0 + w); x++)
                this[x, y] = color;
    }

    /// <summary>Copies <paramref name="src"/> with its top-left corner at (x0, y0).</summary>
    public void Blit(Raster src, int x0, int y0)
    {
        for (int y = 0; y < src.Height; y++)
            for (int x = 0; x < src.Width; x++)
                this[x0 + x, y0 + y] = src[x, y];
    }

    /// <summary>A straight line (Bresenham), both ends included.</summary>
    public void Line(int x0, int y0, int x1, int y1, Rgb color)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0);
        int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
        while (true)
        {
            this[x0, y0] = color;
            if (x0 == x1 && y0 == y1) return;
            int e2 = 2 * err;
            if (e2 >= dy) { err += dy; x0 += sx; }
            if (e2 <= dx) { err += dx; y0 += sy; }
        }
    }

    /// <summary>Each pixel repeated <paramref name="factor"/> times in both directions.</summary>
    public Raster Upscale(int factor)
    {
        if (factor < 1) throw new ArgumentOutOfRangeException(nameof(factor), factor, "scale factor must be at least 1");
        if (factor == 1) return this;
        var r = new Raster(Width * factor, Height * factor);
        for (int y = 0; y < r.Height; y++)
            for (int x = 0; x < r.Width; x++)
                r[x, y] = this[x / factor, y / factor];
        return r;
    }

    internal Image<Rgb24> ToImage() => Image.LoadPixelData<Rgb24>(Pixels, Width, Height);
}
