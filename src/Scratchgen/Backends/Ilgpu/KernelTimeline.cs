using ILGPU.Runtime;

namespace Scratchgen.Backends.Ilgpu;

/// <summary>
/// Where a training step's device time goes, by the device's own clock and without waiting for it. With a
/// timeline set on an <see cref="IlgpuBackend"/> (<see cref="IlgpuBackend.Timeline"/>), every kernel launch,
/// memset, upload and download is bracketed by two profiling markers in stream order (CUDA events on a GPU,
/// timestamps on ILGPU's CPU accelerator, which runs each launch to the end before returning).
/// <see cref="Collect"/> waits for the last marker once and folds the pending markers into per-kernel totals:
///   busy  = sum over launches of (end_i - start_i)        the device running our work
///   idle  = sum over launches of (start_i - end_(i-1))    the device waiting for the host to enqueue the next one
///   span  = end_last - start_first = busy + idle
/// within each collection (a step, when `bench models --kernel-timeline` collects after every step). Unlike
/// `bench models --profile`, which waits for the device after every op, the step runs as it does unprofiled,
/// but for the host's cost of recording two markers per launch, which can only add idle time, not busy time.
/// </summary>
internal sealed class KernelTimeline : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<(string Name, ProfilingMarker Start, ProfilingMarker End)> _pending = [];
    private readonly Dictionary<string, (long Calls, double Microseconds)> _totals = [];

    /// <summary>One row of <see cref="Report"/>: a kernel (or memset, upload, download), how often it ran and its
    /// device time, summed over every collection so far.</summary>
    public sealed record Row(string Kernel, long Calls, double Milliseconds);

    /// <summary>Device time spent running the bracketed work, over every collection so far.</summary>
    public double BusyMilliseconds { get; private set; }

    /// <summary>Device time between one bracketed launch's end and the next one's start within a collection:
    /// the device waiting for the host (launch overhead, host work, read-backs' round trips).</summary>
    public double IdleMilliseconds { get; private set; }

    /// <summary>From each collection's first start marker to its last end marker, summed: busy + idle.</summary>
    public double SpanMilliseconds { get; private set; }

    /// <summary>How many times <see cref="Collect"/> found launches to fold.</summary>
    public int Collections { get; private set; }

    internal void Add(string name, ProfilingMarker start, ProfilingMarker end)
    {
        lock (_gate) _pending.Add((name, start, end));
    }

    /// <summary>Waits for the device to reach the last marker, then adds the pending launches to the totals and
    /// frees their markers.</summary>
    public void Collect()
    {
        lock (_gate)
        {
            if (_pending.Count == 0) return;
            _pending[^1].End.Synchronize();
            ProfilingMarker? previousEnd = null;
            foreach (var (name, start, end) in _pending)
            {
                double us = (end - start).TotalMicroseconds;
                var (calls, total) = _totals.GetValueOrDefault(name);
                _totals[name] = (calls + 1, total + us);
                BusyMilliseconds += us / 1000;
                if (previousEnd != null) IdleMilliseconds += Math.Max(0, (start - previousEnd).TotalMilliseconds);
                previousEnd = end;
            }
            SpanMilliseconds += (_pending[^1].End - _pending[0].Start).TotalMilliseconds;
            Collections++;
            Release();
        }
    }

    /// <summary>Every kernel's totals, the costliest first (call <see cref="Collect"/> first).</summary>
    public IReadOnlyList<Row> Report()
    {
        lock (_gate)
            return _totals.Select(kv => new Row(kv.Key, kv.Value.Calls, kv.Value.Microseconds / 1000))
                .OrderByDescending(r => r.Milliseconds).ThenBy(r => r.Kernel, StringComparer.Ordinal).ToList();
    }

    public void Dispose()
    {
        lock (_gate) Release();
    }

    private void Release()
    {
        foreach (var (_, start, end) in _pending)
        {
            start.Dispose();
            end.Dispose();
        }
        _pending.Clear();
    }
}
