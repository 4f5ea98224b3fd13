using System.Globalization;
using Scratchgen.Autograd;
using Scratchgen.Data;
using Scratchgen.Evaluation;
using Scratchgen.Imaging;
using Scratchgen.Models;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Training;

namespace Scratchgen.Applications;

/// <summary>What a VAE's code holds, dimension by dimension, on held-out images.</summary>
/// <param name="Beta">The KL weight the model was trained with (its recipe's beta).</param>
/// <param name="Kl">Each dimension's KL(q(z_j|x) || N(0, 1)) in nats, averaged over the images.</param>
/// <param name="Order">The dimensions by falling KL: the most used first.</param>
/// <param name="Active">Dimensions with KL above <see cref="LatentTraversal.ActiveThreshold"/>.</param>
/// <param name="ClassInformation">I(mu_j; class) per dimension and the gap between the best two (MIG).</param>
/// <param name="NegElbo">Held-out -ELBO per image in nats (the same as eval's test.neg_elbo), with its two parts.</param>
internal sealed record LatentSummary(double Beta, double[] Kl, int[] Order, int Active, InformationGap ClassInformation,
    double NegElbo, double Reconstruction, double KlTotal, int Images);

/// <summary>
/// Latent traversals of a VAE (Higgins et al.'s beta-VAE figures): for a few held-out digits, start from the
/// posterior mean mu(x) and set one dimension j at a time to values from -3 to 3 (the prior N(0, 1)'s
/// standard deviations: the scale the decoder was trained to read), the others fixed; one row per
/// dimension, the dimensions ordered by their KL, so the ones the model uses come first and the collapsed
/// ones (KL ~ 0: the decoder ignores them, every picture in the row is the same) last.
/// <para>A dimension is active when its mean KL exceeds 0.01 nats (the usual threshold: below it q(z_j|x)
/// is the prior for every x, so z_j carries nothing about the image).</para>
/// </summary>
internal static class LatentTraversal
{
    /// <summary>KL in nats above which a dimension counts as active.</summary>
    public const double ActiveThreshold = 0.01;

    /// <summary>The prior standard deviations the traversal spans on either side of 0.</summary>
    public const double Span = 3;

    /// <summary>Each dimension's KL, the class information of the posterior means and the -ELBO on <paramref name="test"/>.</summary>
    public static LatentSummary Summarise(Vae vae, Dataset test, int batchSize = 250)
    {
        Check(vae);
        int l = vae.Options.LatentDim;
        var kl = new double[l];
        var means = new float[test.Count * l];
        Batched(vae, test, batchSize, (start, images) =>
        {
            var (mu, logVar) = vae.Posterior(images, null);
            var muValues = mu.ToArray();
            var logVarValues = logVar.ToArray();
            int b = images.Dims[0];
            muValues.CopyTo(means, start * l);
            for (int j = 0; j < l; j++) kl[j] += DimensionKl(muValues, logVarValues, j, l, b, vae) * b;
        });
        for (int j = 0; j < l; j++) kl[j] /= test.Count;
        var order = Enumerable.Range(0, l).OrderByDescending(j => kl[j]).ThenBy(j => j).ToArray();
        var gap = MutualInformationGap.Measure(means, l, test.Labels, test.ClassCount);
        var heldOut = HeldOut.Evaluate(vae, test, batchSize);
        return new LatentSummary(vae.Recipe.Number("beta", 1), kl, order, kl.Count(k => k > ActiveThreshold), gap,
            heldOut["neg_elbo"], heldOut["reconstruction"], heldOut["kl"], test.Count);
    }

    // Loss.GaussianKl of one dimension's column (N x 1): its KL per image, averaged over the batch.
    private static double DimensionKl(float[] mu, float[] logVar, int j, int dims, int count, Vae vae)
    {
        var muColumn = new float[count];
        var logVarColumn = new float[count];
        for (int i = 0; i < count; i++) (muColumn[i], logVarColumn[i]) = (mu[i * dims + j], logVar[i * dims + j]);
        var backend = vae.Options.Backend;
        return Loss.GaussianKl(Tensor.FromArray(muColumn, [count, 1], backend), Tensor.FromArray(logVarColumn, [count, 1], backend)).Item();
    }

    /// <summary>The codes of the traversal grid, [rows x digits x steps, L]: row r varies dimension
    /// order[r] of each digit's mu from -<see cref="Span"/> to +<see cref="Span"/> in <paramref name="steps"/> even steps.</summary>
    public static float[] Codes(float[] means, int digits, int dims, IReadOnlyList<int> order, int steps)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "a traversal needs at least 2 steps");
        if (means.Length != digits * dims) throw new ArgumentException($"expected {digits} codes of {dims} values, got {means.Length} values");
        var codes = new float[order.Count * digits * steps * dims];
        int at = 0;
        foreach (int j in order)
            for (int i = 0; i < digits; i++)
                for (int s = 0; s < steps; s++, at += dims)
                {
                    means.AsSpan(i * dims, dims).CopyTo(codes.AsSpan(at, dims));
                    codes[at + j] = (float)(-Span + 2 * Span * s / (steps - 1));
                }
        return codes;
    }

    /// <summary>The traversal picture: for each row (dimension, by falling KL) the label "Z7 KL 2.31", then per
    /// digit its original and the decoded steps; inactive rows' labels in gray below a line. A title above.</summary>
    public static Raster Picture(Vae vae, Dataset digits, LatentSummary summary, int steps, int scale = 2)
    {
        Check(vae);
        int l = vae.Options.LatentDim, k = digits.Count, c = digits.Channels, h = digits.Height, w = digits.Width, size = c * h * w;
        var means = new float[k * l];
        Batched(vae, digits, k, (start, images) => vae.Posterior(images, null).Mu.ToArray().CopyTo(means, start * l));
        var codes = Codes(means, k, l, summary.Order, steps);
        var decoded = Evaluating(vae, () => vae.Decode(Tensor.FromArray(codes, [codes.Length / l, l], vae.Options.Backend)).ToArray());

        const int pad = 2, gap = 8;
        var ci = CultureInfo.InvariantCulture;
        string Label(int j) => string.Format(ci, "Z{0} KL {1:F3}", j, summary.Kl[j]);
        int labelWidth = summary.Order.Max(j => BitmapFont.Measure(Label(j))) + 2 * pad;
        int blockWidth = (steps + 1) * (w + pad) + gap;
        string title = string.Format(ci, "BETA {0}: Z SET FROM -3 TO 3, ONE DIMENSION A ROW, ROWS BY KL. {1} OF {2} ACTIVE (KL ABOVE {3})",
            summary.Beta, summary.Active, l, ActiveThreshold);
        int top = 2 * (BitmapFont.GlyphHeight + 2 * pad);
        int width = Math.Max(labelWidth + k * blockWidth, BitmapFont.Measure(title) + 2 * pad);
        var raster = new Raster(width, top + l * (h + pad) + pad + 2, Rgb.White);
        BitmapFont.Draw(raster, title, pad, pad, Rgb.Black);
        for (int i = 0; i < k; i++)
        {
            int x0 = labelWidth + i * blockWidth;
            BitmapFont.Draw(raster, "X", x0 + (w - BitmapFont.GlyphWidth) / 2, top - BitmapFont.GlyphHeight - pad, Rgb.Black);
            for (int s = 0; s < steps; s++)
            {
                string value = (-Span + 2 * Span * s / (steps - 1)).ToString("0.#", ci);
                BitmapFont.Draw(raster, value, x0 + (s + 1) * (w + pad) + (w - BitmapFont.Measure(value)) / 2, top - BitmapFont.GlyphHeight - pad, Rgb.Black);
            }
        }
        for (int r = 0; r < l; r++)
        {
            int j = summary.Order[r], y0 = top + r * (h + pad) + (r >= summary.Active ? 2 : 0);
            if (r == summary.Active && r > 0) raster.Line(0, y0 - 2, width - 1, y0 - 2, Rgb.Gray);
            BitmapFont.Draw(raster, Label(j), pad, y0 + (h - BitmapFont.GlyphHeight) / 2, r < summary.Active ? Rgb.Black : Rgb.Gray);
            for (int i = 0; i < k; i++)
            {
                int x0 = labelWidth + i * blockWidth;
                SampleGrid.Draw(raster, digits.Image(i), c, h, w, PixelRange.ZeroToOne, x0, y0);
                for (int s = 0; s < steps; s++)
                    SampleGrid.Draw(raster, decoded.AsSpan(((r * k + i) * steps + s) * size, size), c, h, w, PixelRange.ZeroToOne, x0 + (s + 1) * (w + pad), y0);
            }
        }
        return raster.Upscale(scale);
    }

    /// <summary>The first image of each class in order of appearance, up to <paramref name="count"/>
    /// (then the next images in order, when there are fewer classes): a few held-out digits that differ.</summary>
    public static Dataset DistinctDigits(Dataset test, int count)
    {
        var picked = new List<int>();
        var seen = new HashSet<int>();
        for (int i = 0; i < test.Count && picked.Count < count; i++)
            if (seen.Add(test.Labels[i])) picked.Add(i);
        for (int i = 0; i < test.Count && picked.Count < count; i++)
            if (!picked.Contains(i)) picked.Add(i);
        var images = new float[picked.Count * test.ImageSize];
        for (int p = 0; p < picked.Count; p++) test.Image(picked[p]).CopyTo(images.AsSpan(p * test.ImageSize));
        return new Dataset(test.Name, images, test.ImageShape, picked.Select(i => test.Labels[i]).ToArray(), test.ClassCount);
    }

    private static void Check(Vae vae)
    {
        if (vae.IsConditional) throw new ArgumentException($"latent traversals take an unconditional vae; this checkpoint holds model {vae.Kind}, whose decoder also needs a label");
    }

    // Runs step(start, images) over the data in batches, in evaluation mode without recording.
    private static void Batched(Vae vae, Dataset data, int batchSize, Action<int, Tensor> step) => Evaluating(vae, () =>
    {
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int b = Math.Min(batchSize, data.Count - start);
            step(start, Tensor.FromArray(data.Images.Slice(start * data.ImageSize, b * data.ImageSize), [b, .. data.ImageShape], vae.Options.Backend));
        }
        return 0;
    });

    private static T Evaluating<T>(Vae vae, Func<T> f)
    {
        bool wasTraining = vae.Training;
        vae.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            return f();
        }
        finally { vae.Train(wasTraining); }
    }
}
