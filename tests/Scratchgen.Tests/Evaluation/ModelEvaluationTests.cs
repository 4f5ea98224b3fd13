using System.Text.Json;
using Scratchgen.Data;
using Scratchgen.Evaluation;
using Scratchgen.Models;

namespace Scratchgen.Tests.Evaluation;

/// <summary>`scratchgen eval`'s library side on untrained models and a small slice of the embedded digits:
/// each family gets its metrics, and the report is a flat JSON object.</summary>
public sealed class ModelEvaluationTests
{
    private static readonly Lazy<(Dataset Train, Dataset Test)> Data = new(() =>
    {
        var all = Embedded.Mnist10k();
        return (all.Slice(0, 300), all.Slice(9000, 60));
    });

    private static readonly Lazy<DigitClassifier> Classifier = new(() => DigitClassifier.LoadEmbedded());

    private static readonly EvaluationOptions Small = new(Samples: 60, ImportanceSamples: 5, BatchSize: 30);

    private static EvaluationReport Evaluate(GenerativeModel model) =>
        ModelEvaluation.Evaluate(model, Data.Value.Train, Data.Value.Test, Classifier.Value, Small);

    [Fact]
    public void Vae_GetsElbo_ImportanceWeightedNll_AndSampleMetrics()
    {
        var report = Evaluate(new Vae(new ModelOptions(LatentDim: 4, Seed: 1)));
        double negElbo = (double)report["test.neg_elbo"];
        Assert.Equal(-negElbo, (double)report["elbo"]);
        Assert.Equal(5.0, (double)report["iw_k"]);
        Assert.True((double)report["iw_nll"] < negElbo, $"IW NLL {report["iw_nll"]} should be below -ELBO {negElbo} for k = 5");
        Assert.True((double)report["fid"] > (double)report["fid_real_floor"], "an untrained VAE must be further from the digits than real digits are");
        // Grey blur from an untrained decoder: the classifier sees few digit classes in it and is unsure, where the
        // 60 held-out digits cover all 10 classes and are classified with confidence.
        Assert.Equal(10.0, (double)report["coverage_real"]);
        Assert.Equal((double)report["coverage"] / 10, (double)report["coverage_share"], 12);
        Assert.True((double)report["coverage"] < 10, $"an untrained VAE covers {report["coverage"]} of 10 classes");
        Assert.InRange((double)report["inception_score"], 1, 10);
        Assert.True((double)report["inception_score"] + 2 < (double)report["inception_score_real"],
            $"IS {report["inception_score"]} of an untrained VAE vs {report["inception_score_real"]} of real digits");
        Assert.NotNull(report.Balance);
        Assert.False(report.Contains("label_agreement"));
    }

    [Fact]
    public void Autoencoder_GetsReconstructionErrorBesidePca()
    {
        var report = Evaluate(new Autoencoder(new ModelOptions(LatentDim: 8, Seed: 1)));
        Assert.Equal(8.0, (double)report["pca_components"]);
        // Untrained, the AE draws grey blur; PCA with 8 components fitted on 300 digits does much better.
        Assert.True((double)report["pca_mse"] < (double)report["recon_mse"], $"PCA {report["pca_mse"]} vs untrained AE {report["recon_mse"]}");
        Assert.False(report.Contains("fid"));
    }

    [Fact]
    public void ConditionalGan_GetsAgreementPerRequestedLabel_AndAFlatJsonReport()
    {
        var report = Evaluate(new ConditionalGan(new ModelOptions(LatentDim: 8, Seed: 1)));
        // The overall agreement is the per-label agreements weighted by the samples asked of each label; an untrained
        // generator draws the same blur whatever the label, so it agrees about as often as chance (0.1), not more.
        var byLabel = report.Balance!.AgreementByLabel!;
        Assert.Equal(10, byLabel.Length);
        for (int c = 0; c < 10; c++) Assert.Equal(byLabel[c].Agreement, (double)report[$"label_agreement.{c}"]);
        Assert.Equal(60, byLabel.Sum(l => l.Requested));
        Assert.Equal(byLabel.Sum(l => l.Requested * l.Agreement) / 60, (double)report["label_agreement"], 12);
        Assert.True((double)report["label_agreement"] < 0.4, $"an untrained cgan agrees with {report["label_agreement"]} of its labels");
        Assert.Contains("of samples vs", (string)report["largest_deviation"]);

        using var json = JsonDocument.Parse(report.ToJson());
        Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
        foreach (var property in json.RootElement.EnumerateObject())
            Assert.True(property.Value.ValueKind is JsonValueKind.Number or JsonValueKind.String, $"{property.Name} is {property.Value.ValueKind}: eval.json must be flat");
        Assert.Equal((double)report["fid"], json.RootElement.GetProperty("fid").GetDouble(), 5);
        Assert.Equal("cgan", json.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public void ModelOfAnotherImageSize_SkipsSampleMetricsWithAReason()
    {
        var all = Embedded.Mnist10k();
        var report = ModelEvaluation.Evaluate(new Gan(new ModelOptions(1, 12, 12, LatentDim: 4)), Shrink(all.Slice(0, 40)), Shrink(all.Slice(40, 20)), Classifier.Value, Small);
        Assert.False(report.Contains("fid"));
        Assert.Contains(report.Notes, n => n.Contains("1x28x28") && n.Contains("1x12x12"));
    }

    // The top-left 12 x 12 corner of each digit: a data set of another image size.
    private static Dataset Shrink(Dataset d)
    {
        var images = new float[d.Count * 144];
        for (int i = 0; i < d.Count; i++)
            for (int y = 0; y < 12; y++)
                for (int x = 0; x < 12; x++) images[i * 144 + y * 12 + x] = d.Image(i)[y * 28 + x];
        return new Dataset("corners", images, [1, 12, 12], d.Labels.ToArray(), 10);
    }
}
