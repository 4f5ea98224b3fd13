using Scratchgen.Data;

namespace Scratchgen.Tests.Data;

public sealed class SyntheticLettersTests
{
    [Fact]
    public void Render_IsDeterministicPerSeed_AndEveryImageDiffers()
    {
        var a = SyntheticLetters.Render(60, seed: 3);
        var b = SyntheticLetters.Render(60, seed: 3);
        var c = SyntheticLetters.Render(60, seed: 4);
        Assert.True(a.Images.SequenceEqual(b.Images) && a.Labels.SequenceEqual(b.Labels));
        Assert.False(a.Images.SequenceEqual(c.Images));
        var distinct = Enumerable.Range(0, a.Count).Select(i => string.Join(',', a.Image(i).ToArray())).Distinct().Count();
        Assert.Equal(60, distinct);
        Assert.Equal(26, a.ClassCount);
        Assert.Equal("A", a.ClassNames![0]);
    }

    [Fact]
    public void Letters_AreInkOnBlack_InsideTheFrame()
    {
        var d = SyntheticLetters.Render(100, seed: 1);
        for (int i = 0; i < d.Count; i++)
        {
            var img = d.Image(i);
            double ink = 0, border = 0;
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                {
                    ink += img[y * 28 + x];
                    if (x == 0 || y == 0 || x == 27 || y == 27) border += img[y * 28 + x];
                }
            // MNIST digits cover roughly 10-20 % of the frame; a letter of 17-22 px strokes is similar.
            Assert.InRange(ink / 784, 0.05, 0.45);
            Assert.True(border < 0.5, $"letter {i} ({SyntheticLetters.Alphabet[d.Labels[i]]}) touches the frame: border ink {border:F1}");
        }
    }
}
