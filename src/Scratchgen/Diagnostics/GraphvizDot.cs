using System.Text;
using Scratchgen.Autograd;
using Scratchgen.Tensors;

namespace Scratchgen.Diagnostics;

/// <summary>
/// The graph a loss was computed from, as Graphviz DOT: one node per op (ellipse: the op name and its
/// output) and one per leaf (box: parameters that require grad in blue, constants in gray), and one
/// edge per op input, from the node that made the input to the op that used it, labelled with the
/// input's position when the op has several. The loss's node has a double border.
/// Render with <c>dot -Tsvg graph.dot -o graph.svg</c> (<see cref="Graphviz"/> does it when dot is installed).
/// </summary>
public static class GraphvizDot
{
    /// <summary>The computation graph behind <paramref name="root"/> as Graphviz DOT text (the layout the class summary describes); <paramref name="labels"/> names the tensors, <paramref name="graphName"/> the digraph.</summary>
    public static string Write(Tensor root, TensorLabels? labels = null, string graphName = "loss")
    {
        labels ??= new TensorLabels();
        var graph = ComputationGraph.Of(root);
        var ids = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        var sb = new StringBuilder();
        sb.AppendLine($"digraph {Quote(graphName)} {{");
        sb.AppendLine("  rankdir=BT;");
        sb.AppendLine("  node [fontname=\"Helvetica\", fontsize=10];");
        sb.AppendLine("  edge [fontname=\"Helvetica\", fontsize=8];");
        for (int i = 0; i < graph.Leaves.Count; i++)
        {
            var leaf = graph.Leaves[i];
            ids[leaf] = $"leaf{i}";
            string fill = leaf.RequiresGrad ? "lightblue" : "lightgray";
            sb.AppendLine($"  leaf{i} [shape=box, style=filled, fillcolor={fill}, label={Quote(labels.WithShape(leaf))}];");
        }
        for (int i = 0; i < graph.OpOutputs.Count; i++)
        {
            var t = graph.OpOutputs[i];
            ids[t] = $"op{i}";
            string border = ReferenceEquals(t, root) ? ", peripheries=2" : "";
            sb.AppendLine($"  op{i} [shape=ellipse{border}, label={Quote(t.GradFn!.Name + "\n" + labels.WithShape(t))}];");
        }
        foreach (var t in graph.OpOutputs)
        {
            var inputs = t.GradFn!.Inputs;
            for (int k = 0; k < inputs.Count; k++)
            {
                string label = inputs.Count > 1 ? $" [label=\"{k}\"]" : "";
                sb.AppendLine($"  {ids[inputs[k]]} -> {ids[t]}{label};");
            }
        }
        sb.AppendLine("}");
        return sb.ToString();
    }

    // A DOT string: quotes and backslashes escaped, line breaks as \n.
    private static string Quote(string s) =>
        "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
