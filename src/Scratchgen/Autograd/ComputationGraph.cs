using Scratchgen.Tensors;

namespace Scratchgen.Autograd;

/// <summary>
/// The graph a tensor was computed from, read off the tape: each tensor points at the op that made it
/// (GradFn) and each op at its inputs. Ops are the tensors with a GradFn; leaves are the tensors the
/// walk reaches that have none (parameters, inputs, constants, detached tensors). The backward pass,
/// the trace and the Graphviz view all walk the graph through here.
/// </summary>
public sealed class ComputationGraph
{
    private ComputationGraph(Tensor root, List<Tensor> opOutputs, List<Tensor> leaves) =>
        (Root, OpOutputs, Leaves) = (root, opOutputs, leaves);

    /// <summary>The tensor the graph was built from (usually a scalar loss).</summary>
    public Tensor Root { get; }

    /// <summary>The output tensor of every op, in an order where each comes after everything it was made from (forward order).</summary>
    public IReadOnlyList<Tensor> OpOutputs { get; }

    /// <summary>Every leaf the root depends on, in the order the walk met them; each once.</summary>
    public IReadOnlyList<Tensor> Leaves { get; }

    /// <summary>Walks the recorded ops from <paramref name="root"/> back to the leaves and returns the graph they form.</summary>
    public static ComputationGraph Of(Tensor root)
    {
        var opOutputs = RootFirst(root);
        opOutputs.Reverse();
        var leaves = new List<Tensor>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        if (root.GradFn == null) leaves.Add(root);
        foreach (var t in opOutputs)
            foreach (var input in t.GradFn!.Inputs)
                if (input.GradFn == null && seen.Add(input)) leaves.Add(input);
        return new ComputationGraph(root, opOutputs, leaves);
    }

    /// <summary>Tensors with a GradFn, ordered so that every tensor comes before the tensors it was made
    /// from (the order a backward pass visits them).</summary>
    internal static List<Tensor> RootFirst(Tensor root)
    {
        var postOrder = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        // Iterative depth-first search (deep graphs would overflow a recursive one).
        var stack = new Stack<(Tensor Tensor, int NextInput)>();
        if (root.GradFn != null) { stack.Push((root, 0)); visited.Add(root); }
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn!.Inputs;
            if (next < inputs.Count)
            {
                stack.Push((t, next + 1));
                var input = inputs[next];
                if (input.GradFn != null && visited.Add(input)) stack.Push((input, 0));
            }
            else postOrder.Add(t);
        }
        postOrder.Reverse();
        return postOrder;
    }
}
