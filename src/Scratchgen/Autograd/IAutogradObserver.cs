using Scratchgen.Tensors;

namespace Scratchgen.Autograd;

/// <summary>
/// Sees the engine work: every op's forward, every backward pass step by step, and every optimizer step. The profiler, the
/// anomaly mode and the backprop trace are all observers; attach one to the current thread with
/// <see cref="AutogradObservers.Attach"/>. Every method has an empty default, so an observer overrides
/// only what it needs. Nothing is measured or called while no observer is attached.
/// </summary>
public interface IAutogradObserver
{
    /// <summary>True when the elapsed times this observer receives must include the device's work:
    /// the engine then waits for the backend (<see cref="Backends.IBackend.Synchronize"/>) before
    /// stopping each clock. Off by default: synchronizing serializes a GPU.</summary>
    bool SynchronizesDevice => false;

    /// <summary>After an op's forward computed <paramref name="output"/> (on the tape when output.GradFn is op).
    /// Ops run inside a backward pass (the backward rules' own tensor ops) are reported too.</summary>
    void OnForward(Op op, Tensor output, TimeSpan elapsed) { }

    /// <summary>A backward pass from <paramref name="root"/> starts (Backward or Gradients.Of).</summary>
    void OnBackwardBegin(Tensor root) { }

    /// <summary>One op's backward ran and its input gradients were summed into the pass's gradients.</summary>
    void OnBackwardStep(BackwardStep step, TimeSpan elapsed) { }

    /// <summary>The backward pass from <paramref name="root"/> finished.</summary>
    void OnBackwardEnd(Tensor root) { }

    /// <summary>An optimizer applied one update (<see cref="Optim.Optimizer.Step"/>, skipped steps included);
    /// the ops it ran, if any, were reported before it.</summary>
    void OnOptimizerStep(Optim.Optimizer optimizer, TimeSpan elapsed) { }
}
