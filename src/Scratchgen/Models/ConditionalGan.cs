using Scratchgen.Nn;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>
/// Conditional GAN: sampling with a chosen label draws that digit. Two architectures (recipe arch):
///   conv (default): DCGAN's networks (<see cref="DcganNetworks"/>). G reads (z, y) with y one-hot, so its
///         first linear layer adds a learned embedding of the label to every unit; D is a projection
///         discriminator (<see cref="ProjectionDiscriminator"/>): D(x, y) = w^T phi(x) + e_y^T phi(x).
///   mlp (plain, Mirza and Osindero): the label's one-hot code appended to both inputs,
///         G: (z, y) -> 256 -> 512 -> 1024 -> 784, LeakyReLU(0.2), tanh      D: (x, y) -> 512 -> 256 -> 1
/// Training: the step of <see cref="GanBase"/>, with the recipe's shared knobs.
/// </summary>
public sealed class ConditionalGan : GanBase
{
    /// <summary>The recipe's settings; plain is the MLP cGAN of Mirza and Osindero.</summary>
    public static IReadOnlyList<RecipeKnob> Knobs { get; } =
    [
        new("arch", "conv", "mlp", "[conv|mlp] DCGAN networks with a projection discriminator, or MLPs with the label appended to both inputs"),
        .. CommonKnobs(lrG: 1e-3, lrD: 1e-3, ema: 0.999, smooth: 0, plainLr: 2e-4),
        new("sn", "0", "0", "1: spectral normalisation of every weight of D (Miyato et al.)"),
    ];

    private readonly bool _conv;

    /// <summary>A conditional GAN for the image size, classes and latent width in <paramref name="o"/>, with the recipe in o.Recipe applied.</summary>
    public ConditionalGan(ModelOptions o) : this(o, Recipe.Parse(o.Recipe, Knobs, "cgan")) { }

    private ConditionalGan(ModelOptions o, Recipe r)
        : base(o, r, () => BuildGenerator(o, r), BuildDiscriminator(o, r)) => _conv = r.Word("arch") == "conv";

    /// <inheritdoc/>
    public override string Kind => "cgan";
    /// <inheritdoc/>
    public override bool IsConditional => true;

    /// <inheritdoc/>
    protected override Tensor GeneratorInput(Tensor z, int[]? labels) => OneHot.Append(z, labels, Options.Classes, Kind);

    /// <inheritdoc/>
    protected override Tensor DiscriminatorInput(Tensor images, int[]? labels) =>
        _conv ? images : OneHot.Append(Flat(images), labels, Options.Classes, Kind);

    private static Layer BuildGenerator(ModelOptions o, Recipe r) => r.Word("arch") == "conv"
        ? DcganNetworks.Generator(o, o.LatentDim + o.Classes)
        : new Sequential(Architectures.Mlp(new Rng(o.Seed * 2 + 1), o, () => new LeakyRelu(0.2), o.LatentDim + o.Classes, 256, 512, 1024, o.Pixels), new Tanh());

    private static Layer BuildDiscriminator(ModelOptions o, Recipe r)
    {
        var rng = new Rng(o.Seed * 2 + 2);
        bool sn = r.Flag("sn");
        if (r.Word("arch") != "conv")
        {
            var mlp = Architectures.Mlp(rng, o, () => new LeakyRelu(0.2), o.Pixels + o.Classes, 512, 256, 1);
            if (sn)
                foreach (var layer in mlp.Layers.OfType<Linear>()) layer.WithSpectralNorm(rng);
            return mlp;
        }
        var style = new DcganNetworks.DiscriminatorStyle(SpectralNorm: sn);
        var features = DcganNetworks.DiscriminatorFeatures(o, rng, o.Channels, style);
        int f = DcganNetworks.FeatureCount(o, style);
        var head = new Linear(f, 1, rng, backend: o.ResolvedBackend);
        var d = new ProjectionDiscriminator(features, sn ? head.WithSpectralNorm(rng) : head, new Embedding(o.Classes, f, rng, o.ResolvedBackend));
        DcganNetworks.Initialize(d, rng, o.ResolvedBackend);
        return d;
    }
}
