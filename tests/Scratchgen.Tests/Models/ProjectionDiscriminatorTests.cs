using Scratchgen.Models;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Models;

/// <summary>D(x, y) = w^T phi(x) + b + e_y^T phi(x), worked out by hand on a 2-feature example.</summary>
public sealed class ProjectionDiscriminatorTests
{
    [Fact]
    public void Forward_AddsTheLabelsEmbeddingProjectedOnTheFeatures()
    {
        var head = new Linear(2, 1, new Rng(1));
        head.Weight.Backend.Copy(Tensor.FromArray([0.5f, -1f], [1, 2]), head.Weight);
        head.Weight.Backend.Copy(Tensor.FromArray([0.25f], [1]), head.Bias!);
        var embedding = new Embedding(3, 2, new Rng(2));
        embedding.Weight.Backend.Copy(Tensor.FromArray([1f, 0f, 0f, 2f, -1f, -1f], [3, 2]), embedding.Weight);
        var d = new ProjectionDiscriminator(new Flatten(), head, embedding);

        var x = Tensor.FromArray([3f, 4f, 1f, -2f], [2, 1, 1, 2]); // phi = (3, 4) and (1, -2)
        var logits = d.Forward(x, [1, 2]).ToArray();
        // (3, 4): 0.5*3 - 4 + 0.25 = -2.25, plus e_1 . phi = 0*3 + 2*4 = 8  -> 5.75
        // (1, -2): 0.5 + 2 + 0.25 = 2.75, plus e_2 . phi = -1 + 2 = 1        -> 3.75
        Assert.Equal([5.75f, 3.75f], logits);
        Assert.Throws<InvalidOperationException>(() => d.Forward(x));
    }

    [Fact]
    public void Cgan_WithProjection_GivesDifferentLogitsForDifferentLabelsOfOneImage()
    {
        var m = (GanBase)ModelFactory.Create("cgan", new ModelOptions(LatentDim: 4, Seed: 3));
        Assert.IsType<ProjectionDiscriminator>(m.Discriminator);
        m.Eval();
        var image = Tensor.Rand([1, 1, 28, 28], new Rng(4), low: -1, high: 1);
        var images = image.Expand([10, 1, 28, 28]).Contiguous();
        using var _ = Scratchgen.Autograd.GradMode.NoGrad();
        var logits = m.Critic(images, [.. Enumerable.Range(0, 10)]).ToArray();
        Assert.Equal(10, logits.Distinct().Count());
    }
}
