using Scratchgen.Tensors;

namespace Scratchgen.Autograd;

/// <summary>
/// Debug mode in the spirit of torch.autograd.detect_anomaly: while a scope is open on a thread, every
/// op's output is checked, and the first NaN or infinity throws a <see cref="NonFiniteException"/> naming
/// the op and its input shapes. It reads every output back, so it is for hunting a problem, not for speed.
/// An <see cref="IAutogradObserver"/> of forwards (backward rules are ops too, so their outputs are checked).
/// </summary>
public static class AnomalyMode
{
    [ThreadStatic] private static int t_depth;

    /// <summary>True while an <see cref="Enable"/> scope is open on this thread: every op's output and every gradient is checked for NaN and infinity.</summary>
    public static bool IsEnabled => t_depth > 0;

    /// <summary>Turns anomaly checks on for this thread until the returned scope is disposed (scopes nest).</summary>
    public static Scope Enable()
    {
        t_depth++;
        return new Scope(AutogradObservers.Attach(Checker.Instance));
    }

    /// <summary>Ends the mode. A default Scope does nothing.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly AutogradObservers.Scope _observer;
        private readonly bool _active;

        internal Scope(AutogradObservers.Scope observer) => (_observer, _active) = (observer, true);

        /// <summary>Closes the scope; checks stay on while an outer scope is still open.</summary>
        public void Dispose()
        {
            if (!_active) return;
            _observer.Dispose();
            t_depth--;
        }
    }

    private sealed class Checker : IAutogradObserver
    {
        public static readonly Checker Instance = new();

        public void OnForward(Op op, Tensor output, TimeSpan elapsed) => Check(op, output);
    }

    internal static void Check(Op op, Tensor output)
    {
        var values = output.ToDoubleArray();
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                throw new NonFiniteException(
                    $"{op.Name} produced {values[i]} at element {i} of its output {Shapes.Format(output.Shape)} " +
                    $"(inputs: {string.Join(", ", op.Inputs.Select(t => t.Describe()))})");
        }
    }
}

/// <summary>A NaN or infinity where a finite number was required; the message says where.</summary>
public sealed class NonFiniteException(string message) : ArithmeticException(message);
