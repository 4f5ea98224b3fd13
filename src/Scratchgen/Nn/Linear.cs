using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Nn;

/// <summary>y = x W^T + b.  x: (N, I), W: (O, I), b: (O) -> y: (N, O). PyTorch's default init.</summary>
public sealed class Linear : Layer
{
    /// <inheritdoc/>
    public override bool MixesSamples => false;

    /// <summary>The weight matrix, (out features, in features), as PyTorch lays it out.</summary>
    public Tensor Weight { get; }
    /// <summary>The bias, (out features), or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>y = x W^T + b; weights and bias drawn from <paramref name="rng"/> (uniform in +-1/sqrt(in), as PyTorch).</summary>
    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true, IBackend? backend = null)
    {
        if (inFeatures < 1 || outFeatures < 1) throw new ArgumentException($"Linear: sizes must be positive, got {inFeatures} -> {outFeatures}");
        Weight = Parameter("weight", Init.PyTorchDefault([outFeatures, inFeatures], inFeatures, rng, backend));
        if (bias) Bias = Parameter("bias", Init.PyTorchDefault([outFeatures], inFeatures, rng, backend));
    }

    /// <summary>Set by <see cref="WithSpectralNorm"/>: the layer then uses W / sigma(W).</summary>
    public SpectralNorm? Spectral { get; private set; }

    /// <summary>Spectral normalisation of the weight from now on (its u and v are saved as buffers "spectral.u/v").</summary>
    public Linear WithSpectralNorm(Rng rng)
    {
        Spectral ??= Child("spectral", new SpectralNorm(Weight.Dims[0], Weight.Dims[1], rng, Weight.Backend, Weight.DType));
        return this;
    }

    /// <summary>The weight the layer multiplies by: W, or W / sigma(W) with spectral normalisation.</summary>
    internal Tensor EffectiveWeight => Spectral?.Apply(Weight, Training) ?? Weight;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Linear(EffectiveWeight, Bias);
}
