using Scratchgen.Data;
using Scratchgen.Evaluation;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Evaluation;

/// <summary>The detector both ways: an untrained generator's output is caught (AUC near 1), while
/// "generated" images that are really other real digits cannot be told apart (AUC near 0.5).</summary>
public sealed class DetectabilityTests
{
    private static readonly Dataset Mnist = Embedded.Mnist10k().Slice(0, 600);

    [Fact]
    public void UntrainedGenerator_IsDetected()
    {
        var model = ModelFactory.Create("gan", new ModelOptions(LatentDim: 8, Seed: 2));
        var r = Detectability.Measure(model, Mnist.Slice(0, 300), seed: 1, epochs: 2);
        Assert.Equal(300, r.TestCount);
        Assert.True(r.Auc > 0.95, $"AUC {r.Auc:F3} for an untrained generator");
    }

    [Fact]
    public void RealImagesPosingAsGenerated_AreNotDetected()
    {
        var real = Mnist.Slice(0, 300);
        var otherReal = Mnist.Slice(300, 300).Images.ToArray();
        var r = Detectability.Measure(real, otherReal, seed: 1, epochs: 2);
        Assert.InRange(r.Auc, 0.35, 0.65);
    }
}
