using Scratchgen.Backends;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace CustomOpExample;

// y = swish(x W^T + b)
//
// A layer: parameters registered with Parameter (so optimizers, checkpoints and ZeroGrad see them),
// Forward built from ops. Apply is the same math as a function of all three tensors, for GradCheck.
public sealed class SwishLinear : Layer
{
    public Tensor Weight { get; }
    public Tensor Bias { get; }

    public SwishLinear(int inFeatures, int outFeatures, Rng rng, IBackend? backend = null)
    {
        Weight = Parameter("weight", Tensor.RandN([outFeatures, inFeatures], rng, std: 1 / Math.Sqrt(inFeatures), backend: backend));
        Bias = Parameter("bias", Tensor.Zeros([outFeatures], backend: backend));
    }

    public override Tensor Forward(Tensor x) => Apply(x, Weight, Bias);

    /// <summary>Each sample's output depends on that sample alone.</summary>
    public override bool MixesSamples => false;

    public static Tensor Apply(Tensor x, Tensor weight, Tensor bias) => x.Linear(weight, bias).Swish();
}
