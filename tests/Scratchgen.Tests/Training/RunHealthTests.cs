using Scratchgen.Autograd;
using Scratchgen.Training;

namespace Scratchgen.Tests.Training;

/// <summary>How a run ended: a few skipped steps are survivable, more than 5 % of them, or losses that end
/// non-finite, fail the run with where it went wrong.</summary>
public sealed class RunHealthTests
{
    private static readonly Dictionary<string, double> Good = new() { ["loss"] = 0.5 };
    private static readonly Dictionary<string, double> Bad = new() { ["loss"] = double.NaN };

    private static RunHealth Steps(int total, int bad)
    {
        var health = new RunHealth();
        for (int step = 1; step <= total; step++) health.Record(step, step % (total / Math.Max(bad, 1)) == 0 && bad > 0 ? Bad : Good, null, () => "");
        Assert.Equal(bad, health.Skipped);
        return health;
    }

    [Fact]
    public void OneStepIn20Skipped_EndsWell()
    {
        Steps(100, 5).CheckEnd(Good, Good);
    }

    [Fact]
    public void MoreThanOneStepIn20Skipped_FailsTheRun_NamingTheFirst()
    {
        var ex = Assert.Throws<NonFiniteException>(() => Steps(100, 6).CheckEnd(Good, Good));
        Assert.Contains("6 of its 100 steps (6 %, more than 5 %)", ex.Message);
        Assert.Contains("the first at step 16: loss 'loss' is NaN", ex.Message);
    }

    [Fact]
    public void NonFiniteFinalLosses_FailTheRun_EvenWithoutSkippedSteps()
    {
        var ex = Assert.Throws<NonFiniteException>(() => Steps(10, 0).CheckEnd(Good, new Dictionary<string, double> { ["loss_d"] = double.PositiveInfinity }));
        Assert.Contains("its final held-out losses are not finite (loss_d Infinity)", ex.Message);
    }

    [Fact]
    public void TenBadStepsInARow_StopTheRunAtOnce_SayingWhatWasSaved()
    {
        var health = new RunHealth();
        for (int step = 1; step < RunHealth.MaxInARow; step++) health.Record(step, Bad, null, () => "saved nowhere");
        var ex = Assert.Throws<NonFiniteException>(() => health.Record(RunHealth.MaxInARow, Bad, null, () => "saved nowhere"));
        Assert.Contains($"{RunHealth.MaxInARow} steps in a row", ex.Message);
        Assert.EndsWith("saved nowhere", ex.Message);
    }
}
