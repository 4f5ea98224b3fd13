using Scratchgen.Backends.Cpu;

namespace Scratchgen.Tests.Backends;

/// <summary>CoreDistance (the caller-to-worker cache-line round trip that `bench models` prints): a
/// plausible figure when the team is free, NaN rather than a wrong figure or a hang when it is held.</summary>
public class CoreDistanceTests
{
    [MultiCoreFact]
    public void RoundTrip_IsAPositiveTimeUnderAMillisecond()
    {
        // Other tests may hold the team for a moment: retry until it is free. And while they run, the host
        // can deschedule the worker for a whole probe (1.37 ms read once in a full test run): the smallest
        // of up to 20 probes must be under a millisecond (~60-350 ns on this host when the worker runs).
        var measured = new List<double>();
        for (int attempt = 0; attempt < 400 && measured.Count < 20 && !measured.Any(ns => ns < 1_000_000); attempt++)
        {
            double ns = CoreDistance.RoundTripNanoseconds(exchanges: 500);
            if (double.IsNaN(ns)) Thread.Sleep(5);
            else measured.Add(ns);
        }
        Assert.True(measured.Count > 0, "the worker team stayed busy for two seconds");
        Assert.InRange(measured.Min(), 1, 1_000_000);
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
