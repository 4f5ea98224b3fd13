using System.Diagnostics;

namespace Scratchgen.Autograd;

/// <summary>
/// Time spent per op, forward and backward, while a profiling scope is open on this thread:
/// <c>using var p = OpProfiler.Start(); ... ; p.Report()</c>. Off by default (one flag test per op).
/// Kernel timings are wall-clock and include each op's output allocation.
/// </summary>
public sealed class OpProfiler : IDisposable
{
    [ThreadStatic] private static OpProfiler? t_current;

    private readonly OpProfiler? _previous;
    private readonly Dictionary<string, (double Ms, int Calls)> _times = [];

    private OpProfiler() => _previous = t_current;

    public static OpProfiler Start()
    {
        var p = new OpProfiler();
        t_current = p;
        return p;
    }

    internal static OpProfiler? Current => t_current;

    internal void Add(string key, long startTimestamp)
    {
        double ms = Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
        _times[key] = _times.TryGetValue(key, out var t) ? (t.Ms + ms, t.Calls + 1) : (ms, 1);
    }

    /// <summary>Rows of (what, total ms, calls), largest first. "what" is "forward op" or "backward op".</summary>
    public IReadOnlyList<(string What, double Ms, int Calls)> Report() =>
        _times.Select(kv => (kv.Key, kv.Value.Ms, kv.Value.Calls)).OrderByDescending(r => r.Ms).ToList();

    public void Dispose() => t_current = _previous;
}
