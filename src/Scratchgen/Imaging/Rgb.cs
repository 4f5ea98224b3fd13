namespace Scratchgen.Imaging;

/// <summary>An 8-bit RGB colour, and the palette charts draw their series with.</summary>
/// <param name="R">Red, 0-255.</param>
/// <param name="G">Green, 0-255.</param>
/// <param name="B">Blue, 0-255.</param>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>(0, 0, 0).</summary>
    public static readonly Rgb Black = new(0, 0, 0);
    /// <summary>(255, 255, 255).</summary>
    public static readonly Rgb White = new(255, 255, 255);
    /// <summary>(128, 128, 128).</summary>
    public static readonly Rgb Gray = new(128, 128, 128);
    /// <summary>(220, 220, 220), for grid lines and backgrounds.</summary>
    public static readonly Rgb LightGray = new(220, 220, 220);

    /// <summary>Distinct colours for chart series (Tableau 10), used in order and then repeated.</summary>
    public static readonly Rgb[] Series =
    [
        new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189),
        new(140, 86, 75), new(227, 119, 194), new(127, 127, 127), new(188, 189, 34), new(23, 190, 207),
    ];

    /// <summary>A gray level from a value in [0, 1] (clamped; NaN draws as black).</summary>
    public static Rgb FromUnit(float v)
    {
        byte b = (byte)Math.Round(Math.Clamp(float.IsNaN(v) ? 0f : v, 0f, 1f) * 255f);
        return new Rgb(b, b, b);
    }
}
