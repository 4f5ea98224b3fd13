using Scratchgen.Nn;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>The network shapes the models share. Conv variants need H and W divisible by 4
/// (two stride-2 stages: 28 -> 14 -> 7).</summary>
internal static class Architectures
{
    /// <summary>Fully connected stack: sizes[0] -> sizes[1] -> ... with an activation between layers (none after the last).</summary>
    public static Sequential Mlp(Rng rng, ModelOptions o, Func<Layer> activation, params int[] sizes) => Mlp(rng, o, activation, batchNorm: false, sizes);

    /// <summary><see cref="Mlp(Rng, ModelOptions, Func{Layer}, int[])"/> with, where <paramref name="batchNorm"/> is set,
    /// batch norm between each hidden layer and its activation.</summary>
    public static Sequential Mlp(Rng rng, ModelOptions o, Func<Layer> activation, bool batchNorm, params int[] sizes)
    {
        var layers = new List<Layer>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            layers.Add(new Linear(sizes[i], sizes[i + 1], rng, backend: o.ResolvedBackend));
            if (i + 2 >= sizes.Length) continue;
            if (batchNorm) layers.Add(new BatchNorm(sizes[i + 1], backend: o.ResolvedBackend));
            layers.Add(activation());
        }
        return new Sequential([.. layers]);
    }

    /// <summary>(N, C, H, W) -> (N, outFeatures): two 4x4 stride-2 convolutions (C -> 32 -> 64), then a linear layer.</summary>
    public static Sequential ConvEncoder(Rng rng, ModelOptions o, int outFeatures)
    {
        RequireDivisibleBy4(o);
        var b = o.ResolvedBackend;
        return new Sequential(
            new Conv2d(o.Channels, 32, 4, rng, stride: 2, padding: 1, backend: b), new Relu(),
            new Conv2d(32, 64, 4, rng, stride: 2, padding: 1, backend: b), new Relu(),
            new Flatten(),
            new Linear(64 * (o.Height / 4) * (o.Width / 4), outFeatures, rng, backend: b));
    }

    /// <summary>(N, inFeatures) -> (N, C, H, W) logits: a linear layer to 64 x H/4 x W/4, then two 4x4 stride-2 transposed convolutions.</summary>
    public static Sequential ConvDecoder(Rng rng, ModelOptions o, int inFeatures)
    {
        RequireDivisibleBy4(o);
        var b = o.ResolvedBackend;
        return new Sequential(
            new Linear(inFeatures, 64 * (o.Height / 4) * (o.Width / 4), rng, backend: b), new Relu(),
            new Unflatten(64, o.Height / 4, o.Width / 4),
            new ConvTranspose2d(64, 32, 4, rng, stride: 2, padding: 1, backend: b), new Relu(),
            new ConvTranspose2d(32, o.Channels, 4, rng, stride: 2, padding: 1, backend: b));
    }

    public static void RequireDivisibleBy4(ModelOptions o)
    {
        if (o.Height % 4 != 0 || o.Width % 4 != 0)
            throw new ArgumentException($"the conv architecture needs image sides divisible by 4, got {o.Height}x{o.Width}: use --arch mlp or resize the images");
    }
}
