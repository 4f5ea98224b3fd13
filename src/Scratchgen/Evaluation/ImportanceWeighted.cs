using Scratchgen.Autograd;
using Scratchgen.Data;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Evaluation;

/// <summary>
/// The importance-weighted bound on a VAE's log-likelihood (Burda, Grosse and Salakhutdinov, 2016):
///   log p(x) >= L_k = E[ log (1/k) sum_j w_j ],   w_j = p(x | z_j) p(z_j) / q(z_j | x),   z_j ~ q(z | x) iid
///   log p(x | z)           = -sum_d [ max(l_d, 0) - l_d x_d + log(1 + exp(-|l_d|)) ]    (Bernoulli, logits l = decoder(z))
///   log p(z) - log q(z | x) = sum_i [ -z_i^2 / 2 + eps_i^2 / 2 + logvar_i / 2 ]         (z = mu + exp(logvar / 2) eps;
///                                                                                     the -log(2 pi) / 2 terms cancel)
///   L_k = logsumexp_j(log w_j) - log k    (the largest log w_j is subtracted before exp, in double)
/// k = 1 is the one-sample ELBO with a Monte-Carlo KL (its mean is the ELBO the model trains on);
/// L_k rises towards log p(x) as k grows, so -L_k is an upper bound on the negative log-likelihood,
/// in nats per image under the model's own Bernoulli decoder (the likelihood its ELBO uses).
/// The noise comes from the Rng in the same order as <see cref="Vae.NegativeElbo"/>: eps_1 is the
/// draw NegativeElbo would make with the same Rng.
/// </summary>
internal static class ImportanceWeighted
{
    /// <summary>L_k for each image of a batch (N, C, H, W) in [0, 1]; labels for a cvae.</summary>
    public static double[] LogLikelihoodBounds(Vae vae, Tensor images, int[]? labels, int k, Rng rng)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "the importance-weighted bound needs k >= 1 samples");
        using var noGrad = GradMode.NoGrad();
        int n = images.Dims[0];
        var x = images.ToArray();
        int pixels = x.Length / n;
        var (muT, logVarT) = vae.Posterior(images, labels);
        var mu = muT.ToArray();
        var logVar = logVarT.ToArray();
        int latent = mu.Length / n;
        var logW = new double[k * n];
        for (int j = 0; j < k; j++)
        {
            var epsT = Tensor.RandN(muT.Dims, rng, backend: muT.Backend);
            var eps = epsT.ToArray();
            var z = new float[mu.Length];
            for (int t = 0; t < z.Length; t++) z[t] = mu[t] + MathF.Exp(logVar[t] * 0.5f) * eps[t];
            var logits = vae.DecoderLogits(Tensor.FromArray(z, muT.Dims.ToArray(), muT.Backend), labels).ToArray();
            for (int i = 0; i < n; i++)
            {
                double logPxz = 0;
                for (int d = i * pixels; d < (i + 1) * pixels; d++)
                {
                    double l = logits[d];
                    logPxz -= Math.Max(l, 0) - l * x[d] + Math.Log(1 + Math.Exp(-Math.Abs(l)));
                }
                double logRatio = 0;
                for (int t = i * latent; t < (i + 1) * latent; t++)
                    logRatio += -0.5 * z[t] * (double)z[t] + 0.5 * eps[t] * (double)eps[t] + 0.5 * logVar[t];
                logW[j * n + i] = logPxz + logRatio;
            }
        }
        var bounds = new double[n];
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < k; j++) max = Math.Max(max, logW[j * n + i]);
            double sum = 0;
            for (int j = 0; j < k; j++) sum += Math.Exp(logW[j * n + i] - max);
            bounds[i] = max + Math.Log(sum) - Math.Log(k);
        }
        return bounds;
    }

    /// <summary>The mean of L_k over a data set, in batches (images in [0, 1]; its labels go to a cvae).</summary>
    public static double MeanBound(Vae vae, Dataset data, int k, Rng rng, int batchSize = 250)
    {
        bool wasTraining = vae.Training;
        vae.Eval();
        try
        {
            var it = new BatchIterator(data, Math.Min(batchSize, data.Count), new Rng(0), vae.Options.Backend, shuffle: false);
            double sum = 0;
            foreach (var batch in it.EpochBatches())
                sum += LogLikelihoodBounds(vae, batch.Images, vae.IsConditional ? batch.Labels : null, k, rng).Sum();
            return sum / data.Count;
        }
        finally { vae.Train(wasTraining); }
    }
}
