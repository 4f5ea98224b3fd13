using Scratchgen.Tensors;

namespace Scratchgen.Autograd;

/// <summary>
/// Debug mode in the spirit of torch.autograd.detect_anomaly: while a scope is open on a thread, every
/// op's output is checked, and the first NaN or infinity throws a <see cref="NonFiniteException"/> naming
/// the op and its input shapes. It reads every output back, so it is for hunting a problem, not for speed.
/// </summary>
public static class AnomalyMode
{
    [ThreadStatic] private static bool t_enabled;

    public static bool IsEnabled => t_enabled;

    public static Scope Enable()
    {
        var scope = new Scope(t_enabled);
        t_enabled = true;
        return scope;
    }

    public readonly struct Scope(bool previous) : IDisposable
    {
        public void Dispose() => t_enabled = previous;
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
