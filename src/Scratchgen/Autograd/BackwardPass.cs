using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Autograd;

/// <summary>One step of a backward pass, as seen by an observer (the trace command uses this).</summary>
/// <param name="Op">The op whose backward ran.</param>
/// <param name="GradOutput">dL/d(op output).</param>
/// <param name="GradInputs">dL/d(input) per input after summing to the input's shape (null: none).</param>
/// <param name="Accumulated">Per input: true when the input already had a gradient from another use and this one was added to it.</param>
public sealed record BackwardStep(Op Op, Tensor GradOutput, Tensor?[] GradInputs, bool[] Accumulated);

/// <summary>
/// Reverse-mode differentiation over the tape. The tape is implicit: each tensor points at the op that
/// made it (GradFn) and each op at its inputs. A backward pass sorts that graph topologically from the
/// output, then visits ops from the output back, handing each its output gradient and summing what it
/// returns into its inputs' gradients. A tensor used twice gets both contributions added.
/// </summary>
internal static class BackwardPass
{
    public static void Run(Tensor root, Tensor? gradOutput, bool createGraph)
    {
        var grads = Compute(root, gradOutput, createGraph);
        foreach (var (tensor, grad) in grads)
        {
            if (tensor.IsLeaf && tensor.RequiresGrad) AccumulateIntoLeaf(tensor, grad, createGraph);
        }
    }

    /// <summary>dL/dt for every tensor t that requires grad and that the root depends on.</summary>
    public static Dictionary<Tensor, Tensor> Compute(Tensor root, Tensor? gradOutput, bool createGraph)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException($"Backward: {root.Describe()} does not require grad (no input of the graph had RequiresGrad set, or it was built under NoGrad)");
        if (gradOutput == null)
        {
            if (root.Numel != 1)
                throw new ShapeException("Backward", $"called without a gradient on {root.Describe()}: only a one-element tensor has an implicit gradient of 1");
            gradOutput = Tensor.Full(root.Dims, 1.0, root.DType, root.Backend);
        }
        else if (!Shapes.Equal(gradOutput.Shape, root.Shape))
        {
            throw new ShapeException("Backward", $"gradient shape {Shapes.Format(gradOutput.Shape)} does not match output shape {Shapes.Format(root.Shape)}");
        }

        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance) { [root] = gradOutput };
        using var mode = createGraph ? GradMode.Enable() : GradMode.NoGrad();
        var observers = AutogradObservers.Current;
        if (observers != null) foreach (var o in observers) o.OnBackwardBegin(root);
        foreach (var tensor in ComputationGraph.RootFirst(root))
        {
            var op = tensor.GradFn!;
            if (!grads.TryGetValue(tensor, out var dOut)) continue;
            long start = observers != null ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            var inputGrads = op.Backward(dOut);
            if (inputGrads.Length != op.Inputs.Count)
                throw new InvalidOperationException($"{op.Name}.Backward returned {inputGrads.Length} gradients for {op.Inputs.Count} inputs");
            var accumulated = new bool[inputGrads.Length];
            for (int i = 0; i < inputGrads.Length; i++)
            {
                var input = op.Inputs[i];
                var g = inputGrads[i];
                if (g == null || !input.RequiresGrad) { inputGrads[i] = null; continue; }
                g = g.SumTo(input.Dims);
                inputGrads[i] = g;
                if (grads.TryGetValue(input, out var existing))
                {
                    grads[input] = existing.Add(g);
                    accumulated[i] = true;
                }
                else grads[input] = g;
            }
            if (observers != null) AutogradObservers.BackwardStep(observers, new BackwardStep(op, dOut, inputGrads, accumulated), start);
        }
        if (observers != null) foreach (var o in observers) o.OnBackwardEnd(root);
        return grads;
    }

    // Grad is never written in place, here or anywhere else: a gradient an op returns may share its
    // storage with another leaf's (add returns dy for both inputs), so accumulation makes a new tensor
    // instead of copying every gradient up front.
    private static void AccumulateIntoLeaf(Tensor leaf, Tensor grad, bool createGraph)
    {
        if (!createGraph) grad = grad.Detach();
        leaf.Grad = leaf.Grad == null ? grad : (createGraph ? leaf.Grad : leaf.Grad.Detach()).Add(grad);
    }
}
