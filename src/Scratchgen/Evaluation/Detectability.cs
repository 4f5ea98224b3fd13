using Scratchgen.Autograd;
using Scratchgen.Data;
using Scratchgen.Imaging;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Evaluation;

/// <summary>How detectable a generator's output is: the ROC AUC, on images it never saw, of a
/// <see cref="SyntheticImageDetector"/> trained on the other half of (real, generated) pairs.</summary>
/// <param name="Auc">0.5: indistinguishable from the real images; 1.0: every generated image is caught.</param>
/// <param name="Accuracy">Share of the unseen images classified right at logit 0.</param>
/// <param name="TrainLoss">The detector's mean loss over its last training epoch.</param>
/// <param name="TestCount">Unseen images scored (half real, half generated).</param>
internal sealed record DetectionResult(double Auc, double Accuracy, double TrainLoss, int TestCount);

internal static class Detectability
{
    /// <summary>Draws as many images from <paramref name="model"/> as <paramref name="real"/> holds,
    /// splits both halves into detector-train and detector-test by a seeded shuffle, trains the detector
    /// and scores the unseen half. Deterministic for a given seed on a given backend.</summary>
    public static DetectionResult Measure(GenerativeModel model, Dataset real, ulong seed, int epochs = 5, int batchSize = 64)
    {
        var o = model.Options;
        if (real.Channels != o.Channels || real.Height != o.Height || real.Width != o.Width)
            throw new ArgumentException($"real images are [{real.Channels}, {real.Height}, {real.Width}] but the model makes [{o.Channels}, {o.Height}, {o.Width}]");
        return Measure(real, Generate(model, real.Count, new Rng(seed)), seed, epochs, batchSize, o.Backend);
    }

    /// <summary>The same for given generated images (row-major, one per real image, values in [0, 1]).</summary>
    public static DetectionResult Measure(Dataset real, float[] generated, ulong seed, int epochs = 5, int batchSize = 64, Backends.IBackend? backend = null)
    {
        if (real.Count < 4) throw new ArgumentException($"detection needs at least 4 real images, got {real.Count}");
        int n = real.Count, size = real.ImageSize;
        if (generated.Length != n * size) throw new ArgumentException($"detection needs one generated image per real one: {n * size} values, got {generated.Length}");

        // Real image i and generated image i go to the same side; the side is a seeded shuffle.
        var order = Enumerable.Range(0, n).ToArray();
        var rng = new Rng(seed + 1);
        rng.Shuffle<int>(order);
        int trainPairs = n / 2;
        var (trainX, trainY) = Pairs(real, generated, order.AsSpan(0, trainPairs), size);
        var (testX, testY) = Pairs(real, generated, order.AsSpan(trainPairs), size);

        var detector = new SyntheticImageDetector(real.Channels, real.Height, real.Width, seed + 2, backend);
        double trainLoss = detector.Train(trainX, trainY, epochs, batchSize, new Rng(seed + 3));
        var scores = detector.Score(testX);
        double auc = RocAuc.Compute(scores, testY);
        double accuracy = scores.Zip(testY).Count(p => p.First > 0 == p.Second) / (double)testY.Length;
        return new DetectionResult(auc, accuracy, trainLoss, testY.Length);
    }

    /// <summary>count images from the model in evaluation mode, row-major, scaled to [0, 1].</summary>
    public static float[] Generate(GenerativeModel model, int count, Rng rng, int batchSize = 250)
    {
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            var result = new float[count * model.Options.Pixels];
            for (int start = 0; start < count; start += batchSize)
            {
                int m = Math.Min(batchSize, count - start);
                int[]? labels = model.IsConditional ? Enumerable.Range(start, m).Select(i => i % model.Options.Classes).ToArray() : null;
                var images = model.Decode(model.SampleLatent(m, rng), labels).ToArray();
                if (model.Range == PixelRange.MinusOneToOne)
                    for (int i = 0; i < images.Length; i++) images[i] = Math.Clamp((images[i] + 1f) * 0.5f, 0f, 1f);
                images.CopyTo(result.AsSpan(start * model.Options.Pixels));
            }
            return result;
        }
        finally { model.Train(wasTraining); }
    }

    private static (float[] X, bool[] Generated) Pairs(Dataset real, float[] fakes, ReadOnlySpan<int> indices, int size)
    {
        var x = new float[indices.Length * 2 * size];
        var y = new bool[indices.Length * 2];
        for (int k = 0; k < indices.Length; k++)
        {
            int i = indices[k];
            real.Image(i).CopyTo(x.AsSpan(2 * k * size));
            fakes.AsSpan(i * size, size).CopyTo(x.AsSpan((2 * k + 1) * size));
            y[2 * k + 1] = true;
        }
        return (x, y);
    }
}
