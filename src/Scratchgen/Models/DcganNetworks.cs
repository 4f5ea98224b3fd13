using Scratchgen.Backends;
using Scratchgen.Nn;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>
/// The DCGAN networks (Radford et al.) sized by the image, shared by dcgan, cgan and wgan-gp. As in the
/// paper's 64x64 network, each stride-2 stage doubles the side: G starts from a base of 4 to 7 pixels and
/// halves its channels per stage, D mirrors it.
///   stages: halve the side while it stays even and at least 4 after halving (28 -> 14 -> 7: two;
///           32 -> 16 -> 8 -> 4: three; 64: four; a toy side of 4 or 6 gets one)
///   G: z (L) -> Linear -> (w_0, b, b) BN ReLU -> [ConvT w_i -> w_i+1 4x4/2, BN ReLU] ... -> ConvT -> (C, H, W) tanh
///   D: (C, H, W) -> Conv C -> d_0 4x4/2 LeakyReLU(0.2) -> [Conv d_i -> d_i+1 4x4/2, BN, LeakyReLU(0.2)] ...
///      -> Flatten -> features (d_last b b), then a linear head to one logit
///   widths: G's last hidden stage has 64 channels and each stage below it twice as many, D's first has 64
///   and each later one twice as many, both capped at 256 (28x28: G 128, 64; D 64, 128 as the 28x28 DCGAN).
/// Weights N(0, 0.02), batch norm scales N(1, 0.02), biases 0 (<see cref="Initialize"/>).
/// </summary>
internal static class DcganNetworks
{
    /// <summary>How D is built: batch norm after every convolution but the first (WGAN-GP's critic has none:
    /// its penalty is per image), spectral normalisation of every weight, a minibatch standard deviation
    /// plane (<see cref="MinibatchStd"/>) before the head.</summary>
    public sealed record DiscriminatorStyle(bool BatchNorm = true, bool SpectralNorm = false, bool MinibatchStd = false, int Width = DefaultWidth);

    /// <summary>Channels of G's last hidden stage and of D's first (each stage towards the base doubles them).</summary>
    public const int DefaultWidth = 64;

    private const int MaxWidth = 256;

    /// <summary>The number of stride-2 stages for an image side (at least one).</summary>
    public static int Stages(ModelOptions o)
    {
        int side = Math.Min(o.Height, o.Width), stages = 0;
        while (side % 2 == 0 && (side / 2 >= 4 || stages == 0)) // toy sides (4, 6) still get one stage
        {
            side /= 2;
            stages++;
        }
        if (stages == 0 || side > 8 || o.Height % (1 << stages) != 0 || o.Width % (1 << stages) != 0)
            throw new ArgumentException($"the DCGAN networks halve the image side per stage down to 4-8 pixels; {o.Height}x{o.Width} does not halve evenly " +
                                        "(use sides such as 28, 32 or 64: --image-size)");
        return stages;
    }

    private static int Width(int fromTop, int stages, int width) => Math.Min(MaxWidth, width << (stages - 1 - fromTop));

    /// <summary>G: (N, inputs) -> (N, C, H, W) in [-1, 1]. Seeds its own Rng from the model's seed, so a
    /// second build (the weight average's copy) starts identical.</summary>
    public static Sequential Generator(ModelOptions o, int inputs, int width = DefaultWidth)
    {
        int stages = Stages(o);
        var rng = new Rng(o.Seed * 2 + 1);
        var b = o.ResolvedBackend;
        int h = o.Height >> stages, w = o.Width >> stages, top = Width(0, stages, width);
        var layers = new List<Layer>
        {
            new Linear(inputs, top * h * w, rng, backend: b), new Unflatten(top, h, w), new BatchNorm(top, backend: b), new Relu(),
        };
        for (int i = 0; i < stages; i++)
        {
            int from = Width(i, stages, width);
            bool last = i == stages - 1;
            int to = last ? o.Channels : Width(i + 1, stages, width);
            layers.Add(new ConvTranspose2d(from, to, 4, rng, stride: 2, padding: 1, backend: b));
            if (last) layers.Add(new Tanh());
            else layers.AddRange([new BatchNorm(to, backend: b), new Relu()]);
        }
        var g = new Sequential([.. layers]);
        Initialize(g, rng, b);
        return g;
    }

    /// <summary>D's features: (N, inputChannels, H, W) -> (N, F), F = <see cref="FeatureCount"/>.</summary>
    public static Sequential DiscriminatorFeatures(ModelOptions o, Rng rng, int inputChannels, DiscriminatorStyle style)
    {
        int stages = Stages(o);
        var b = o.ResolvedBackend;
        var layers = new List<Layer>();
        for (int i = 0; i < stages; i++)
        {
            int from = i == 0 ? inputChannels : DWidth(i - 1, style.Width), to = DWidth(i, style.Width);
            var conv = new Conv2d(from, to, 4, rng, stride: 2, padding: 1, backend: b);
            layers.Add(style.SpectralNorm ? conv.WithSpectralNorm(rng) : conv);
            if (i > 0 && style.BatchNorm) layers.Add(new BatchNorm(to, backend: b));
            layers.Add(new LeakyRelu(0.2));
        }
        if (style.MinibatchStd) layers.Add(new MinibatchStd());
        layers.Add(new Flatten());
        return new Sequential([.. layers]);
    }

    private static int DWidth(int stage, int width) => Math.Min(MaxWidth, width << stage);

    /// <summary>Length of D's feature vector: the last stage's channels (one more with the minibatch
    /// standard deviation plane) times its pixels.</summary>
    public static int FeatureCount(ModelOptions o, DiscriminatorStyle style)
    {
        int stages = Stages(o);
        return (DWidth(stages - 1, style.Width) + (style.MinibatchStd ? 1 : 0)) * (o.Height >> stages) * (o.Width >> stages);
    }

    /// <summary>The whole unconditional D: features, then a linear head to one logit.</summary>
    public static Sequential Discriminator(ModelOptions o, DiscriminatorStyle style)
    {
        var rng = new Rng(o.Seed * 2 + 2);
        var features = DiscriminatorFeatures(o, rng, o.Channels, style);
        var head = new Linear(FeatureCount(o, style), 1, rng, backend: o.ResolvedBackend);
        var d = new Sequential([.. features.Layers, style.SpectralNorm ? head.WithSpectralNorm(rng) : head]);
        Initialize(d, rng, o.ResolvedBackend);
        return d;
    }

    /// <summary>DCGAN's initialisation: conv, linear and embedding weights N(0, 0.02), batch norm scale
    /// N(1, 0.02), biases 0; spectral norm's u and v (buffers) are left as drawn.</summary>
    public static void Initialize(Module net, Rng rng, IBackend backend)
    {
        foreach (var (name, p) in net.NamedParameters())
        {
            bool batchNormScale = Owner(net, name) is BatchNorm && name.EndsWith("weight");
            var value = name.EndsWith("bias") ? Tensor.Zeros(p.Dims, backend: backend)
                : Init.Normal(p.Dims, rng, batchNormScale ? 1.0 : 0.0, 0.02, backend);
            backend.Copy(value, p);
        }
    }

    // The module a dotted parameter name belongs to ("3.weight" -> child "3").
    private static Module? Owner(Module net, string name)
    {
        Module current = net;
        var parts = name.Split('.');
        foreach (var part in parts[..^1])
        {
            var next = current.Children.FirstOrDefault(c => c.Name == part).Module;
            if (next == null) return null;
            current = next;
        }
        return current;
    }
}
