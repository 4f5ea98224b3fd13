using Scratchgen.Autograd;
using Scratchgen.Data;
using Scratchgen.Evaluation;
using Scratchgen.Imaging;
using Scratchgen.Models;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Applications;

/// <summary>
/// Anomaly detection with a generative model trained only on "normal" data: an image the model
/// explains badly is anomalous. Score per image x (pixels x_p in [0, 1], decoder logits l_p):
///   AE:  reconstruction error  BCE(x) = sum_p softplus(l_p) - x_p l_p,   l = decoder(encoder(x))
///   VAE: -ELBO(x) = E_q[BCE(x | z)] + KL(q(z|x) || N(0, I)),  z = mu + exp(logvar / 2) eps,
///        the expectation averaged over <see cref="ElboSamples"/> draws of eps;
///        KL = 1/2 sum_j (mu_j^2 + exp(logvar_j) - 1 - logvar_j)
/// both in nats per image, computed on the host in float64 from the network's outputs.
/// </summary>
internal static class AnomalyDetection
{
    public const int ElboSamples = 4;

    /// <summary>The images of <paramref name="data"/> at <paramref name="indices"/>, in that order, as a new dataset.</summary>
    public static Dataset Pick(Dataset data, IReadOnlyList<int> indices, string name)
    {
        var images = new float[indices.Count * data.ImageSize];
        var labels = new int[indices.Count];
        for (int k = 0; k < indices.Count; k++)
        {
            data.Image(indices[k]).CopyTo(images.AsSpan(k * data.ImageSize));
            labels[k] = data.Labels[indices[k]];
        }
        return new Dataset(name, images, data.ImageShape, labels, data.ClassCount) { ClassNames = data.ClassNames };
    }

    /// <summary>Indices of the images whose label passes the predicate.</summary>
    public static int[] IndicesWhere(Dataset data, Func<int, bool> keepLabel)
    {
        var result = new List<int>();
        for (int i = 0; i < data.Count; i++) if (keepLabel(data.Labels[i])) result.Add(i);
        return [.. result];
    }

    /// <summary>One anomaly score per image (higher = more anomalous), in evaluation mode.</summary>
    public static double[] Scores(GenerativeModel model, Dataset data, ulong seed = 0, int batchSize = 250)
    {
        if (model is not (Autoencoder or Vae) || model.IsConditional)
            throw new ArgumentException($"anomaly scores need an ae, dae or vae model, got {model.Kind}");
        bool wasTraining = model.Training;
        model.Eval();
        var rng = new Rng(seed);
        var scores = new double[data.Count];
        try
        {
            using var _ = GradMode.NoGrad();
            var it = new BatchIterator(data, Math.Min(batchSize, data.Count), new Rng(0), model.Options.Backend, shuffle: false);
            int offset = 0;
            foreach (var batch in it.EpochBatches())
            {
                var x = batch.Images.ToArray();
                var s = model is Vae vae ? NegativeElbo(vae, batch.Images, x, rng) : ReconstructionError(batch.Size, x, AeLogits((Autoencoder)model, batch.Images));
                s.CopyTo(scores, offset);
                offset += batch.Size;
            }
            return scores;
        }
        finally { model.Train(wasTraining); }
    }

    /// <summary>ROC AUC of the scores with the held-out label as the positive class.</summary>
    public static double Auc(double[] scores, Dataset data, int heldOutLabel) =>
        RocAuc.Compute(scores, Enumerable.Range(0, data.Count).Select(i => data.Labels[i] == heldOutLabel).ToArray());

    private static float[] AeLogits(Autoencoder ae, Tensor images) => ae.Decoder.Forward(ae.Encode(images)).ToArray();

    // Per image: sum over its pixels of softplus(l) - x l (BCE with logits, in the stable form).
    private static double[] ReconstructionError(int images, float[] x, float[] logits)
    {
        if (x.Length != logits.Length) throw new InvalidOperationException($"the decoder gave {logits.Length} values for {x.Length} pixels");
        int pixels = x.Length / images;
        var result = new double[images];
        for (int i = 0; i < images; i++)
        {
            double sum = 0;
            for (int p = i * pixels; p < (i + 1) * pixels; p++)
            {
                double l = logits[p];
                sum += Math.Max(l, 0) + Math.Log(1 + Math.Exp(-Math.Abs(l))) - x[p] * l;
            }
            result[i] = sum;
        }
        return result;
    }

    private static double[] NegativeElbo(Vae vae, Tensor images, float[] x, Rng rng)
    {
        int n = images.Dims[0];
        var (muT, logVarT) = vae.Posterior(images, null);
        var mu = muT.ToArray();
        var logVar = logVarT.ToArray();
        int latent = mu.Length / n;
        var result = new double[n];
        for (int i = 0; i < n; i++)
            for (int j = i * latent; j < (i + 1) * latent; j++)
                result[i] += 0.5 * (mu[j] * (double)mu[j] + Math.Exp(logVar[j]) - 1 - logVar[j]);
        for (int k = 0; k < ElboSamples; k++)
        {
            var eps = Tensor.RandN(muT.Dims, rng, backend: muT.Backend);
            var z = muT.Add(logVarT.Mul(0.5).Exp().Mul(eps));
            var reconstruction = ReconstructionError(n, x, vae.Decoder.Forward(z).ToArray());
            for (int i = 0; i < n; i++) result[i] += reconstruction[i] / ElboSamples;
        }
        return result;
    }
}
