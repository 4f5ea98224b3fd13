using Scratchgen.Nn;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>
/// The plain GAN with fully connected networks (the reference model of DESIGN.md):
///   G: L -> 256 -> 512 -> 1024 -> 784, LeakyReLU(0.2), tanh output
///   D: 784 -> 512 -> 256 -> 1, LeakyReLU(0.2), a logit
/// Training: the non-saturating step of <see cref="GanBase"/>.
/// </summary>
public sealed class Gan : GanBase
{
    public Gan(ModelOptions o) : this(o, BuildGenerator(o), BuildDiscriminator(o)) { }

    /// <summary>The same training with other networks: G maps (N, L) to (N, C H W), D maps the
    /// discriminator input to (N, 1) logits (the 2-D GAN lab uses small MLPs); D may learn at its own rate.</summary>
    public Gan(ModelOptions o, Layer generator, Layer discriminator, double? discriminatorLr = null)
        : base(o, generator, discriminator, discriminatorLr: discriminatorLr) { }

    public override string Kind => "gan";

    private static Layer BuildGenerator(ModelOptions o)
    {
        var g = Architectures.Mlp(new Rng(o.Seed * 2 + 1), o, () => new LeakyRelu(0.2), o.LatentDim, 256, 512, 1024, o.Pixels);
        return new Sequential(g, new Tanh());
    }

    private static Layer BuildDiscriminator(ModelOptions o) =>
        Architectures.Mlp(new Rng(o.Seed * 2 + 2), o, () => new LeakyRelu(0.2), o.Pixels, 512, 256, 1);
}
