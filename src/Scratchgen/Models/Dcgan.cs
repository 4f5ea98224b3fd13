using Scratchgen.Backends;
using Scratchgen.Nn;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>
/// DCGAN (Radford et al.) sized for 28x28 digits, weights initialised N(0, 0.02) (batch norm scales N(1, 0.02)):
///   G: z (L) -> Linear -> (128, 7, 7) BN ReLU -> ConvT 128->64 4x4/2 -> (64, 14, 14) BN ReLU -> ConvT 64->C 4x4/2 -> (C, 28, 28) tanh
///   D: (C, 28, 28) -> Conv C->64 4x4/2 LeakyReLU(0.2) -> Conv 64->128 4x4/2 BN LeakyReLU(0.2) -> Linear 128*7*7 -> 1 logit
/// Training: the non-saturating step of <see cref="GanBase"/>.
/// </summary>
public sealed class Dcgan(ModelOptions o) : GanBase(o, BuildGenerator(o), BuildDiscriminator(o))
{
    public override string Kind => "dcgan";

    protected override Tensor DiscriminatorInput(Tensor images, int[]? labels) => images;

    internal static Layer BuildGenerator(ModelOptions o)
    {
        Architectures.RequireDivisibleBy4(o);
        var rng = new Rng(o.Seed * 2 + 1);
        var b = o.ResolvedBackend;
        int h = o.Height / 4, w = o.Width / 4;
        var g = new Sequential(
            new Linear(o.LatentDim, 128 * h * w, rng, backend: b),
            new Unflatten(128, h, w), new BatchNorm(128, backend: b), new Relu(),
            new ConvTranspose2d(128, 64, 4, rng, stride: 2, padding: 1, backend: b), new BatchNorm(64, backend: b), new Relu(),
            new ConvTranspose2d(64, o.Channels, 4, rng, stride: 2, padding: 1, backend: b), new Tanh());
        DcganInit(g, rng, b);
        return g;
    }

    internal static Layer BuildDiscriminator(ModelOptions o, bool batchNorm = true)
    {
        Architectures.RequireDivisibleBy4(o);
        var rng = new Rng(o.Seed * 2 + 2);
        var b = o.ResolvedBackend;
        var layers = new List<Layer>
        {
            new Conv2d(o.Channels, 64, 4, rng, stride: 2, padding: 1, backend: b), new LeakyRelu(0.2),
            new Conv2d(64, 128, 4, rng, stride: 2, padding: 1, backend: b),
        };
        if (batchNorm) layers.Add(new BatchNorm(128, backend: b));
        layers.AddRange([new LeakyRelu(0.2), new Flatten(), new Linear(128 * (o.Height / 4) * (o.Width / 4), 1, rng, backend: b)]);
        var d = new Sequential([.. layers]);
        DcganInit(d, rng, b);
        return d;
    }

    /// <summary>DCGAN's initialisation: conv and linear weights N(0, 0.02), batch norm scale N(1, 0.02), biases 0.</summary>
    private static void DcganInit(Sequential net, Rng rng, IBackend backend)
    {
        foreach (var (name, p) in net.NamedParameters())
        {
            bool batchNormScale = net.Layers[int.Parse(name.Split('.')[0])] is BatchNorm && name.EndsWith("weight");
            var value = name.EndsWith("bias") ? Tensor.Zeros(p.Dims, backend: backend)
                : Init.Normal(p.Dims, rng, batchNormScale ? 1.0 : 0.0, 0.02, backend);
            backend.Copy(value, p);
        }
    }
}
