using Scratchgen.Autograd;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>
/// WGAN-GP (Gulrajani et al.): a critic D scores realness without a sigmoid, trained to estimate the
/// Wasserstein distance, with a gradient penalty keeping it 1-Lipschitz:
///   critic: minimise mean D(G(z)) - mean D(x) + lambda mean (||dD(x_hat)/dx_hat||_2 - 1)^2,
///           x_hat = e x + (1 - e) G(z), e ~ U(0, 1) per image
///   G (once every nCritic critic steps): minimise -mean D(G(z))
/// The penalty differentiates a gradient: dD/dx_hat is computed with createGraph, so the critic's
/// update flows through the backward pass itself. Networks: DCGAN's generator, DCGAN's discriminator
/// without batch norm (the penalty is per image). Adam betas 0 / 0.9 as in the paper; the recipe sets
/// the learning rates, lambda (gp), nCritic (n_critic) and the average of G's weights (ema).
/// </summary>
public sealed class WganGp : GanBase
{
    /// <summary>The recipe's settings, with the paper's as the plain values.</summary>
    public static IReadOnlyList<RecipeKnob> Knobs { get; } =
    [
        new("lr_g", "1e-3", "1e-4", "G's Adam learning rate (--lr sets both)"),
        new("lr_d", "1e-3", "1e-4", "the critic's Adam learning rate (--lr sets both)"),
        new("ema", "0.999", "0", "decay of the moving average of G's weights that sampling uses (0: sample the trained G)"),
        new("n_critic", "1", "5", "critic steps per generator step"),
        new("gp", "10", "10", "lambda, the weight of the gradient penalty"),
        DecayKnob("none"),
    ];

    private readonly double _lambda;
    private readonly int _nCritic;
    private int _criticSteps;

    /// <summary>A WGAN with gradient penalty for the image size and latent width in <paramref name="o"/>, with the recipe in o.Recipe applied.</summary>
    public WganGp(ModelOptions o) : this(o, Recipe.Parse(o.Recipe, Knobs, "wgan-gp")) { }

    private WganGp(ModelOptions o, Recipe r)
        : this(o, r, () => DcganNetworks.Generator(o, o.LatentDim), DcganNetworks.Discriminator(o, new(BatchNorm: false)),
            r.Number("gp"), (int)r.Number("n_critic"), null) { }

    /// <summary>The same training with other networks: G maps (N, L) to (N, C H W), the critic maps
    /// images (N, C, H, W) to (N, 1) scores (the 2-D GAN lab uses small MLPs behind a Flatten).</summary>
    public WganGp(ModelOptions o, Layer generator, Layer critic, double lambda = 10, int nCritic = 5, double? criticLr = null)
        : this(o, Recipe.None, () => generator, critic, lambda, nCritic, criticLr) { }

    private WganGp(ModelOptions o, Recipe r, Func<Layer> generator, Layer critic, double lambda, int nCritic, double? criticLr)
        : base(o, r, generator, critic, beta1: 0.0, beta2: 0.9, defaultLr: 1e-4, discriminatorLr: criticLr)
    {
        if (lambda < 0) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "the gradient penalty weight must not be negative");
        if (nCritic < 1) throw new ArgumentOutOfRangeException(nameof(nCritic), nCritic, "critic steps per generator step must be at least 1");
        _lambda = lambda;
        _nCritic = nCritic;
    }

    /// <inheritdoc/>
    public override string Kind => "wgan-gp";

    /// <inheritdoc/>
    protected override long GeneratorSteps(long totalSteps) => totalSteps / _nCritic;

    /// <inheritdoc/>
    protected override Tensor DiscriminatorInput(Tensor images, int[]? labels) => images;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> TrainStep(Tensor images, int[] labels)
    {
        int n = images.Dims[0];
        var fake = Decode(SampleLatent(n, Rng)).Detach();
        var penalty = GradientPenalty(images, fake);
        var wasserstein = Critic(images, null).Mean().Sub(Critic(fake, null).Mean());
        var lossCritic = wasserstein.Neg().Add(penalty.Mul(_lambda));
        DiscriminatorOptimizer.ZeroGrad();
        lossCritic.Backward();
        DiscriminatorOptimizer.Step();

        double lossG = double.NaN;
        if (++_criticSteps % _nCritic == 0)
            lossG = GeneratorStep(() => Critic(Decode(SampleLatent(n, Rng)), null).Mean().Neg()).Item();
        var result = new Dictionary<string, double>
        {
            ["loss_critic"] = lossCritic.Item(),
            ["wasserstein"] = wasserstein.Item(),
            ["gradient_penalty"] = penalty.Item(),
        };
        if (!double.IsNaN(lossG)) result["loss_g"] = lossG;
        return result;
    }

    /// <summary>mean over images of (||dD/dx_hat|| - 1)^2 at random points between real and fake.</summary>
    public Tensor GradientPenalty(Tensor real, Tensor fake)
    {
        int n = real.Dims[0];
        var e = Tensor.Rand([n, 1, 1, 1], Rng, backend: real.Backend);
        var xHat = real.Mul(e).Add(fake.Mul(e.RSub(1))).Detach().RequireGrad();
        var grad = Gradients.Of(Critic(xHat, null).Sum(), [xHat], createGraph: true)[0];
        var norm = grad.Reshape([n, -1]).Square().Sum(1).Add(1e-12).Sqrt();
        return norm.Sub(1).Square().Mean();
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Evaluate(Tensor images, int[] labels) => NoGrad(() =>
    {
        var fake = Decode(SampleLatent(images.Dims[0], new Rng(0)));
        return Losses(("wasserstein", Critic(images, null).Mean().Sub(Critic(fake, null).Mean()).Item()));
    });
}
