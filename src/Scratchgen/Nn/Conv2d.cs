using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Nn;

/// <summary>2-D convolution.  x: (N, C, H, W), W: (K, C, R, S), b: (K) -> y: (N, K, OH, OW). PyTorch's default init.</summary>
public sealed class Conv2d : Layer
{
    /// <inheritdoc/>
    public override bool MixesSamples => false;

    internal int Stride { get; }
    internal int Padding { get; }
    internal int Dilation { get; }

    /// <summary>The filters, (out channels, in channels, kernel, kernel).</summary>
    public Tensor Weight { get; }
    /// <summary>One bias per output channel, or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>A 2-D convolution with square <paramref name="kernel"/>; weights and bias drawn from <paramref name="rng"/>, uniform in +-1/sqrt(in channels x kernel x kernel) as PyTorch initialises them.</summary>
    public Conv2d(int inChannels, int outChannels, int kernel, Rng rng, int stride = 1, int padding = 0, int dilation = 1, bool bias = true, IBackend? backend = null)
    {
        int fanIn = inChannels * kernel * kernel;
        Weight = Parameter("weight", Init.PyTorchDefault([outChannels, inChannels, kernel, kernel], fanIn, rng, backend));
        if (bias) Bias = Parameter("bias", Init.PyTorchDefault([outChannels], fanIn, rng, backend));
        (Stride, Padding, Dilation) = (stride, padding, dilation);
    }

    /// <summary>Set by <see cref="WithSpectralNorm"/>: the layer then uses W / sigma(W), W seen as (K, C R S).</summary>
    public SpectralNorm? Spectral { get; private set; }

    /// <summary>Spectral normalisation of the weight from now on (its u and v are saved as buffers "spectral.u/v").</summary>
    public Conv2d WithSpectralNorm(Rng rng)
    {
        Spectral ??= Child("spectral", new SpectralNorm(Weight.Dims[0], Weight.Numel / Weight.Dims[0], rng, Weight.Backend, Weight.DType));
        return this;
    }

    /// <summary>The weight the layer convolves with: W, or W / sigma(W) with spectral normalisation.</summary>
    internal Tensor EffectiveWeight => Spectral?.Apply(Weight, Training) ?? Weight;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Conv2d(EffectiveWeight, Bias, Stride, Padding, Dilation);
}

/// <summary>Transposed 2-D convolution (the adjoint of Conv2d: upsampling in generators).
/// x: (N, C, H, W), W: (C, K, R, S), b: (K) -> y: (N, K, (H - 1) stride - 2 padding + R + outputPadding, ...).</summary>
public sealed class ConvTranspose2d : Layer
{
    /// <inheritdoc/>
    public override bool MixesSamples => false;

    internal readonly int _stride, _padding, _outputPadding;

    /// <summary>The filters, (in channels, out channels, kernel, kernel), as PyTorch lays them out.</summary>
    public Tensor Weight { get; }
    /// <summary>One bias per output channel, or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>A transposed 2-D convolution (the adjoint of <see cref="Conv2d"/>, upsampling by <paramref name="stride"/>); weights drawn from <paramref name="rng"/>.</summary>
    public ConvTranspose2d(int inChannels, int outChannels, int kernel, Rng rng, int stride = 1, int padding = 0, int outputPadding = 0, bool bias = true, IBackend? backend = null)
    {
        int fanIn = outChannels * kernel * kernel; // PyTorch computes fan-in from weight dim 1 for transposed convs
        Weight = Parameter("weight", Init.PyTorchDefault([inChannels, outChannels, kernel, kernel], fanIn, rng, backend));
        if (bias) Bias = Parameter("bias", Init.PyTorchDefault([outChannels], fanIn, rng, backend));
        (_stride, _padding, _outputPadding) = (stride, padding, outputPadding);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.ConvTranspose2d(Weight, Bias, _stride, _padding, _outputPadding);
}

/// <summary>Batch normalization for (N, C) (BatchNorm1d) or (N, C, H, W) (BatchNorm2d) inputs: learned scale
/// and shift per channel; running mean and variance are buffers, updated in training and used in evaluation.</summary>
public sealed class BatchNorm : Layer
{
    /// <summary>True: while training, every sample is normalized with its batch's statistics.</summary>
    public override bool MixesSamples => true;

    internal double Momentum { get; }
    internal double Eps { get; }

    /// <summary>The per-channel scale gamma (starts at 1).</summary>
    public Tensor Weight { get; }
    /// <summary>The per-channel shift beta (starts at 0).</summary>
    public Tensor Bias { get; }
    /// <summary>The running mean per channel, used in evaluation mode.</summary>
    public Tensor RunningMean { get; }
    /// <summary>The running (unbiased) variance per channel, used in evaluation mode.</summary>
    public Tensor RunningVar { get; }

    /// <summary>Batch normalisation over (N, H, W) for each of <paramref name="channels"/> channels (or over N for (N, C) inputs); the running statistics move by <paramref name="momentum"/> per training step.</summary>
    public BatchNorm(int channels, double momentum = 0.1, double eps = 1e-5, IBackend? backend = null)
    {
        Weight = Parameter("weight", Tensor.Ones([channels], backend: backend));
        Bias = Parameter("bias", Tensor.Zeros([channels], backend: backend));
        RunningMean = Buffer("running_mean", Tensor.Zeros([channels], backend: backend));
        RunningVar = Buffer("running_var", Tensor.Ones([channels], backend: backend));
        (Momentum, Eps) = (momentum, eps);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.BatchNorm(Weight, Bias, RunningMean, RunningVar, Training, Momentum, Eps);
}
