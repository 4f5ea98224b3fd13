using Scratchgen.Backends.Cpu;

namespace Scratchgen.Tests.Backends;

/// <summary>CoreDistance (the caller-to-worker cache-line round trip that `bench models` prints): a
/// plausible figure when the team is free, NaN rather than a wrong figure or a hang when it is held.</summary>
public class CoreDistanceTests
{
    [MultiCoreFact]
    public void RoundTrip_IsAPositiveTimeUnderAMillisecond()
    {
        // Other tests may hold the team for a moment: retry until it is free.
        double ns = double.NaN;
        for (int attempt = 0; attempt < 200 && double.IsNaN(ns); attempt++)
        {
            ns = CoreDistance.RoundTripNanoseconds(exchanges: 500);
            if (double.IsNaN(ns)) Thread.Sleep(5);
        }
        Assert.False(double.IsNaN(ns), "the worker team stayed busy for a second");
        Assert.InRange(ns, 1, 1_000_000);
    }

    [MultiCoreFact]
    public void RoundTrip_FromInsideAJobOnTheTeam_IsNaN()
    {
        var inner = new double[WorkerTeam.Size];
        var job = new NestedProbe(inner);
        for (int attempt = 0; attempt < 200 && !WorkerTeam.TryRun(job, 2); attempt++) Thread.Sleep(5);
        Assert.True(job.Ran, "the worker team stayed busy for a second");
        Assert.All(inner.Take(2), ns => Assert.True(double.IsNaN(ns), $"a nested probe measured {ns} ns instead of refusing"));
    }

    [Fact]
    public void RoundTrip_OfNoExchanges_IsNaN() => Assert.True(double.IsNaN(CoreDistance.RoundTripNanoseconds(exchanges: 0)));

    private sealed class NestedProbe(double[] results) : IParallelJob
    {
        public bool Ran { get; private set; }

        public void Run(int part)
        {
            results[part] = CoreDistance.RoundTripNanoseconds();
            Ran = true;
        }
    }
}
