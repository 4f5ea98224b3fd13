using System.Diagnostics;
using Scratchgen.Tensors;

namespace Scratchgen.Autograd;

/// <summary>
/// The observers attached to the current thread (like GradMode, per thread, so a trace on one thread
/// never sees another's ops). <c>using var _ = AutogradObservers.Attach(observer);</c> Scopes nest and
/// must be disposed in reverse order of attaching.
/// </summary>
public static class AutogradObservers
{
    [ThreadStatic] private static IAutogradObserver[]? t_observers;

    /// <summary>The attached observers, or null when there are none (the fast path tests only this).</summary>
    internal static IAutogradObserver[]? Current => t_observers;

    /// <summary>Attaches an observer to this thread's forward ops and backward steps until the returned scope is disposed.</summary>
    public static Scope Attach(IAutogradObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var previous = t_observers;
        t_observers = previous == null ? [observer] : [.. previous, observer];
        return new Scope(previous);
    }

    /// <summary>Restores the observers attached before. A default Scope does nothing.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly IAutogradObserver[]? _previous;
        private readonly bool _active;

        internal Scope(IAutogradObserver[]? previous) => (_previous, _active) = (previous, true);

        /// <summary>Detaches the observer this scope attached.</summary>
        public void Dispose()
        {
            if (_active) t_observers = _previous;
        }
    }

    internal static void Forward(IAutogradObserver[] observers, Op op, Tensor output, long start)
    {
        var elapsed = Elapsed(observers, output.Backend, start);
        foreach (var o in observers) o.OnForward(op, output, elapsed);
    }

    internal static void OptimizerStep(IAutogradObserver[] observers, Optim.Optimizer optimizer, long start)
    {
        var elapsed = Elapsed(observers, optimizer.Parameters.Count > 0 ? optimizer.Parameters[0].Backend : null, start);
        foreach (var o in observers) o.OnOptimizerStep(optimizer, elapsed);
    }

    internal static void BackwardStep(IAutogradObserver[] observers, BackwardStep step, long start)
    {
        var elapsed = Elapsed(observers, step.Op.Inputs.Count > 0 ? step.Op.Inputs[0].Backend : null, start);
        foreach (var o in observers) o.OnBackwardStep(step, elapsed);
    }

    // The time since start; when an observer times the device too, first the wait for the work queued on
    // backend (none: nothing to wait for).
    private static TimeSpan Elapsed(IAutogradObserver[] observers, Backends.IBackend? backend, long start)
    {
        if (backend != null && observers.Any(o => o.SynchronizesDevice)) backend.Synchronize();
        return Stopwatch.GetElapsedTime(start);
    }
}
