using Scratchgen.Backends;
using Scratchgen.Data;
using Scratchgen.Imaging;
using Scratchgen.Tensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;

namespace Scratchgen.Tests.Imaging;

public sealed class ImagingTests
{
    private static string TempPath(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "scratchgen-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    [Fact]
    public void SampleGrid_PlacesEachImageInItsCell_WithPaddingAndRangeMapping()
    {
        // Three 1x2x2 images, values in [-1, 1]: image i is filled with -1 + i.
        var values = new float[12];
        for (int i = 0; i < 12; i++) values[i] = -1f + i / 4;
        var grid = SampleGrid.Render(Tensor.FromArray(values, [3, 1, 2, 2], Backend.Cpu), PixelRange.MinusOneToOne, columns: 2, padding: 1);
        Assert.Equal(2 * 2 + 3, grid.Width);
        Assert.Equal(2 * 2 + 3, grid.Height);
        Assert.Equal(Rgb.Gray, grid[0, 0]);                 // padding
        Assert.Equal(new Rgb(0, 0, 0), grid[1, 1]);         // image 0: -1 -> black
        Assert.Equal(new Rgb(128, 128, 128), grid[4, 2]);   // image 1: 0 -> mid gray
        Assert.Equal(new Rgb(255, 255, 255), grid[1, 4]);   // image 2: 1 -> white
        Assert.Equal(Rgb.Gray, grid[4, 4]);                 // empty fourth cell
    }

    [Fact]
    public void SavePng_WritesPixelsAndProvenance_ThatReadBack()
    {
        var path = TempPath("grid.png");
        var batch = new BatchIterator(Embedded.Mnist10k().Slice(0, 16), 16, new Rng(1)).Next().Images;
        var extra = new Dictionary<string, string> { ["model"] = "dcgan", ["seed"] = "42", ["checkpoint"] = "sha256:abc" };
        SampleGrid.SavePng(batch, PixelRange.ZeroToOne, path, Provenance.Generated(extra), scale: 2);
        var info = ImageProvenance.Read(path);
        Assert.Equal("Scratchgen", info["Software"]);
        Assert.Equal("true", info["Synthetic"]);
        Assert.Equal("dcgan", info["model"]);
        Assert.Equal("sha256:abc", info["checkpoint"]);
        using var image = Image.Load<Rgb24>(path);
        var expected = SampleGrid.Render(batch, PixelRange.ZeroToOne, scale: 2);
        Assert.Equal(expected.Width, image.Width);
        Assert.Equal(new Rgb24(expected[37, 41].R, expected[37, 41].G, expected[37, 41].B), image[37, 41]);

        var real = TempPath("real.png");
        ImageFiles.SavePng(new Raster(4, 4), real, Provenance.Real());
        Assert.False(ImageProvenance.Read(real).ContainsKey("Synthetic"));
    }

    [Fact]
    public void SaveGif_HasEveryFrameTheDelayAndProvenanceComments()
    {
        var path = TempPath("epochs.gif");
        var frames = Enumerable.Range(0, 3).Select(i => new Raster(8, 6, new Rgb((byte)(i * 100), 0, 0))).ToList();
        ImageFiles.SaveGif(frames, path, Provenance.Generated(new Dictionary<string, string> { ["model"] = "gan" }), frameDelayMs: 250);
        using var gif = Image.Load<Rgb24>(path);
        Assert.Equal(3, gif.Frames.Count);
        Assert.Equal(25, gif.Frames[1].Metadata.GetGifMetadata().FrameDelay);
        Assert.InRange(gif.Frames[2][0, 0].R, 192, 208);
        var info = ImageProvenance.Read(path);
        Assert.Equal("Scratchgen", info["Software"]);
        Assert.Equal("true", info["Synthetic"]);
        Assert.Equal("gan", info["model"]);
    }

    [Fact]
    public void Provenance_RefusesReservedAndMalformedKeys()
    {
        Assert.Throws<ArgumentException>(() => Provenance.Real(new Dictionary<string, string> { ["Synthetic"] = "false" }).Entries());
        Assert.Throws<ArgumentException>(() => Provenance.Real(new Dictionary<string, string> { ["a:b"] = "x" }).Entries());
    }

    [Fact]
    public void LossChart_DrawsEachSeriesInItsOwnColour()
    {
        var g = Enumerable.Range(0, 50).Select(i => 2.0 - i * 0.02).ToList();
        var d = Enumerable.Range(0, 50).Select(i => 0.5 + 0.1 * Math.Sin(i / 3.0)).ToList();
        d[10] = double.NaN;
        var chart = LossChart.Render([("generator", g), ("discriminator", d)], title: "GAN losses");
        var colours = new HashSet<Rgb>();
        for (int y = 0; y < chart.Height; y++)
            for (int x = 0; x < chart.Width; x++) colours.Add(chart[x, y]);
        Assert.Contains(Rgb.Series[0], colours);
        Assert.Contains(Rgb.Series[1], colours);
        Assert.Contains(Rgb.Black, colours);
        var path = TempPath("losses.png");
        LossChart.SavePng([("generator", g), ("discriminator", d)], path, title: "GAN losses");
        Assert.Equal("Scratchgen", ImageProvenance.Read(path)["Software"]);
    }

    [Fact]
    public void Reconstructions_StacksOriginalsAboveReconstructions()
    {
        var a = Tensor.Full([2, 1, 3, 3], 1.0, backend: Backend.Cpu);
        var b = Tensor.Zeros([2, 1, 3, 3], backend: Backend.Cpu);
        var strip = Strips.Reconstructions(a, b, PixelRange.ZeroToOne, padding: 1);
        Assert.Equal(2 * 3 + 3, strip.Width);
        Assert.Equal(2 * 3 + 3, strip.Height);
        Assert.Equal(Rgb.White, strip[1, 1]);
        Assert.Equal(Rgb.Black, strip[1, 5]);
        Assert.Throws<ArgumentException>(() => Strips.Reconstructions(a, Tensor.Zeros([2, 1, 3, 4], backend: Backend.Cpu), PixelRange.ZeroToOne));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void InterpolateLatents_StartsAndEndsAtTheEndPoints(bool spherical)
    {
        var z0 = Tensor.FromArray([1f, 0f, 0f, 2f], [2, 2], Backend.Cpu);
        var z1 = Tensor.FromArray([0f, 1f, 2f, 0f], [2, 2], Backend.Cpu);
        var z = Strips.InterpolateLatents(z0, z1, 5, spherical).ToArray();
        Assert.Equal(20, z.Length);
        Assert.Equal([1f, 0f], z[..2]);
        Assert.Equal(0f, z[8], 5);
        Assert.Equal(1f, z[9], 5);
        Assert.Equal([0f, 2f], z[10..12]); // row 1 starts at its own z0
        float mid = spherical ? (float)Math.Sqrt(0.5) : 0.5f;
        Assert.Equal(mid, z[4], 5);
        Assert.Equal(mid, z[5], 5);
        var strip = Strips.Interpolation(Tensor.Zeros([10, 1, 4, 4], backend: Backend.Cpu), 5, PixelRange.ZeroToOne, padding: 0);
        Assert.Equal((20, 8), (strip.Width, strip.Height));
    }
}
