using Scratchgen.Applications;
using Scratchgen.Autograd;
using Scratchgen.Data;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Applications;

public sealed class LatentTraversalTests
{
    [Fact]
    public void WithAVeryLargeBeta_EveryDimensionCollapses_AndTheDecoderDrawsTheMeanImage()
    {
        // The KL term at weight 1000 outweighs any reconstruction gain, so q(z|x) becomes the prior for
        // every x: the code carries nothing, and the best the decoder can do under the Bernoulli likelihood
        // is the per-pixel mean of the training images, whatever z it is given. Adam on batches of 64
        // keeps chasing each batch's own mean (a pixel's batch mean varies by up to sqrt(1/4/64) = 0.06),
        // so the match is tested on average over the pixels, with a loose bound on the worst one.
        var data = Embedded.Mnist10k().Slice(0, 600);
        var (train, test) = data.Split(512);
        var vae = new Vae(new ModelOptions(LatentDim: 4, LearningRate: 3e-3, Seed: 3, Recipe: "beta=1000"));
        var batches = new BatchIterator(train, 64, new Rng(4));
        for (int step = 0; step < 300; step++)
        {
            var batch = batches.Next();
            vae.TrainStep(batch.Images, batch.Labels);
        }
        var summary = LatentTraversal.Summarise(vae, test);
        Assert.Equal(1000, summary.Beta);
        Assert.All(summary.Kl, kl => Assert.True(kl < LatentTraversal.ActiveThreshold, $"KL per dimension {string.Join(", ", summary.Kl)}"));
        Assert.Equal(0, summary.Active);

        var mean = new double[784];
        for (int i = 0; i < train.Count; i++)
            for (int p = 0; p < 784; p++) mean[p] += train.Image(i)[p] / (double)train.Count;
        float[] decoded;
        using (GradMode.NoGrad()) decoded = vae.Decode(vae.SampleLatent(8, new Rng(5))).ToArray();
        double worst = 0, total = 0, digitsFromMean = 0;
        for (int i = 0; i < decoded.Length; i++)
        {
            double d = Math.Abs(decoded[i] - mean[i % 784]);
            (worst, total) = (Math.Max(worst, d), total + d);
            digitsFromMean += Math.Abs(test.Image(i / 784)[i % 784] - mean[i % 784]);
        }
        Assert.True(total / decoded.Length < 0.02, $"the decoder's output is {total / decoded.Length:F4} from the mean image per pixel on average " +
            $"(held-out digits: {digitsFromMean / decoded.Length:F4})");
        Assert.True(worst < 0.2, $"the decoder's output is {worst:F4} from the mean image at its worst pixel");
    }

    [Fact]
    public void WithBeta1_TheSameTrainingKeepsDimensionsActive()
    {
        // The control for the test above: the ELBO itself (beta 1) leaves information in the code.
        var data = Embedded.Mnist10k().Slice(0, 600);
        var (train, test) = data.Split(512);
        var vae = new Vae(new ModelOptions(LatentDim: 4, LearningRate: 3e-3, Seed: 3, Recipe: "beta=1"));
        var batches = new BatchIterator(train, 64, new Rng(4));
        for (int step = 0; step < 150; step++)
        {
            var batch = batches.Next();
            vae.TrainStep(batch.Images, batch.Labels);
        }
        var summary = LatentTraversal.Summarise(vae, test);
        Assert.True(summary.Active >= 2, $"KL per dimension {string.Join(", ", summary.Kl)}");
        Assert.Equal(summary.KlTotal, summary.Kl.Sum(), 3); // the dimensions' KL adds up to the model's
        Assert.True(summary.Kl[summary.Order[0]] >= summary.Kl[summary.Order[^1]]);
    }

    [Fact]
    public void Codes_VaryOneDimensionPerRow_FromMinus3To3()
    {
        // Two digits with 2-d means (1, 2) and (3, 4); rows in the order dimension 1, then 0; 3 steps.
        var codes = LatentTraversal.Codes([1f, 2f, 3f, 4f], digits: 2, dims: 2, order: [1, 0], steps: 3);
        float[] expected =
        [
            1, -3, 1, 0, 1, 3, /* row 0 (dimension 1), digit 0 */ 3, -3, 3, 0, 3, 3, /* digit 1 */
            -3, 2, 0, 2, 3, 2, /* row 1 (dimension 0), digit 0 */ -3, 4, 0, 4, 3, 4, /* digit 1 */
        ];
        Assert.Equal(expected, codes);
    }

    [Fact]
    public void DistinctDigits_TakesTheFirstOfEachClass()
    {
        var test = Embedded.Mnist10k().Slice(9000, 100);
        var digits = LatentTraversal.DistinctDigits(test, 3);
        Assert.Equal(3, digits.Labels.ToArray().Distinct().Count());
        Assert.Equal(test.Labels[0], digits.Labels[0]);
        Assert.Equal(test.Image(0).ToArray(), digits.Image(0).ToArray());
    }
}
