using Scratchgen.Imaging;

namespace Scratchgen.Lab;

/// <summary>
/// One picture of a toy GAN at one moment: the discriminator's view of the plane as a gray background
/// (darker = D thinks "real"), real points in blue, generated points in orange, and a title.
/// Plot coordinates: [-Extent, Extent] on both axes, y up.
/// </summary>
internal static class LabPanel
{
    public const int PlotSize = 200, Margin = 8, Header = 30;
    public const int Width = PlotSize + 2 * Margin, Height = PlotSize + Header + Margin;

    public static readonly Rgb RealColour = new(31, 119, 180), FakeColour = new(255, 127, 14);

    /// <summary>Draws the panel with its top-left corner at (x0, y0).</summary>
    /// <param name="surface">D's output scaled to [0, 1] on a g x g grid of cell centres, row 0 at the top.</param>
    public static void Draw(Raster r, int x0, int y0, string title, string subtitle, ToyDistribution data,
        ReadOnlySpan<float> real, ReadOnlySpan<float> fake, ReadOnlySpan<float> surface, int gridSide)
    {
        r.FillRect(x0, y0, Width, Height, Rgb.White);
        BitmapFont.Draw(r, title, x0 + Margin, y0 + 4, Rgb.Black);
        BitmapFont.Draw(r, subtitle, x0 + Margin, y0 + 16, Rgb.Gray);
        int px = x0 + Margin, py = y0 + Header;
        for (int y = 0; y < PlotSize; y++)
        {
            int gy = y * gridSide / PlotSize;
            for (int x = 0; x < PlotSize; x++)
            {
                float v = surface[gy * gridSide + x * gridSide / PlotSize];
                byte level = (byte)Math.Round(250 - 110 * Math.Clamp(float.IsNaN(v) ? 0f : v, 0f, 1f));
                r[px + x, py + y] = new Rgb(level, level, level);
            }
        }
        Dots(r, px, py, real, data.Extent, RealColour);
        Dots(r, px, py, fake, data.Extent, FakeColour);
        foreach (var (x, y) in new[] { (0, 0), (PlotSize - 1, 0) })
            r.Line(px + x, py, px + x, py + PlotSize - 1, Rgb.Gray);
        r.Line(px, py, px + PlotSize - 1, py, Rgb.Gray);
        r.Line(px, py + PlotSize - 1, px + PlotSize - 1, py + PlotSize - 1, Rgb.Gray);
    }

    /// <summary>Cell centres of the surface grid as (x, y) pairs, row 0 at the top (largest y).</summary>
    public static float[] GridPoints(int gridSide, double extent)
    {
        var points = new float[2 * gridSide * gridSide];
        for (int row = 0; row < gridSide; row++)
            for (int col = 0; col < gridSide; col++)
            {
                int i = row * gridSide + col;
                points[2 * i] = (float)(-extent + 2 * extent * (col + 0.5) / gridSide);
                points[2 * i + 1] = (float)(extent - 2 * extent * (row + 0.5) / gridSide);
            }
        return points;
    }

    private static void Dots(Raster r, int px, int py, ReadOnlySpan<float> points, double extent, Rgb colour)
    {
        for (int i = 0; i + 1 < points.Length; i += 2)
        {
            int x = (int)Math.Round((points[i] + extent) / (2 * extent) * (PlotSize - 1));
            int y = (int)Math.Round((extent - points[i + 1]) / (2 * extent) * (PlotSize - 1));
            if ((uint)x >= PlotSize || (uint)y >= PlotSize) continue;
            r.FillRect(px + x - 1, py + y - 1, 2, 2, colour);
        }
    }
}
