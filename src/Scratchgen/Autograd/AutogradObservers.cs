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
        if (observers.Any(o => o.SynchronizesDevice)) output.Backend.Synchronize();
        var elapsed = Stopwatch.GetElapsedTime(start);
        foreach (var o in observers) o.OnForward(op, output, elapsed);
    }

    internal static void OptimizerStep(IAutogradObserver[] observers, Optim.Optimizer optimizer, long start)
    {
        if (observers.Any(o => o.SynchronizesDevice) && optimizer.Parameters.Count > 0) optimizer.Parameters[0].Backend.Synchronize();
        var elapsed = Stopwatch.GetElapsedTime(start);
        foreach (var o in observers) o.OnOptimizerStep(optimizer, elapsed);
    }

    internal static void BackwardStep(IAutogradObserver[] observers, BackwardStep step, long start)
    {
        if (observers.Any(o => o.SynchronizesDevice) && step.Op.Inputs.Count > 0) step.Op.Inputs[0].Backend.Synchronize();
        var elapsed = Stopwatch.GetElapsedTime(start);
        foreach (var o in observers) o.OnBackwardStep(step, elapsed);
    }
}
