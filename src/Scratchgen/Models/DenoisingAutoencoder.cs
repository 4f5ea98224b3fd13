using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>How a denoising autoencoder corrupts its input.</summary>
public enum NoiseKind
{
    /// <summary>x + N(0, level^2), clamped to [0, 1].</summary>
    Gaussian,
    /// <summary>Each pixel set to 0 with probability level.</summary>
    Masking,
}

/// <summary>
/// Denoising autoencoder: the same networks as <see cref="Autoencoder"/>, trained to map a corrupted
/// image back to the clean one: loss = BCE(decoder(encoder(corrupt(x))), x).
/// </summary>
public sealed class DenoisingAutoencoder(ModelOptions options, NoiseKind noise = NoiseKind.Gaussian, double level = 0.3) : Autoencoder(options)
{
    /// <inheritdoc/>
    public override string Kind => "dae";

    /// <summary>The kind of corruption applied to the inputs during training.</summary>
    public NoiseKind Noise => noise;

    /// <summary>A corrupted copy of x (values stay in [0, 1]).</summary>
    public Tensor Corrupt(Tensor x, Rng rng) => noise switch
    {
        NoiseKind.Gaussian => x.Add(Tensor.RandN(x.Dims, rng, 0, level, backend: x.Backend)).Clamp(0, 1),
        _ => x.Mul(Masks.Map(Tensor.Rand(x.Dims, rng, backend: x.Backend).Sub(level), default(StepFn))), // keep where u > level
    };

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> TrainStep(Tensor images, int[] labels) => Step(Corrupt(images, Rng), images);

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Evaluate(Tensor images, int[] labels) =>
        NoGrad(() => Losses(("bce", Loss.BceWithLogits(ReconstructionLogits(Corrupt(images, new Rng(0))), images).Item())));
}
