using System.IO.Compression;

namespace Scratchgen.Imaging;

/// <summary>
/// A raster kept deflate-compressed in memory. A training run keeps one sample grid per epoch for its
/// GIF; the grids (light strokes on black) compress many-fold, so a long run's memory no longer grows by
/// the size of a grid (about a megabyte at the default scale) every epoch.
/// </summary>
internal sealed class CompressedRaster
{
    private readonly byte[] _packed;

    public CompressedRaster(Raster raster)
    {
        (Width, Height) = (raster.Width, raster.Height);
        using var packed = new MemoryStream();
        using (var deflate = new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true))
            deflate.Write(raster.Pixels);
        _packed = packed.ToArray();
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Bytes held (the raster itself holds 3 per pixel).</summary>
    public int PackedBytes => _packed.Length;

    /// <summary>The raster, as it was.</summary>
    public Raster Expand()
    {
        var raster = new Raster(Width, Height);
        using var inflate = new ZLibStream(new MemoryStream(_packed), CompressionMode.Decompress);
        inflate.ReadExactly(raster.Pixels);
        return raster;
    }
}
