using System.Diagnostics;

namespace Scratchgen.Autograd;

/// <summary>
/// Time spent per op, forward and backward, and per optimizer step, while a profiling scope is open on
/// this thread: <c>using var p = OpProfiler.Start(); ... ; p.Report()</c>. An <see cref="IAutogradObserver"/>:
/// off by default (one null test per op). Kernel timings are wall-clock and include each op's output
/// allocation; ops run by backward rules count as forwards too (they are what the backward costs), so rows
/// nest. <see cref="Covered"/> counts each instant once: what a step spent in ops and optimizer steps, the
/// rest of its time being the model's own code between them.
/// </summary>
public sealed class OpProfiler : IAutogradObserver, IDisposable
{
    private readonly Dictionary<string, (double Ms, int Calls)> _times = [];
    private readonly SpanUnion _covered = new();
    private AutogradObservers.Scope _scope;

    private OpProfiler(bool synchronize) => SynchronizesDevice = synchronize;

    /// <summary>Starts profiling on this thread. <paramref name="synchronizeDevice"/>: wait for a GPU
    /// backend after each op, so that its time is the kernels' and not only their launch.</summary>
    public static OpProfiler Start(bool synchronizeDevice = false)
    {
        var p = new OpProfiler(synchronizeDevice);
        p._scope = AutogradObservers.Attach(p);
        return p;
    }

    /// <summary>True: the profiler waits for the device after each op, so its times include GPU execution, not only the launch.</summary>
    public bool SynchronizesDevice { get; }

    void IAutogradObserver.OnForward(Op op, Tensors.Tensor output, TimeSpan elapsed) => Add("forward " + op.Name, elapsed);

    void IAutogradObserver.OnBackwardStep(BackwardStep step, TimeSpan elapsed) => Add("backward " + step.Op.Name, elapsed);

    void IAutogradObserver.OnOptimizerStep(Optim.Optimizer optimizer, TimeSpan elapsed)
    {
        InOptimizerSteps += elapsed;
        Add("optimizer step " + optimizer.GetType().Name.ToLowerInvariant(), elapsed);
    }

    /// <summary>The time spent in optimizer steps (the sum of their rows).</summary>
    public TimeSpan InOptimizerSteps { get; private set; }

    /// <summary>The time spent in ops (forward, backward steps) and optimizer steps, each instant counted
    /// once however the rows nest.</summary>
    public TimeSpan Covered => TimeSpan.FromSeconds((double)_covered.Total / Stopwatch.Frequency);

    private void Add(string key, TimeSpan elapsed)
    {
        long end = Stopwatch.GetTimestamp();
        _covered.Add(end - (long)(elapsed.TotalSeconds * Stopwatch.Frequency), end);
        double ms = elapsed.TotalMilliseconds;
        _times[key] = _times.TryGetValue(key, out var t) ? (t.Ms + ms, t.Calls + 1) : (ms, 1);
    }

    /// <summary>Rows of (what, total ms, calls), largest first. "what" is "forward op", "backward op" or
    /// "optimizer step adam" (the optimizer's class).</summary>
    public IReadOnlyList<(string What, double Ms, int Calls)> Report() =>
        _times.Select(kv => (kv.Key, kv.Value.Ms, kv.Value.Calls)).OrderByDescending(r => r.Ms).ToList();

    /// <summary>Stops recording.</summary>
    public void Dispose() => _scope.Dispose();
}
