using Scratchgen.Tensors;

namespace Scratchgen.Autograd;

/// <summary>Gradients without touching Grad: the equivalent of torch.autograd.grad.</summary>
public static class Gradients
{
    /// <summary>dOutput/dInput for each input (zeros for an input the output does not depend on,
    /// or for all of them when the output does not require grad).
    /// With createGraph the results are themselves differentiable: WGAN-GP's gradient penalty
    /// differentiates the norm of a gradient.</summary>
    public static Tensor[] Of(Tensor output, IReadOnlyList<Tensor> inputs, Tensor? gradOutput = null, bool createGraph = false)
    {
        // An output that does not require grad depends on none of the inputs: every gradient is zero.
        var grads = output.RequiresGrad
            ? BackwardPass.Compute(output, gradOutput, createGraph)
            : new Dictionary<Tensor, Tensor>();
        var result = new Tensor[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
            result[i] = grads.TryGetValue(inputs[i], out var g) ? g : Tensor.Zeros(inputs[i].Dims, inputs[i].DType, inputs[i].Backend);
        return result;
    }

    /// <summary>Runs a backward pass and reports every step to <paramref name="observe"/> (for traces).</summary>
    public static void Trace(Tensor output, Action<BackwardStep> observe)
    {
        using var _ = AutogradObservers.Attach(new StepObserver(observe));
        BackwardPass.Run(output, null, createGraph: false);
    }

    private sealed class StepObserver(Action<BackwardStep> observe) : IAutogradObserver
    {
        public void OnBackwardStep(BackwardStep step, TimeSpan elapsed) => observe(step);
    }
}
