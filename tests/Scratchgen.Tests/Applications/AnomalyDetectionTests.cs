using Scratchgen.Applications;
using Scratchgen.Data;
using Scratchgen.Models;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Applications;

/// <summary>Anomaly scores: a model trained only on ones must score zeros (a shape it never saw) as
/// more anomalous; and the AE score of an image is its summed BCE, checked against the loss op.</summary>
public sealed class AnomalyDetectionTests
{
    private static readonly Dataset Mnist = Embedded.Mnist10k().Slice(0, 2400);

    private static GenerativeModel TrainOnOnes(string kind)
    {
        var ones = AnomalyDetection.Pick(Mnist, AnomalyDetection.IndicesWhere(Mnist.Slice(0, 2000), l => l == 1), "ones");
        var model = ModelFactory.Create(kind, new ModelOptions(LatentDim: 8, Seed: 3));
        var batches = new BatchIterator(ones, 32, new Rng(4));
        for (int epoch = 0; epoch < 2; epoch++)
            foreach (var batch in batches.EpochBatches()) model.TrainStep(batch.Images, batch.Labels);
        return model;
    }

    [Theory, InlineData("ae"), InlineData("vae")]
    public void TrainedOnOnes_ScoresZerosAsAnomalies(string kind)
    {
        var model = TrainOnOnes(kind);
        var heldOut = Mnist.Slice(2000, 400);
        var zerosAndOnes = AnomalyDetection.Pick(heldOut, AnomalyDetection.IndicesWhere(heldOut, l => l is 0 or 1), "0 and 1");
        var scores = AnomalyDetection.Scores(model, zerosAndOnes);
        double auc = AnomalyDetection.Auc(scores, zerosAndOnes, heldOutLabel: 0);
        Assert.True(auc > 0.95, $"{kind}: ROC AUC of zeros against ones is {auc:F3}");
    }

    [Fact]
    public void AeScore_IsTheImagesSummedBce()
    {
        var model = (Autoencoder)ModelFactory.Create("ae", new ModelOptions(LatentDim: 4, Seed: 5));
        model.Eval();
        var three = Mnist.Slice(0, 3);
        var scores = AnomalyDetection.Scores(model, three);
        var batch = new BatchIterator(three, 3, new Rng(0), shuffle: false).Next();
        for (int i = 0; i < 3; i++)
        {
            var x = TensorShape.IndexSelect(batch.Images, 0, [i]);
            var logits = model.Decoder.Forward(model.Encode(x)).Reshape([1, -1]);
            double bce = Loss.BceWithLogits(logits, x.Reshape([1, -1]), LossReduction.Sum).Item();
            Assert.Equal(bce, scores[i], 2);
        }
    }
}
