using Scratchgen.Evaluation;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Evaluation;

public sealed class ImportanceWeightedTests
{
    // An untrained small VAE and 16 "images" in [0, 1]: the bound's properties hold for any weights.
    private static (Vae Vae, Tensor Images) Setup()
    {
        var vae = new Vae(new ModelOptions(1, 6, 6, LatentDim: 3, Seed: 2));
        vae.Eval();
        var rng = new Rng(8);
        var x = new float[16 * 36];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() < 0.3 ? 1f : (float)rng.NextDouble() * 0.2f;
        return (vae, Tensor.FromArray(x, [16, 1, 6, 6]));
    }

    [Fact]
    public void Bound_WithOneSample_IsTheSingleSampleElbo_WithTheSameNoise()
    {
        // k = 1: L_1 = log p(x|z) + log N(z; 0, I) - log N(z; mu, sigma^2) with z = mu + sigma eps.
        // log p(x|z) comes from the model's own NegativeElbo with the same Rng (its reconstruction term),
        // and the two Gaussian log-densities are written out here in full, log(2 pi) terms included.
        var (vae, images) = Setup();
        var bound = ImportanceWeighted.LogLikelihoodBounds(vae, images, null, 1, new Rng(21)).Average();

        var (_, reconstruction, _) = vae.NegativeElbo(images, null, new Rng(21));
        var (muT, logVarT) = vae.Posterior(images, null);
        var eps = Tensor.RandN(muT.Dims, new Rng(21)).ToArray(); // the draw NegativeElbo made
        var mu = muT.ToArray();
        var logVar = logVarT.ToArray();
        double logRatio = 0;
        for (int t = 0; t < mu.Length; t++)
        {
            double sigma = Math.Exp(logVar[t] / 2), z = mu[t] + sigma * eps[t];
            double logPrior = -0.5 * Math.Log(2 * Math.PI) - 0.5 * z * z;
            double logPosterior = -0.5 * Math.Log(2 * Math.PI) - Math.Log(sigma) - 0.5 * Math.Pow((z - mu[t]) / sigma, 2);
            logRatio += logPrior - logPosterior;
        }
        double expected = -reconstruction.Item() + logRatio / 16;
        Assert.True(Math.Abs(bound - expected) < 1e-3 * Math.Abs(expected), $"L_1 = {bound}, single-sample ELBO = {expected}");
    }

    [Fact]
    public void Bound_WithOneSample_AveragesToTheElbo()
    {
        // E[log p(z) - log q(z|x)] = -KL(q || p): over many noise draws the mean of L_1 (Monte-Carlo KL)
        // meets the mean of the model's -NegativeElbo (analytic KL), each with its own independent noise.
        var (vae, images) = Setup();
        var rng = new Rng(3);
        const int draws = 300;
        double meanBound = 0, meanElbo = 0;
        for (int r = 0; r < draws; r++)
        {
            meanBound += ImportanceWeighted.LogLikelihoodBounds(vae, images, null, 1, rng).Average() / draws;
            meanElbo -= vae.NegativeElbo(images, null, rng).Loss.Item() / draws;
        }
        Assert.True(Math.Abs(meanBound - meanElbo) < 0.01 * Math.Abs(meanElbo), $"mean L_1 = {meanBound}, mean ELBO = {meanElbo}");
    }

    [Fact]
    public void Bound_WithMoreSamples_IsAboveTheElbo()
    {
        var (vae, images) = Setup();
        var rng = new Rng(4);
        double l1 = 0, l50 = 0;
        for (int r = 0; r < 5; r++)
        {
            l1 += ImportanceWeighted.LogLikelihoodBounds(vae, images, null, 1, rng).Average() / 5;
            l50 += ImportanceWeighted.LogLikelihoodBounds(vae, images, null, 50, rng).Average() / 5;
        }
        double elbo = -vae.NegativeElbo(images, null, new Rng(0)).Loss.Item();
        Assert.True(l50 > l1, $"L_50 = {l50} must exceed L_1 = {l1}");
        Assert.True(l50 > elbo, $"L_50 = {l50} must exceed the ELBO {elbo}");
        Assert.Throws<ArgumentOutOfRangeException>(() => ImportanceWeighted.LogLikelihoodBounds(vae, images, null, 0, rng));
    }
}
