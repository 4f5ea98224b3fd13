using Scratchgen.Nn;

namespace Scratchgen.Models;

/// <summary>
/// DCGAN (Radford et al.): a transposed-convolution generator and a convolutional discriminator with
/// batch norm, as many stride-2 stages as the image side asks (<see cref="DcganNetworks"/>: two for
/// 28x28 digits, three for 32x32, four for 64x64).
/// Training: the non-saturating step of <see cref="GanBase"/>; the recipe adds spectral normalisation
/// of D's weights (sn) to the shared knobs.
/// </summary>
public sealed class Dcgan : GanBase
{
    /// <summary>The recipe's settings, with the textbook DCGAN's as the plain values.</summary>
    public static IReadOnlyList<RecipeKnob> Knobs { get; } =
    [
        .. CommonKnobs(lrG: 1e-3, lrD: 1e-3, ema: 0.999, smooth: 0, plainLr: 2e-4, beta2: 0.99),
        new("sn", "0", "0", "1: spectral normalisation of every weight of D (Miyato et al.)"),
        new("mbstd", "0", "0", "1: a minibatch standard deviation plane before D's head (the batch's spread as a feature)"),
        new("width", "64", "64", "channels of G's last hidden stage and D's first; each stage towards the base doubles them (capped at 256)"),
    ];

    /// <summary>A DCGAN (convolutional generator and discriminator) for the image size and latent width in <paramref name="o"/>, with the recipe in o.Recipe applied.</summary>
    public Dcgan(ModelOptions o) : this(o, Recipe.Parse(o.Recipe, Knobs, "dcgan")) { }

    private Dcgan(ModelOptions o, Recipe r)
        : base(o, r, () => DcganNetworks.Generator(o, o.LatentDim, Width(r)),
            DcganNetworks.Discriminator(o, new(SpectralNorm: r.Flag("sn"), MinibatchStd: r.Flag("mbstd"), Width: Width(r)))) { }

    private static int Width(Recipe r) => (int)r.Number("width") is var w and >= 1 ? w
        : throw new ArgumentException($"--recipe: dcgan's width must be at least 1, got {r.Word("width")}");

    /// <inheritdoc/>
    public override string Kind => "dcgan";

    /// <inheritdoc/>
    protected override Tensors.Tensor DiscriminatorInput(Tensors.Tensor images, int[]? labels) => images;
}
