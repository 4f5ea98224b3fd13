using Scratchgen.Models;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Models;

/// <summary>GanBase's step freezes D's parameters during G's update (Module.ParametersFrozen), which
/// skips D's weight gradients; the update itself must be exactly the textbook step's.</summary>
public sealed class GanStepTests
{
    private static (Tensor Images, int[] Labels) Batch(int n)
    {
        var rng = new Rng(3);
        var images = Tensor.Rand([n, 1, 28, 28], rng, low: -1, high: 1);
        return (images, Enumerable.Range(0, n).Select(i => i % 10).ToArray());
    }

    // The non-saturating step as written before the freeze: D's weight gradients computed in G's
    // update too, then never used.
    private static void TextbookStep(GanBase m, Tensor images, int[] labels)
    {
        int n = images.Dims[0];
        var ones = Tensor.Ones([n, 1]);
        var fake = m.Decode(m.SampleLatent(n, m.Rng), labels);
        Tensor realLogits, fakeLogits;
        if (m.Discriminator.MixesSamples)
            (realLogits, fakeLogits) = (m.Critic(images, labels), m.Critic(fake.Detach(), labels));
        else
        {
            // A D that mixes no samples sees real and fake as one batch (its own test below).
            (realLogits, fakeLogits) = m.CriticOfBoth(images, fake.Detach(), labels);
        }
        var lossD = Loss.BceWithLogits(realLogits, ones).Add(Loss.BceWithLogits(fakeLogits, Tensor.Zeros([n, 1])));
        m.DiscriminatorOptimizer.ZeroGrad();
        lossD.Backward();
        m.DiscriminatorOptimizer.Step();
        var lossG = Loss.BceWithLogits(m.Critic(fake, labels), ones);
        m.GeneratorOptimizer.ZeroGrad();
        m.DiscriminatorOptimizer.ZeroGrad();
        lossG.Backward();
        m.GeneratorOptimizer.Step();
    }

    [Theory, InlineData("gan"), InlineData("dcgan")]
    public void FrozenDiscriminatorStep_IsBitIdenticalToTheTextbookStep_AndComputesNoDGradients(string kind)
    {
        var options = new ModelOptions(LatentDim: 8, Seed: 7, Recipe: Recipe.PlainName);
        var ours = (GanBase)ModelFactory.Create(kind, options);
        var textbook = (GanBase)ModelFactory.Create(kind, options);
        var (images, labels) = Batch(6);
        for (int step = 0; step < 3; step++)
        {
            ours.TrainStep(images, labels);
            TextbookStep(textbook, images, labels);
        }
        StateAssert.BitIdentical(textbook.StateDict(), ours.StateDict(), $"{kind} against the textbook step");
        Assert.All(textbook.Discriminator.Parameters(), p => Assert.NotNull(p.Grad));    // computed in G's update
        Assert.All(ours.Discriminator.Parameters(), p => Assert.Null(p.Grad));           // skipped
        Assert.All(ours.Discriminator.Parameters(), p => Assert.True(p.RequiresGrad));  // and unfrozen again
    }

    [Fact]
    public void ParametersFrozen_RestoresOnlyWhatItFroze()
    {
        var model = (GanBase)ModelFactory.Create("gan", new ModelOptions(LatentDim: 8, Seed: 1));
        var parameters = model.Discriminator.Parameters();
        parameters[0].RequiresGrad = false; // frozen by the user (fine-tuning)
        using (model.Discriminator.ParametersFrozen())
            Assert.All(parameters, p => Assert.False(p.RequiresGrad));
        Assert.False(parameters[0].RequiresGrad);
        Assert.All(parameters.Skip(1), p => Assert.True(p.RequiresGrad));
    }

    // D over real and fake as one batch of 2N (when no layer of D mixes samples) against two passes: the
    // same logits bit for bit (each row of a GEMM sums in the same order whatever the row count), and D's
    // gradients equal up to the order of the float sums over the batch. The DCGAN's D has batch norm and
    // must take two passes.
    [Theory, InlineData("gan"), InlineData("cgan")]
    public void JoinedDiscriminatorPass_GivesTheTwoPassesLogitsAndGradients(string kind)
    {
        var m = (GanBase)ModelFactory.Create(kind, new ModelOptions(LatentDim: 8, Seed: 5, Recipe: Recipe.PlainName));
        Assert.False(m.Discriminator.MixesSamples);
        Assert.True(((GanBase)ModelFactory.Create("dcgan", new ModelOptions(LatentDim: 8))).Discriminator.MixesSamples);
        var (images, labels) = Batch(6);
        var fake = m.Decode(m.SampleLatent(6, new Rng(2)), labels).Detach();
        var ones = Tensor.Ones([6, 1]);
        var zeros = Tensor.Zeros([6, 1]);

        float[][] Gradients(Func<(Tensor Real, Tensor Fake)> logits, out float[] real, out float[] fakeOut)
        {
            var (r, f) = logits();
            (real, fakeOut) = (r.ToArray(), f.ToArray());
            m.DiscriminatorOptimizer.ZeroGrad();
            Loss.BceWithLogits(r, ones).Add(Loss.BceWithLogits(f, zeros)).Backward();
            return m.Discriminator.Parameters().Select(p => p.Grad!.ToArray()).ToArray();
        }
        var joined = Gradients(() => m.CriticOfBoth(images, fake, labels), out var realJoined, out var fakeJoined);
        var separate = Gradients(() => (m.Critic(images, labels), m.Critic(fake, labels)), out var realSeparate, out var fakeSeparate);
        Assert.Equal(realSeparate, realJoined);
        Assert.Equal(fakeSeparate, fakeJoined);
        for (int i = 0; i < joined.Length; i++)
            for (int j = 0; j < joined[i].Length; j++)
                Assert.True(Math.Abs(joined[i][j] - separate[i][j]) <= 1e-6 + 1e-5 * Math.Abs(separate[i][j]),
                    $"{kind}: D parameter {i} element {j}: {joined[i][j]} joined, {separate[i][j]} in two passes");
    }
}
