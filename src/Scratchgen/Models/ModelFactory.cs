namespace Scratchgen.Models;

/// <summary>Every model by its command-line name, with the defaults the CLI uses.</summary>
public static class ModelFactory
{
    /// <summary>Name, description, default latent size, default epochs, default batch size.
    /// GANs get smaller batches: on the 9,000 embedded images more (smaller) steps per epoch is what
    /// makes a DCGAN draw recognisable digits within 5 epochs (batch 32: yes; 128: not yet; both
    /// measured with this code and with its PyTorch twin, bench/peers/torch_dcgan.py). The DCGAN draws from a
    /// 16-D latent, not the paper's 100-D one: in a budget of a few epochs G learns the smaller code's map much
    /// sooner (bench/QUALITY.md has the measurements); `--latent-dim 100` trains the paper's.</summary>
    public static IReadOnlyList<(string Name, string Description, int LatentDim, int Epochs, int BatchSize)> Catalog { get; } =
    [
        ("ae", "autoencoder (MLP 784-512-128-32, or --arch conv)", 32, 5, 128),
        ("dae", "denoising autoencoder (Gaussian noise 0.3)", 32, 5, 128),
        ("vae", "variational autoencoder (MLP 784-400-20, or --arch conv)", 20, 5, 128),
        ("cvae", "conditional VAE: draws a chosen digit", 4, 30, 128),
        ("gan", "GAN with MLPs (non-saturating loss)", 100, 30, 64),
        ("dcgan", "DCGAN: transposed-conv generator, conv discriminator", 16, 6, 32),
        ("cgan", "conditional GAN: draws a chosen digit", 100, 5, 32),
        ("wgan-gp", "Wasserstein GAN with gradient penalty (DCGAN networks)", 100, 5, 32),
    ];

    /// <summary>Every model name <see cref="Create"/> accepts.</summary>
    public static IEnumerable<string> Names => Catalog.Select(c => c.Name);

    /// <summary>A new model by its command-line name (gan, dcgan, vae, ae...), built from <paramref name="options"/>.</summary>
    public static GenerativeModel Create(string name, ModelOptions options) => name switch
    {
        "ae" => new Autoencoder(options),
        "dae" => new DenoisingAutoencoder(options),
        "vae" => new Vae(options),
        "cvae" => new ConditionalVae(options),
        "gan" => new Gan(options),
        "dcgan" => new Dcgan(options),
        "cgan" => new ConditionalGan(options),
        "wgan-gp" => new WganGp(options),
        _ => throw new ArgumentException($"unknown model '{name}': expected one of {string.Join(", ", Names)}"),
    };

    /// <summary>The recipe settings a model takes (<see cref="Recipe"/>): none for the autoencoders and the VAE.</summary>
    public static IReadOnlyList<RecipeKnob> Knobs(string name) => name switch
    {
        "gan" => Gan.Knobs,
        "dcgan" => Dcgan.Knobs,
        "cgan" => ConditionalGan.Knobs,
        "wgan-gp" => WganGp.Knobs,
        "vae" => Vae.Knobs,
        "cvae" => ConditionalVae.Knobs,
        _ => NoKnobs(Find(name).Name),
    };

    private static IReadOnlyList<RecipeKnob> NoKnobs(string _) => [];

    /// <summary>The latent width a model uses when none is given.</summary>
    public static int DefaultLatentDim(string name) => Find(name).LatentDim;

    /// <summary>The number of epochs the CLI trains a model for when none is given.</summary>
    public static int DefaultEpochs(string name) => Find(name).Epochs;

    /// <summary>The batch size the CLI trains a model with when none is given.</summary>
    public static int DefaultBatchSize(string name) => Find(name).BatchSize;

    private static (string Name, string Description, int LatentDim, int Epochs, int BatchSize) Find(string name) =>
        Catalog.FirstOrDefault(c => c.Name == name) is { Name: not null } c ? c
            : throw new ArgumentException($"unknown model '{name}': expected one of {string.Join(", ", Names)}");
}
