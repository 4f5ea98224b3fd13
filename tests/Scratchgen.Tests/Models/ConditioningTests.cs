using Scratchgen.Data;
using Scratchgen.Evaluation;
using Scratchgen.Models;
using Scratchgen.Tensors;
using Scratchgen.Training;

namespace Scratchgen.Tests.Models;

/// <summary>
/// A conditional model, briefly trained with its default recipe, draws the digit it is asked for: with the
/// latent codes held fixed and only the label changed, the evaluation classifier's answer follows the
/// label. The textbook cGAN (an MLP with the label appended to both inputs) fails this check at the same
/// budget, which is why it is not the default.
/// </summary>
public sealed class ConditioningTests
{
    private static readonly Lazy<DigitClassifier> Classifier = new(() => DigitClassifier.LoadEmbedded());

    // Trains on the first `limit` embedded digits, then decodes `codes` fixed latent codes with each of the
    // ten labels. Returns the share of images the classifier puts in the requested class, and the median
    // over the codes of the distinct classes the ten labels of one code were given.
    private static (double Agreement, int MedianDistinct) Measure(string model, string? recipe, int limit, int epochs, int codes = 20)
    {
        string dir = Path.Combine(Path.GetTempPath(), "sg-cond-" + Guid.NewGuid().ToString("N"));
        try
        {
            var run = new TrainingRun(new TrainConfig(model, dir, epochs, ModelFactory.DefaultBatchSize(model), Seed: 2, Limit: limit, Recipe: recipe),
                Embedded.Mnist10k());
            run.Run();
            var labels = Enumerable.Range(0, codes * 10).Select(i => i % 10).ToArray();
            // Code c is repeated for its ten labels: latent rows c*10 .. c*10+9 are the same draw.
            var z = run.Model.SampleLatent(codes, new Rng(7)).ToArray();
            int l = run.Model.Options.LatentDim;
            var repeated = new float[codes * 10 * l];
            for (int c = 0; c < codes; c++)
                for (int k = 0; k < 10; k++) z.AsSpan(c * l, l).CopyTo(repeated.AsSpan((c * 10 + k) * l));
            var samples = GeneratedSamples.Decode(run.Model, Tensor.FromArray(repeated, [codes * 10, l]), labels);
            var predicted = Classifier.Value.Predict(samples.Images, samples.Count).Predicted;
            double agreement = Enumerable.Range(0, predicted.Length).Count(i => predicted[i] == labels[i]) / (double)predicted.Length;
            var distinct = Enumerable.Range(0, codes).Select(c => predicted.AsSpan(c * 10, 10).ToArray().Distinct().Count()).Order().ToArray();
            return (agreement, distinct[codes / 2]);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("cvae", 3000, 20)]
    [InlineData("cgan", 3000, 3)]
    public void ChangingOnlyTheLabel_ChangesTheClassifiersAnswer(string model, int limit, int epochs)
    {
        var (agreement, distinct) = Measure(model, null, limit, epochs);
        Assert.True(agreement >= 0.6 && distinct >= 6,
            $"{model}: the classifier agreed with the requested label for {agreement:P0} of the images (chance: 10 %); " +
            $"the ten labels of a latent code gave a median of {distinct} distinct classes");
    }

    // The negative control: the check can fail. The textbook cGAN trained for the same steps ignores its label.
    [Fact]
    public void TheTextbookCgan_FailsTheSameCheck()
    {
        var (agreement, distinct) = Measure("cgan", Recipe.PlainName, 3000, 3);
        Assert.False(agreement >= 0.6 && distinct >= 6, $"the plain cgan passed: {agreement:P0}, median {distinct} distinct classes");
    }
}
