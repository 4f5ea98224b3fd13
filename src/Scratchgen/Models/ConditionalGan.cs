using Scratchgen.Nn;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>
/// Conditional GAN (Mirza and Osindero): the label's one-hot code y is appended to both inputs.
///   G: (z, y) -> 256 -> 512 -> 1024 -> 784, LeakyReLU(0.2), tanh      D: (x, y) -> 512 -> 256 -> 1
/// Sampling with a chosen label draws that digit. Training: the step of <see cref="GanBase"/>.
/// </summary>
public sealed class ConditionalGan(ModelOptions o) : GanBase(o, BuildGenerator(o), BuildDiscriminator(o))
{
    public override string Kind => "cgan";
    public override bool IsConditional => true;

    protected override Tensor GeneratorInput(Tensor z, int[]? labels) => OneHot.Append(z, labels, Options.Classes, Kind);

    protected override Tensor DiscriminatorInput(Tensor images, int[]? labels) => OneHot.Append(Flat(images), labels, Options.Classes, Kind);

    private static Layer BuildGenerator(ModelOptions o) => new Sequential(
        Architectures.Mlp(new Rng(o.Seed * 2 + 1), o, () => new LeakyRelu(0.2), o.LatentDim + o.Classes, 256, 512, 1024, o.Pixels), new Tanh());

    private static Layer BuildDiscriminator(ModelOptions o) =>
        Architectures.Mlp(new Rng(o.Seed * 2 + 2), o, () => new LeakyRelu(0.2), o.Pixels + o.Classes, 512, 256, 1);
}
