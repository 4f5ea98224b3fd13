using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Scratchgen.Data;

namespace Scratchgen.Tests.Data;

/// <summary>Slices and splits are views: the right images and labels, with no copy of the pixels.</summary>
public sealed class DatasetSliceTests
{
    private static Dataset Numbered(int count) =>
        new("numbered", Enumerable.Range(0, count * 4).Select(i => (float)i).ToArray(), [1, 2, 2], Enumerable.Range(0, count).Select(i => i % 3).ToArray(), 3);

    [Fact]
    public void Split_GivesEachSideItsImagesAndLabels()
    {
        var (train, test) = Numbered(7).Split(5);
        Assert.Equal(5, train.Count);
        Assert.Equal(2, test.Count);
        Assert.Equal([16f, 17f, 18f, 19f], train.Image(4).ToArray());
        Assert.Equal([20f, 21f, 22f, 23f], test.Image(0).ToArray());
        Assert.Equal([20f, 21f, 22f, 23f, 24f, 25f, 26f, 27f], test.Images.ToArray());
        Assert.Equal([2, 0], test.Labels.ToArray());
        Assert.Equal([0, 1, 2, 0, 1], train.Labels.ToArray());
    }

    [Fact]
    public void Slice_SharesThePixels_AndStaysInsideItsRange()
    {
        var all = Numbered(7);
        var middle = all.Slice(2, 3);
        Assert.True(Unsafe.AreSame(ref MemoryMarshal.GetReference(middle.Images), ref MemoryMarshal.GetReference(all.Images[8..])),
            "the slice's pixels are the parent's, not a copy");
        Assert.Equal(12, middle.Images.Length);
        Assert.Equal([16f, 17f, 18f, 19f], middle.Image(2).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => middle.Image(3).ToArray());
        var inner = middle.Slice(1, 1);
        Assert.Equal([12f, 13f, 14f, 15f], inner.Image(0).ToArray());
        Assert.Equal([0], inner.Labels.ToArray());
    }
}
