using Scratchgen.Autograd;
using Scratchgen.Data;
using Scratchgen.Models;
using Scratchgen.Tensors;
using Scratchgen.Training;

namespace Scratchgen.Evaluation;

/// <summary>What <see cref="ModelEvaluation"/> measures with.</summary>
/// <param name="Samples">Generated images for FID, IS, coverage and balance.</param>
/// <param name="ImportanceSamples">k of the importance-weighted bound (VAE).</param>
/// <param name="Seed">Seeds the latent codes and the importance samples.</param>
/// <param name="PcaTrainLimit">At most this many training images fit the PCA baseline.</param>
internal sealed record EvaluationOptions(int Samples = 1000, int ImportanceSamples = 100, ulong Seed = 1, int BatchSize = 250, int PcaTrainLimit = 9000);

/// <summary>
/// Everything `scratchgen eval` reports for a trained model, by family:
/// <list type="bullet">
/// <item>every model: its held-out losses (test.*);</item>
/// <item>generators (vae, cvae and the GANs): FID of generated samples against the held-out images, with
/// the floor a perfect generator would reach at this sample size (FID of as many training images against
/// the same held-out ones), the Inception-Score analogue beside the real images' own, class coverage and
/// the class balance against the training labels (the bias report), per requested label for cvae/cgan;</item>
/// <item>VAEs: the ELBO and the importance-weighted bound with k samples (<see cref="ImportanceWeighted"/>);</item>
/// <item>autoencoders (ae, dae): the mean squared reconstruction error of the clean held-out images beside
/// PCA with as many components as the latent code (<see cref="Pca"/>, fitted on the training split).</item>
/// </list>
/// </summary>
internal static class ModelEvaluation
{
    /// <summary>A prediction counts as confident from this top-class probability.</summary>
    public const double ConfidenceLevel = 0.9;

    public static EvaluationReport Evaluate(GenerativeModel model, Dataset train, Dataset test, DigitClassifier? classifier,
        EvaluationOptions options, Action<string>? progress = null)
    {
        var report = new EvaluationReport();
        report.Add("model", model.Kind);
        report.Add("test_images", test.Count);
        progress?.Invoke("held-out losses");
        foreach (var (k, v) in HeldOut.Evaluate(model, test, options.BatchSize)) report.Add($"test.{k}", v);

        if (model is Vae vae)
        {
            progress?.Invoke($"importance-weighted bound, k = {options.ImportanceSamples}");
            double neg = (double)report["test.neg_elbo"];
            report.Add("elbo", -neg);
            report.Add("iw_k", options.ImportanceSamples);
            report.Add("iw_nll", -ImportanceWeighted.MeanBound(vae, test, options.ImportanceSamples, new Rng(options.Seed), options.BatchSize));
            report.Add("iw_gain", neg - (double)report["iw_nll"]);
        }
        if (model is Autoencoder ae) AddReconstruction(ae, train, test, options, report, progress);
        else AddSampleQuality(model, train, test, classifier, options, report, progress);
        return report;
    }

    private static void AddReconstruction(Autoencoder ae, Dataset train, Dataset test, EvaluationOptions options, EvaluationReport report, Action<string>? progress)
    {
        progress?.Invoke("reconstruction error and the PCA baseline");
        int size = test.ImageSize;
        var reconstructed = new float[test.Count * size];
        bool wasTraining = ae.Training;
        ae.Eval();
        using (GradMode.NoGrad())
        {
            var it = new BatchIterator(test, Math.Min(options.BatchSize, test.Count), new Rng(0), ae.Options.Backend, shuffle: false);
            int at = 0;
            foreach (var batch in it.EpochBatches())
            {
                ae.Reconstruct(batch.Images).ToArray().CopyTo(reconstructed.AsSpan(at * size));
                at += batch.Size;
            }
        }
        ae.Train(wasTraining);
        int latent = ae.Options.LatentDim;
        var fit = train.Count > options.PcaTrainLimit ? train.Slice(0, options.PcaTrainLimit) : train;
        var pca = Pca.Fit(fit.Images, fit.Count, size, Math.Min(latent, size), new Rng(options.Seed));
        report.Add("recon_mse", Mse(reconstructed, test.Images));
        report.Add("pca_components", pca.ComponentCount);
        report.Add("pca_mse", Mse(pca.Reconstruct(test.Images, test.Count), test.Images));
    }

    private static void AddSampleQuality(GenerativeModel model, Dataset train, Dataset test, DigitClassifier? classifier,
        EvaluationOptions options, EvaluationReport report, Action<string>? progress)
    {
        if (model.Options.Channels == 3) AddColourFigures(model, test, options, report, progress);
        if (classifier == null)
        {
            report.Notes.Add("sample metrics skipped: no evaluation classifier");
            return;
        }
        var o = model.Options;
        if (o.Channels != 1 || o.Height != DigitClassifier.Side || o.Width != DigitClassifier.Side)
        {
            report.Notes.Add($"sample metrics skipped: the evaluation classifier reads 1x{DigitClassifier.Side}x{DigitClassifier.Side} digits, this model draws {o.Channels}x{o.Height}x{o.Width}");
            return;
        }
        if (o.Classes != classifier.Classes || train.ClassCount != classifier.Classes)
            report.Notes.Add($"the evaluation classifier knows {classifier.Classes} digit classes; the data has {train.ClassCount}: the balance compares digit predictions with these labels");

        progress?.Invoke($"drawing {options.Samples} samples");
        var samples = GeneratedSamples.Draw(model, options.Samples, new Rng(options.Seed), options.BatchSize);
        progress?.Invoke("classifying samples and real images");
        var generated = classifier.Predict(samples.Images, samples.Count);
        var real = classifier.Predict(test.Images, test.Count);
        var floorSet = train.Slice(0, Math.Min(options.Samples, train.Count));
        var floor = classifier.Predict(floorSet.Images, floorSet.Count);
        int f = DigitClassifier.FeatureSize;

        report.Add("samples", samples.Count);
        report.Add("classifier_accuracy_real", real.Accuracy(test.Labels));
        report.Add("fid", Fid.Compute(generated.Features, generated.Count, real.Features, real.Count, f));
        report.Add("fid_real_floor", Fid.Compute(floor.Features, floor.Count, real.Features, real.Count, f));
        report.Add("inception_score", InceptionScore.Compute(generated.Probabilities, generated.Count, generated.Classes));
        report.Add("inception_score_real", InceptionScore.Compute(real.Probabilities, real.Count, real.Classes));
        // The classifier must put every image somewhere: it calls a black image and most noise an 8, so an
        // excess of one class can mean unrecognisable samples. The confident share tells the two apart.
        report.Add("confident_share", generated.ConfidentShare(ConfidenceLevel));
        report.Add("confident_share_real", real.ConfidentShare(ConfidenceLevel));

        var names = train.ClassNames is { } n && n.Count == classifier.Classes ? n : null;
        var balance = ClassBalance.Measure(generated.Predicted, train.Labels, classifier.Classes, samples.Requested, names);
        report.Balance = balance;
        report.Add("coverage", balance.Covered);
        report.Add("coverage_share", balance.Covered / (double)balance.ClassCount);
        report.Add("coverage_real", ClassBalance.Measure(real.Predicted, train.Labels, classifier.Classes).Covered);
        report.Add("largest_deviation", balance.DescribeLargestDeviation());
        report.Add("largest_deviation_points", 100 * balance.LargestDeviation);
        if (balance.Agreement is double agreement) report.Add("label_agreement", agreement);
        for (int c = 0; c < balance.ClassCount; c++)
        {
            report.Add($"share.{c}", balance.Shares[c]);
            report.Add($"data_share.{c}", balance.ReferenceShares[c]);
            if (balance.AgreementByLabel is { } byLabel) report.Add($"label_agreement.{c}", byLabel[c].Agreement);
        }
    }

    // RGB images: the palette-free figures of ColourStatistics for samples and the held-out images side by side.
    private static void AddColourFigures(GenerativeModel model, Dataset test, EvaluationOptions options, EvaluationReport report, Action<string>? progress)
    {
        progress?.Invoke($"colour figures of {options.Samples} samples and the held-out images");
        var o = model.Options;
        var samples = GeneratedSamples.Draw(model, options.Samples, new Rng(options.Seed), options.BatchSize);
        var generated = ColourStatistics.Measure(samples.Images, samples.Count, o.Height, o.Width);
        var real = ColourStatistics.Measure(test.Images, test.Count, test.Height, test.Width);
        report.Add("colour.background", generated.Background);
        report.Add("colour.background_real", real.Background);
        report.Add("colour.single_colour_share", generated.SingleColour);
        report.Add("colour.single_colour_share_real", real.SingleColour);
        report.Add("colour.foreground", generated.Foreground);
        report.Add("colour.foreground_real", real.Foreground);
    }

    /// <summary>Mean over every value of (a - b)^2.</summary>
    public static double Mse(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length || a.Length == 0) throw new ArgumentException($"MSE compares two arrays of one size, got {a.Length} and {b.Length}");
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - (double)b[i]) * (a[i] - (double)b[i]);
        return s / a.Length;
    }
}
