using Scratchgen.Data;

namespace Scratchgen.Tests.Data;

public sealed class EmbeddedMnistTests
{
    [Fact]
    public void Mnist10k_Loads10000Digits_WithEveryClassOnBothSidesOfTheDefaultSplit()
    {
        var ds = Embedded.Mnist10k();
        Assert.Equal(10000, ds.Count);
        Assert.Equal([1, 28, 28], ds.ImageShape);
        Assert.Equal(10, ds.ClassCount);
        Assert.Equal([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978], ds.LabelHistogram());
        var (train, test) = ds.Split(9000);
        Assert.Equal(9000, train.Count);
        Assert.Equal(1000, test.Count);
        Assert.All(train.LabelHistogram(), c => Assert.True(c > 700));
        Assert.All(test.LabelHistogram(), c => Assert.True(c > 50));
        float max = 0, min = 1;
        foreach (var v in ds.Images) { max = Math.Max(max, v); min = Math.Min(min, v); }
        Assert.Equal(0f, min);
        Assert.Equal(1f, max);
        Assert.Contains("10000 images of [1, 28, 28]", ds.Summary());
        Assert.Contains("labels 0:1001 1:1127", ds.Summary());
    }

    [Fact]
    public void Mnist10k_FirstImage_LooksLikeADigit()
    {
        var img = Embedded.Mnist10k().Image(0);
        int ink = 0;
        foreach (var v in img) if (v > 0.5f) ink++;
        Assert.InRange(ink, 40, 400); // a digit covers some, not all, of 784 pixels
        Assert.Equal(0f, img[0]);   // corners are background
    }
}
