using Scratchgen.Imaging;

namespace Scratchgen.Tests.Imaging;

/// <summary>A run's GIF frames kept compressed: the same pixels back, in a fraction of the bytes.</summary>
public sealed class CompressedRasterTests
{
    [Fact]
    public void Expand_GivesBackEveryPixel_OfAMostlyDarkGrid_FromFarFewerBytes()
    {
        var raster = new Raster(97, 61);
        var rng = new Random(3);
        for (int i = 0; i < 400; i++)
            raster[rng.Next(97), rng.Next(61)] = new Rgb((byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256));
        var packed = new CompressedRaster(raster);
        var back = packed.Expand();
        Assert.Equal((97, 61), (back.Width, back.Height));
        Assert.Equal(raster.Pixels, back.Pixels);
        Assert.True(packed.PackedBytes * 4 < raster.Pixels.Length, $"{packed.PackedBytes} packed bytes for {raster.Pixels.Length} raw ones");
    }

    [Fact]
    public void Expand_GivesBackNoise_ThatDoesNotCompress()
    {
        var raster = new Raster(13, 7);
        new Random(5).NextBytes(raster.Pixels);
        Assert.Equal(raster.Pixels, new CompressedRaster(raster).Expand().Pixels);
    }
}
