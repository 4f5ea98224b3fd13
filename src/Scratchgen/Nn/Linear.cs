using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Nn;

/// <summary>y = x W^T + b.  x: (N, I), W: (O, I), b: (O) -> y: (N, O). PyTorch's default init.</summary>
public sealed class Linear : Layer, IFusedEpilogue
{
    public override bool MixesSamples => false;

    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true, IBackend? backend = null)
    {
        if (inFeatures < 1 || outFeatures < 1) throw new ArgumentException($"Linear: sizes must be positive, got {inFeatures} -> {outFeatures}");
        Weight = Parameter("weight", Init.PyTorchDefault([outFeatures, inFeatures], inFeatures, rng, backend));
        if (bias) Bias = Parameter("bias", Init.PyTorchDefault([outFeatures], inFeatures, rng, backend));
    }

    public override Tensor Forward(Tensor x) => x.Linear(Weight, Bias);

    // With a bias: one op, the bias and the activation in one kernel (LinearActivationOp).
    Tensor IFusedEpilogue.ForwardThen<TFn>(Tensor x, TFn fn, string name, Func<Tensor, Tensor> activation) =>
        Bias != null ? x.LinearThen(Weight, Bias, fn, name, activation) : activation(Forward(x));
}
