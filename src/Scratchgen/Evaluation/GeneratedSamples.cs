using Scratchgen.Autograd;
using Scratchgen.Imaging;
using Scratchgen.Models;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Evaluation;

/// <summary>Images drawn from a generator's prior, on the host in [0, 1] (row-major [N, C, H, W]),
/// with the label each was requested for when the model is conditional (label i mod C, so every
/// class is asked for equally often).</summary>
/// <param name="Images">The pixels, [N, C, H, W] row-major, in [0, 1].</param>
/// <param name="Count">N, the number of images.</param>
/// <param name="Requested">The label each image was drawn for; null for an unconditional model.</param>
public sealed record GeneratedSamples(float[] Images, int Count, int[]? Requested)
{
    /// <summary>Decodes <paramref name="count"/> latent codes drawn from <paramref name="rng"/> in batches,
    /// in evaluation mode and without recording gradients. <paramref name="labels"/> overrides the requested labels.</summary>
    public static GeneratedSamples Draw(GenerativeModel model, int count, Rng rng, int batchSize = 250, int[]? labels = null)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "draw at least one sample");
        return Decode(model, codes: (start, n) => model.SampleLatent(n, rng), count, batchSize, labels);
    }

    /// <summary>Decodes given latent codes z (N, L) (as <see cref="Draw"/> does drawn ones): the same code with
    /// different labels shows what the label alone changes.</summary>
    public static GeneratedSamples Decode(GenerativeModel model, Tensor z, int[]? labels = null, int batchSize = 250)
    {
        if (z.Rank != 2 || z.Dims[1] != model.Options.LatentDim)
            throw new ArgumentException($"latent codes must be (N, {model.Options.LatentDim}), got {Shapes.Format(z.Dims)}");
        return Decode(model, codes: (start, n) => z.Slice(0, start, start + n), z.Dims[0], batchSize, labels);
    }

    private static GeneratedSamples Decode(GenerativeModel model, Func<int, int, Tensor> codes, int count, int batchSize, int[]? labels)
    {
        if (labels != null && labels.Length != count) throw new ArgumentException($"{labels.Length} labels for {count} samples");
        int[]? requested = model.IsConditional ? labels ?? Enumerable.Range(0, count).Select(i => i % model.Options.Classes).ToArray() : null;
        int size = model.Options.Pixels;
        var images = new float[count * size];
        bool wasTraining = model.Training;
        model.Eval();
        using var noGrad = GradMode.NoGrad();
        try
        {
            for (int start = 0; start < count; start += batchSize)
            {
                int b = Math.Min(batchSize, count - start);
                var batch = model.Decode(codes(start, b), requested?[start..(start + b)]).ToArray();
                if (model.Range == PixelRange.MinusOneToOne)
                    for (int i = 0; i < batch.Length; i++) batch[i] = (batch[i] + 1f) * 0.5f;
                batch.CopyTo(images.AsSpan(start * size));
            }
        }
        finally { model.Train(wasTraining); }
        return new GeneratedSamples(images, count, requested);
    }
}
