using Scratchgen.Backends;
using Scratchgen.Models;
using Scratchgen.Nn;
using Scratchgen.Tensors;

namespace Scratchgen.Lab;

/// <summary>
/// The lab's GANs on 2-D points: the image models' own training (<see cref="Gan"/>'s non-saturating
/// step, <see cref="WganGp"/>'s critic with gradient penalty) with small MLPs, points carried as
/// 1x1x2 "images" so that nothing of the image code path changes:
///   G: z (16) -> 128 -> 128 -> 2, ReLU         D: (1, 1, 2) -> flatten -> 2 -> 128 -> 128 -> 1, ReLU
/// Measured on the ring (seeds 1-3, 3,000 steps, batch 256; the command guide, src/Scratchgen.Cli/README.md): "gan", with D learning ten times
/// slower than G (1e-4 against 1e-3), bunches up on one mode or none; the same networks with D learning
/// as fast as G ("gan-balanced") cover 6 to 8 of the 8; WGAN-GP spreads over the ring but is still
/// blurry at this budget.
/// </summary>
internal static class ToyGans
{
    /// <summary>A lab model: its name, what it is, and how it trains (Adam betas are the model's own:
    /// 0.5/0.999 for the GAN, 0/0.9 for WGAN-GP).</summary>
    /// <param name="Lambda">WGAN-GP's penalty weight (0.1, as in the WGAN-GP authors' toy experiments).</param>
    /// <param name="NCritic">WGAN-GP's critic steps per generator step.</param>
    public sealed record Spec(string Name, string Description, bool Wasserstein, double GeneratorLr, double DiscriminatorLr, double Lambda = 0.1, int NCritic = 5);

    public static IReadOnlyList<Spec> Catalog { get; } =
    [
        new("gan", "plain GAN, non-saturating loss; G lr 1e-3, D lr 1e-4 (D ten times slower than G)", false, 1e-3, 1e-4),
        new("gan-balanced", "the same GAN with D learning as fast as G (lr 1e-3 both)", false, 1e-3, 1e-3),
        new("wgan-gp", "Wasserstein GAN with gradient penalty (lambda 0.1), 5 critic steps per G step, lr 1e-3", true, 1e-3, 1e-3),
    ];

    public static IEnumerable<string> Names => Catalog.Select(c => c.Name);

    public static GanBase Create(string name, ulong seed, int latentDim = 16, int hidden = 128, IBackend? backend = null)
    {
        var spec = Catalog.FirstOrDefault(c => c.Name == name)
            ?? throw new ArgumentException($"unknown lab model '{name}': expected one of {string.Join(", ", Names)}");
        var o = new ModelOptions(Channels: 1, Height: 1, Width: 2, Classes: 1, LatentDim: latentDim, LearningRate: spec.GeneratorLr, Seed: seed, Backend: backend);
        var g = Architectures.Mlp(new Rng(seed * 2 + 1), o, () => new Relu(), latentDim, hidden, hidden, 2);
        var d = new Sequential(new Flatten(), Architectures.Mlp(new Rng(seed * 2 + 2), o, () => new Relu(), 2, hidden, hidden, 1));
        GanBase model = spec.Wasserstein
            ? new WganGp(o, g, d, spec.Lambda, spec.NCritic, spec.DiscriminatorLr)
            : new Gan(o, g, d, spec.DiscriminatorLr);
        foreach (var (path, p) in model.NamedParameters()) p.Name = path;
        return model;
    }

    /// <summary>True when D's output is a logit (sigmoid gives P(real)); false for a critic's unbounded score.</summary>
    public static bool HasLogitOutput(GanBase model) => model is not WganGp;
}
