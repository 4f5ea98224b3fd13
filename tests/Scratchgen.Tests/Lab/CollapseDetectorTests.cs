using Scratchgen.Training;

namespace Scratchgen.Tests.Lab;

public sealed class CollapseDetectorTests
{
    private static Dictionary<string, double> LossD(double v) => new() { ["loss_d"] = v, ["loss_g"] = 1.0 };

    [Fact]
    public void HealthyLosses_NeverWarn()
    {
        var d = new CollapseDetector();
        var rng = new Scratchgen.Tensors.Rng(3);
        for (int step = 1; step <= 5000; step++)
            Assert.Null(d.ObserveLosses(step, LossD(1.2 + 0.3 * (rng.NextDouble() - 0.5))));
    }

    [Fact]
    public void DiscriminatorLossGoingToZero_WarnsOnce_AfterThePatience()
    {
        var t = new CollapseThresholds(DiscriminatorLossFloor: 0.05, DiscriminatorPatience: 100, WarmupSteps: 0);
        var d = new CollapseDetector(t);
        var warnings = new List<(int Step, string Text)>();
        for (int step = 1; step <= 1000; step++)
        {
            double loss = step < 300 ? 1.3 : 1.3 * Math.Exp(-(step - 300) / 20.0); // below 0.05 from step 366
            if (d.ObserveLosses(step, LossD(loss)) is string w) warnings.Add((step, w));
        }
        var (at, text) = Assert.Single(warnings);
        Assert.Equal(366 + 99, at);
        Assert.Contains("discriminator", text);
    }

    [Fact]
    public void DiscriminatorWarning_RearmsAfterRecovery_AndIgnoresModelsWithoutLossD()
    {
        var d = new CollapseDetector(new CollapseThresholds(DiscriminatorPatience: 10, WarmupSteps: 0));
        int count = 0;
        for (int step = 1; step <= 60; step++)
            if (d.ObserveLosses(step, LossD(step is > 20 and <= 30 ? 1.0 : 0.001)) != null) count++;
        Assert.Equal(2, count); // steps 1-20, then 31-60
        Assert.Null(new CollapseDetector(new CollapseThresholds(DiscriminatorPatience: 1, WarmupSteps: 0))
            .ObserveLosses(5, new Dictionary<string, double> { ["loss_critic"] = 0.0 }));
    }

    [Fact]
    public void CollapsingSamples_Warn_HealthySpreadDoesNot_NorDuringWarmup()
    {
        var t = new CollapseThresholds(SpreadRatio: 0.2, SpreadPatience: 2, WarmupSteps: 300);
        var healthy = new CollapseDetector(t);
        var collapsing = new CollapseDetector(t);
        var warnings = new List<long>();
        for (long step = 100; step <= 1000; step += 100)
        {
            Assert.Null(healthy.ObserveSpread(step, 2.4 + 0.1 * Math.Sin(step), 2.6));
            double shrinking = 2.6 * Math.Pow(0.5, step / 100.0); // ratio 0.5, 0.25, 0.125, ...
            if (collapsing.ObserveSpread(step, shrinking, 2.6) != null) warnings.Add(step);
        }
        Assert.Equal([400L], warnings); // collapsed from step 300 (ratio 0.125), second check at 400
    }

    [Fact]
    public void MeanPairwiseDistance_KnownAnswer()
    {
        // (0,0), (3,4), (0,4): distances 5, 3, 4.
        Assert.Equal(4.0, CollapseDetector.MeanPairwiseDistance([0f, 0f, 3f, 4f, 0f, 4f], 2), 12);
        Assert.Equal(0.0, CollapseDetector.MeanPairwiseDistance([1f, 1f, 1f, 1f], 2));
        Assert.Throws<ArgumentException>(() => CollapseDetector.MeanPairwiseDistance([1f, 2f, 3f], 2));
    }
}
