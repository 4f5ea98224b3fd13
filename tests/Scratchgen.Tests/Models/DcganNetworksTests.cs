using Scratchgen.Models;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Models;

/// <summary>The DCGAN networks follow the image: as many stride-2 stages as halve the side to 4-7 pixels.</summary>
public sealed class DcganNetworksTests
{
    [Theory]
    [InlineData(4, 1, 1, new[] { 64 })]             // the toy images of `trace`: 2 -> 4
    [InlineData(28, 1, 2, new[] { 128, 64 })]       // the 28x28 DCGAN: 7 -> 14 -> 28
    [InlineData(32, 3, 3, new[] { 256, 128, 64 })]  // 4 -> 8 -> 16 -> 32
    [InlineData(64, 3, 4, new[] { 256, 256, 128, 64 })] // the paper's 64x64 network, widths capped at 256
    public void Stages_AndWidths_FollowTheImageSide(int side, int channels, int stages, int[] generatorWidths)
    {
        var o = new ModelOptions(channels, side, side, LatentDim: 5);
        Assert.Equal(stages, DcganNetworks.Stages(o));
        var g = DcganNetworks.Generator(o, 5);
        var convT = g.Layers.OfType<ConvTranspose2d>().ToList();
        Assert.Equal(stages, convT.Count);
        Assert.Equal(generatorWidths, convT.Select(c => c.Weight.Dims[0]).ToArray());
        Assert.Equal(channels, convT[^1].Weight.Dims[1]);
        using var _ = Scratchgen.Autograd.GradMode.NoGrad();
        var images = g.Forward(Tensor.RandN([2, 5], new Rng(1)));
        Assert.Equal([2, channels, side, side], images.Dims.ToArray());
        var d = DcganNetworks.Discriminator(o, new());
        Assert.Equal(stages, d.Layers.OfType<Conv2d>().Count());
        Assert.Equal([2, 1], d.Forward(images).Dims.ToArray());
    }

    [Theory, InlineData(30), InlineData(18), InlineData(5)]
    public void SidesThatDoNotHalveEvenly_AreRefusedWithTheHint(int side)
    {
        var ex = Assert.Throws<ArgumentException>(() => DcganNetworks.Stages(new ModelOptions(1, side, side)));
        Assert.Contains("--image-size", ex.Message);
    }

    // The textbook recipe builds the networks checkpoints were written with before recipes existed:
    // these names and shapes are the 28x28 DCGAN's (G: linear to 128x7x7, two transposed convs; D: two
    // convs and a linear head), so such a checkpoint still loads.
    [Fact]
    public void PlainDcgan_HasThePreRecipeStateLayout()
    {
        var m = ModelFactory.Create("dcgan", new ModelOptions(LatentDim: 100, Recipe: Recipe.PlainName));
        var layout = m.StateDict().Select(p => $"{p.Name} {Shapes.Format(p.Tensor.Dims)}").ToArray();
        Assert.Equal(new[]
        {
            "generator.0.weight (6272, 100)", "generator.0.bias (6272)", "generator.2.weight (128)", "generator.2.bias (128)",
            "generator.4.weight (128, 64, 4, 4)", "generator.4.bias (64)", "generator.5.weight (64)", "generator.5.bias (64)",
            "generator.7.weight (64, 1, 4, 4)", "generator.7.bias (1)",
            "discriminator.0.weight (64, 1, 4, 4)", "discriminator.0.bias (64)", "discriminator.2.weight (128, 64, 4, 4)", "discriminator.2.bias (128)",
            "discriminator.3.weight (128)", "discriminator.3.bias (128)", "discriminator.6.weight (1, 6272)", "discriminator.6.bias (1)",
            "generator.2.running_mean (128)", "generator.2.running_var (128)", "generator.5.running_mean (64)", "generator.5.running_var (64)",
            "discriminator.3.running_mean (128)", "discriminator.3.running_var (128)",
        }, layout);
    }
}
