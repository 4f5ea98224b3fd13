using Scratchgen.Nn;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>
/// The plain GAN with fully connected networks:
///   G: L -> 256 -> 512 -> 1024 -> 784, LeakyReLU(0.2), tanh output
///   D: 784 -> 512 -> 256 -> 1, LeakyReLU(0.2), a logit
/// Training: the non-saturating step of <see cref="GanBase"/>, with the recipe's shared knobs.
/// </summary>
public sealed class Gan : GanBase
{
    /// <summary>The recipe's settings, with Goodfellow et al.'s step at DCGAN's learning rate as the plain values.</summary>
    public static IReadOnlyList<RecipeKnob> Knobs { get; } =
    [
        .. CommonKnobs(lrG: 5e-4, lrD: 5e-4, ema: 0.999, smooth: 0, plainLr: 2e-4),
        new("sn", "0", "0", "1: spectral normalisation of every weight of D (Miyato et al.)"),
        new("g_bn", "1", "0", "1: batch norm between G's hidden layers and their activations"),
        new("mbstd", "1", "0", "1: D sees the batch's spread as one more feature after its first layer (minibatch standard deviation)"),
    ];

    /// <summary>An MLP GAN for the image size and latent width in <paramref name="o"/>, with the recipe in o.Recipe applied.</summary>
    public Gan(ModelOptions o) : this(o, Recipe.Parse(o.Recipe, Knobs, "gan")) { }

    private Gan(ModelOptions o, Recipe r) : base(o, r, () => BuildGenerator(o, r.Flag("g_bn")), BuildDiscriminator(o, r.Flag("sn"), r.Flag("mbstd"))) { }

    /// <summary>The same training with other networks: G maps (N, L) to (N, C H W), D maps the
    /// discriminator input to (N, 1) logits (the 2-D GAN lab uses small MLPs); D may learn at its own rate.</summary>
    public Gan(ModelOptions o, Layer generator, Layer discriminator, double? discriminatorLr = null)
        : base(o, Recipe.None, () => generator, discriminator, discriminatorLr: discriminatorLr) { }

    /// <inheritdoc/>
    public override string Kind => "gan";

    private static Layer BuildGenerator(ModelOptions o, bool batchNorm)
    {
        var g = Architectures.Mlp(new Rng(o.Seed * 2 + 1), o, () => new LeakyRelu(0.2), batchNorm, o.LatentDim, 256, 512, 1024, o.Pixels);
        return new Sequential(g, new Tanh());
    }

    private static Layer BuildDiscriminator(ModelOptions o, bool spectralNorm, bool minibatchStd)
    {
        var rng = new Rng(o.Seed * 2 + 2);
        var d = minibatchStd
            ? new Sequential(new Linear(o.Pixels, 512, rng, backend: o.ResolvedBackend), new LeakyRelu(0.2), new MinibatchStd(),
                new Linear(513, 256, rng, backend: o.ResolvedBackend), new LeakyRelu(0.2), new Linear(256, 1, rng, backend: o.ResolvedBackend))
            : Architectures.Mlp(rng, o, () => new LeakyRelu(0.2), o.Pixels, 512, 256, 1);
        if (spectralNorm)
            foreach (var layer in d.Layers.OfType<Linear>()) layer.WithSpectralNorm(rng);
        return d;
    }
}
