using Scratchgen.Data;
using Scratchgen.Evaluation;

namespace Scratchgen.Tests.Data;

/// <summary>make-shapes' data and the colour figures that judge generated RGB images against it.</summary>
public sealed class SyntheticShapesTests
{
    [Fact]
    public void Render_IsDeterministicPerSeed_WithEveryClass()
    {
        var a = SyntheticShapes.Render(80, seed: 3, size: 16);
        var b = SyntheticShapes.Render(80, seed: 3, size: 16);
        var c = SyntheticShapes.Render(80, seed: 4, size: 16);
        Assert.True(a.Images.SequenceEqual(b.Images) && a.Labels.SequenceEqual(b.Labels));
        Assert.False(a.Images.SequenceEqual(c.Images));
        Assert.Equal([3, 16, 16], a.ImageShape);
        Assert.Equal(SyntheticShapes.Names.Length, a.Labels.ToArray().Distinct().Count());
    }

    [Fact]
    public void EveryShape_IsOneColourOnADarkBackground_InItsClassColour()
    {
        var d = SyntheticShapes.Render(200, seed: 1, size: 32);
        var figures = ColourStatistics.Measure(d.Images, d.Count, 32, 32);
        Assert.InRange(figures.Background, 0.02, 0.12);
        Assert.Equal(1.0, figures.SingleColour);
        Assert.InRange(figures.Foreground, 0.1, 0.5);
        for (int i = 0; i < d.Count; i++)
        {
            // The brightest pixel's hue is the class colour's.
            var img = d.Image(i);
            int best = 0;
            for (int p = 1; p < 1024; p++)
                if (img[p] + img[1024 + p] + img[2048 + p] > img[best] + img[1024 + best] + img[2048 + best]) best = p;
            var (r, g, bl) = SyntheticShapes.Colours[d.Labels[i]];
            double expected = ColourStatistics.Hue(r, g, bl), actual = ColourStatistics.Hue(img[best], img[1024 + best], img[2048 + best]);
            Assert.True(Math.Abs(Math.IEEERemainder(expected - actual, 2 * Math.PI)) < 0.1, $"image {i}: hue {actual:F2}, its class colour's {expected:F2}");
        }
    }

    [Fact]
    public void ColourFigures_TellNoiseAndTwoColourImagesFromOneShape()
    {
        const int side = 16, plane = side * side;
        var noise = new float[3 * plane];
        var rng = new Scratchgen.Tensors.Rng(2);
        for (int i = 0; i < noise.Length; i++) noise[i] = (float)rng.NextDouble();
        var figures = ColourStatistics.Measure(noise, 1, side, side);
        Assert.Equal(0, figures.SingleColour);
        Assert.True(figures.Background > 0.3);

        // Left half red, right half green, on black: two colours, not one.
        var halves = new float[3 * plane];
        for (int y = 4; y < 12; y++)
            for (int x = 2; x < 14; x++) halves[(x < 8 ? 0 : plane) + y * side + x] = 0.9f;
        Assert.Equal(0, ColourStatistics.Measure(halves, 1, side, side).SingleColour);
        // The same rectangle all red: one colour; an empty black frame: none.
        var red = new float[3 * plane];
        for (int y = 4; y < 12; y++)
            for (int x = 2; x < 14; x++) red[y * side + x] = 0.9f;
        Assert.Equal(1, ColourStatistics.Measure(red, 1, side, side).SingleColour);
        Assert.Equal(0, ColourStatistics.Measure(new float[3 * plane], 1, side, side).SingleColour);
        Assert.Equal(0.0, ColourStatistics.Hue(0.5, 0.5, 0.5));
        Assert.Equal(2 * Math.PI / 3, ColourStatistics.Hue(0, 1, 0), 12);
    }
}
