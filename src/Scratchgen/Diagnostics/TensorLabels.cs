using Scratchgen.Tensors;

namespace Scratchgen.Diagnostics;

/// <summary>
/// Short, stable names for the tensors of a graph, for traces and graph views: a tensor's own Name
/// when it has one (parameters get theirs from Module.NamedParameters), otherwise t1, t2 ... for op
/// outputs in the order they are first seen and leaf1, leaf2 ... for unnamed leaves.
/// </summary>
public sealed class TensorLabels
{
    private readonly Dictionary<Tensor, string> _labels = new(ReferenceEqualityComparer.Instance);
    private int _ops, _leaves;

    /// <summary>The label of <paramref name="t"/>: its name when it has one, else a new short label that stays the same for that tensor.</summary>
    public string this[Tensor t]
    {
        get
        {
            if (_labels.TryGetValue(t, out var label)) return label;
            label = t.Name ?? (t.GradFn != null ? $"t{++_ops}" : $"leaf{++_leaves}");
            _labels[t] = label;
            return label;
        }
    }

    /// <summary>"label (d0, d1)": the label and the shape.</summary>
    public string WithShape(Tensor t) => $"{this[t]} {Shapes.Format(t.Shape)}";
}
