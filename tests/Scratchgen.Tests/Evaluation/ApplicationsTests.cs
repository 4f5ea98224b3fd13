using Scratchgen.Applications;
using Scratchgen.Data;
using Scratchgen.Evaluation;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Evaluation;

public sealed class ApplicationsTests
{
    [Fact]
    public void GaussianNoise_GivesTheExpectedPsnr()
    {
        // Grey 0.5 images with noise sd 0.05: clamping at 0 and 1 is 10 sd away, so MSE ~ 0.0025 and
        // PSNR ~ 10 log10(1 / 0.0025) = 26.02 dB. (Per image of 1,000 pixels the MSE varies by sqrt(2/1000);
        // averaging log-MSE over 100 images leaves about 0.01 dB of noise and bias.)
        var clean = Enumerable.Repeat(0.5f, 100 * 1000).ToArray();
        var noisy = Denoising.AddGaussianNoise(clean, 0.05, new Rng(1));
        double psnr = Psnr.Mean(noisy, clean, 1000);
        Assert.True(Math.Abs(psnr - 26.02) < 0.05, $"PSNR {psnr} dB, expected about 26.02");
        Assert.Equal(clean, Denoising.AddGaussianNoise(clean, 0, new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Denoising.AddGaussianNoise(clean, double.NaN, new Rng(1)));
    }

    [Fact]
    public void Denoising_RunsAnAutoencoder_AndDrawsThreeLabelledRows()
    {
        var test = Embedded.Mnist10k().Slice(9000, 20);
        var result = Denoising.Run(new DenoisingAutoencoder(new ModelOptions(LatentDim: 4)), test, 0.3, new Rng(2), batchSize: 8);
        Assert.Equal(20 * 784, result.Denoised.Length);
        Assert.Equal(Psnr.Mean(result.Noisy, result.Clean, 784), result.PsnrNoisy);
        Assert.InRange(result.PsnrNoisy, 10, 16); // sd 0.3 on digits, clamped: about 13 dB
        var picture = Denoising.Picture(result, columns: 5, scale: 1);
        Assert.True(picture.Height >= 3 * 28, $"three rows of 28-pixel digits need at least 84 pixels, got {picture.Height}");
    }

    [Fact]
    public void Stratified_TakesDisjointEqualSharesOfEachClass()
    {
        var train = Embedded.Mnist10k().Slice(0, 2000);
        var first = Augmentation.Stratified(train, 0, 5);
        var second = Augmentation.Stratified(train, 5, 5);
        Assert.Equal(Enumerable.Repeat(5, 10), first.LabelHistogram());
        Assert.Equal(Enumerable.Repeat(5, 10), second.LabelHistogram());
        for (int i = 0; i < first.Count; i++)
            for (int j = 0; j < second.Count; j++)
                Assert.False(first.Image(i).SequenceEqual(second.Image(j)), $"image {i} of the first subset reappears in the second");
        Assert.Throws<ArgumentException>(() => Augmentation.Stratified(train.Slice(0, 30), 0, 10));
    }

    [Fact]
    public void Augmentation_TrainsBothArms_AndRefusesAnUnconditionalModel()
    {
        var all = Embedded.Mnist10k();
        var (train, test) = (all.Slice(0, 500), all.Slice(9000, 100));
        var options = new AugmentationOptions(LabelsPerClass: 3, GeneratedPerClass: 2, Steps: 5, BatchSize: 16, Repeats: 1);
        var result = Augmentation.Run(new ConditionalVae(new ModelOptions(LatentDim: 4)), train, test, options);
        Assert.Equal(30, result.LabelledCount);
        Assert.Equal(20, result.GeneratedCount);
        Assert.InRange(result.MeanRealOnly, 0, 1);
        Assert.InRange(result.MeanAugmented, 0, 1);
        Assert.InRange(result.MeanShuffledControl, 0, 1);
        Assert.NotEqual(result.MeanRealOnly, result.MeanAugmented); // different training data, different classifier
        var ex = Assert.Throws<ArgumentException>(() => Augmentation.Run(new Vae(new ModelOptions(LatentDim: 4)), train, test, options));
        Assert.Contains("conditional", ex.Message);
    }
}
