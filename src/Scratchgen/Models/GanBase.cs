using Scratchgen.Imaging;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Optim;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>
/// The adversarial pair shared by the GAN family: a generator G (latent -> image in [-1, 1]) and a
/// discriminator D (image -> one logit), each with its own Adam (betas 0.5 / 0.999 as in DCGAN; the recipe's beta2 may shorten the second).
/// The standard, non-saturating training step (Goodfellow et al.):
///   D: minimise BCE(D(x), 1 - s) + BCE(D(G(z)), 0)   (G(z) detached: only D moves; s: one-sided label
///                                                    smoothing, 0 in the textbook step)
///   G: minimise BCE(D(G(z)), 1)                      (only G's optimizer steps; D's parameters are
///                                                    frozen meanwhile, so no D weight gradient is computed)
/// The recipe (<see cref="Recipe"/>) sets the learning rates (lr_g, lr_d), the smoothing (smooth) and an
/// exponential moving average of G's weights (ema: the decay, 0 for none; <see cref="WeightAverage"/>),
/// which sampling uses while training keeps moving G. Subclasses supply the networks; <see cref="WganGp"/>
/// replaces the step.
/// </summary>
public abstract class GanBase : GenerativeModel
{
    /// <summary>The knobs every GAN of the catalog has, with its own defaults.</summary>
    protected static IEnumerable<RecipeKnob> CommonKnobs(double lrG, double lrD, double ema, double smooth, double plainLr, double beta2 = PlainBeta2) =>
    [
        new("lr_g", Format(lrG), Format(plainLr), "G's Adam learning rate (--lr sets both)"),
        new("lr_d", Format(lrD), Format(plainLr), "D's Adam learning rate (--lr sets both)"),
        new("beta2", Format(beta2), Format(PlainBeta2), "Adam's second-moment decay for G and D: a shorter memory (0.99) lets each step's size follow the opponent's moves sooner"),
        new("ema", Format(ema), "0", "decay of the moving average of G's weights that sampling uses (0: sample the trained G)"),
        new("smooth", Format(smooth), "0", "one-sided label smoothing: D's target for real images is 1 - smooth"),
        DecayKnob("none"),
        new("loss", "bce", "bce", "[bce|hinge] the non-saturating cross-entropy, or the hinge loss (D: relu(1 - real) + relu(1 + fake); G: -D(fake))"),
    ];

    /// <summary>How the learning rates change over the run.</summary>
    protected static RecipeKnob DecayKnob(string value) =>
        new("decay", value, "none", "[none|cosine] learning rates constant, or falling along a half cosine to 0 by the run's last step");

    /// <summary>G steps in a run of <paramref name="totalSteps"/> batches (WGAN-GP steps G once every n critic steps).</summary>
    protected virtual long GeneratorSteps(long totalSteps) => totalSteps;

    /// <summary>With the recipe's cosine decay, both optimizers' rates fall to 0 over the run's steps.</summary>
    public override void PlanSteps(long totalSteps)
    {
        if (Recipe.Word("decay", "none") != "cosine") return;
        DiscriminatorOptimizer.Schedule = new CosineLr((int)Math.Min(int.MaxValue, totalSteps));
        GeneratorOptimizer.Schedule = new CosineLr((int)Math.Min(int.MaxValue, Math.Max(1, GeneratorSteps(totalSteps))));
    }

    /// <summary>Adam's second-moment decay in the DCGAN paper's recipe.</summary>
    protected const double PlainBeta2 = 0.999;

    private static string Format(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Builds G and D with their Adam optimizers (and G's weight average when the recipe asks for one).</summary>
    /// <param name="options">Image shape, latent width, seed and backend.</param>
    /// <param name="recipe">The resolved recipe: learning rates, decay, averaging.</param>
    /// <param name="generator">Builds G; called twice when the recipe averages G's weights (the average
    /// is a second instance of the same architecture).</param>
    /// <param name="discriminatorLr">D's own learning rate; null: the recipe's lr_d, or G's.</param>
    /// <param name="discriminator">D, built once.</param>
    /// <param name="beta1">Adam's beta1 for both optimizers (0.5, as DCGAN).</param>
    /// <param name="beta2">Adam's beta2 for both optimizers.</param>
    /// <param name="defaultLr">G's learning rate when neither the options nor the recipe set one.</param>
    protected GanBase(ModelOptions options, Recipe recipe, Func<Layer> generator, Layer discriminator, double beta1 = 0.5, double beta2 = 0.999,
        double defaultLr = 2e-4, double? discriminatorLr = null)
        : base(options, recipe)
    {
        var g = generator();
        Generator = Child("generator", g);
        Discriminator = Child("discriminator", discriminator);
        double lrG = options.LearningRate ?? recipe.Number("lr_g", defaultLr);
        double lrD = discriminatorLr ?? options.LearningRate ?? recipe.Number("lr_d", lrG);
        beta2 = recipe.Number("beta2", beta2);
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"--recipe: beta2 must be in [0, 1), got {beta2}");
        GeneratorOptimizer = new Adam(g.Parameters(), lrG, beta1, beta2);
        DiscriminatorOptimizer = new Adam(discriminator.Parameters(), lrD, beta1, beta2);
        RealTarget = 1 - recipe.Number("smooth", 0);
        _hinge = recipe.Word("loss", "bce") == "hinge";
        double decay = recipe.Number("ema", 0);
        if (decay > 0)
        {
            GeneratorAverage = Child("generator_ema", new WeightAverage(generator(), decay));
            GeneratorAverage.Reset(g);
        }
    }

    /// <summary>Latent code (N, LatentDim) to image.</summary>
    public Layer Generator { get; }
    /// <summary>Image to one logit (or critic score) per sample.</summary>
    public Layer Discriminator { get; }
    /// <summary>The generator's optimizer.</summary>
    public Adam GeneratorOptimizer { get; }
    /// <summary>The discriminator's optimizer.</summary>
    public Adam DiscriminatorOptimizer { get; }

    /// <summary>The moving average of G's weights that sampling uses, or null (recipe ema=0).</summary>
    public WeightAverage? GeneratorAverage { get; }

    private readonly bool _hinge;

    /// <summary>D's target for real images: 1, or 1 - smooth with one-sided label smoothing.</summary>
    protected double RealTarget { get; }

    /// <inheritdoc/>
    public override PixelRange Range => PixelRange.MinusOneToOne;
    /// <inheritdoc/>
    public override IReadOnlyList<Optimizer> Optimizers => [GeneratorOptimizer, DiscriminatorOptimizer];

    /// <summary>G's input for latent codes z (N, L): z itself, or z with a label code appended.</summary>
    protected virtual Tensor GeneratorInput(Tensor z, int[]? labels) => z;

    /// <summary>D's input for images (N, C, H, W): flattened for MLPs (and with a label code for cGAN).</summary>
    protected virtual Tensor DiscriminatorInput(Tensor images, int[]? labels) => Flat(images);

    /// <summary>Images from latent codes: the trained G in training mode; in evaluation mode (sampling,
    /// pictures, metrics) the average of its weights when the recipe keeps one.</summary>
    public override Tensor Decode(Tensor z, int[]? labels = null) =>
        AsImages((!Training && GeneratorAverage != null ? GeneratorAverage : Generator).Forward(GeneratorInput(z, labels)));

    /// <summary>D's logits (N, 1) for images.</summary>
    public Tensor Critic(Tensor images, int[]? labels) => Discriminator is ILabelledCritic labelled
        ? labelled.Forward(DiscriminatorInput(images, labels), labels ?? throw new ArgumentException($"{Kind}: labels are required (D reads them)"))
        : Discriminator.Forward(DiscriminatorInput(images, labels));

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> TrainStep(Tensor images, int[] labels)
    {
        int n = images.Dims[0];
        var ones = Tensor.Ones([n, 1], backend: images.Backend);
        var fake = Decode(SampleLatent(n, Rng), labels);

        // D's update runs in a memory scope of its own: once D has stepped, its activations and
        // gradients are dead, and the G update below (D's forward and backward again, same shapes)
        // reuses their memory instead of adding to the step's peak. G's graph (fake) was built before
        // the scope opened, so it survives for G's backward.
        double lossDValue, dReal, dFake;
        using (var dScope = MemoryScope.Begin())
        {
            var (realLogits, fakeLogits) = CriticOfBoth(images, fake.Detach(), labels);
            var lossD = DiscriminatorLoss(realLogits, fakeLogits, ones);
            DiscriminatorOptimizer.ZeroGrad();
            lossD.Backward();
            DiscriminatorOptimizer.Step();
            (lossDValue, dReal, dFake) = (lossD.Item(), MeanProbability(realLogits), MeanProbability(fakeLogits));
            dScope.End(keep: PersistentTensors());
        }

        var lossG = GeneratorStep(() => GeneratorLoss(Critic(fake, labels), ones));
        return Losses(("loss_d", lossDValue), ("loss_g", lossG.Item()), ("d_real", dReal), ("d_fake", dFake));
    }

    /// <summary>D's loss on its logits for a real and a fake batch:
    ///   bce:   BCE(real, 1 - s) + BCE(fake, 0)                         (s: the recipe's smoothing)
    ///   hinge: mean relu(1 - real) + mean relu(1 + fake)              (Lim and Ye; Miyato et al.)</summary>
    internal Tensor DiscriminatorLoss(Tensor realLogits, Tensor fakeLogits, Tensor ones)
    {
        if (_hinge) return realLogits.RSub(1).Relu().Mean().Add(fakeLogits.Add(1).Relu().Mean());
        int n = realLogits.Dims[0];
        var realTargets = RealTarget == 1 ? ones : Tensor.Full([n, 1], RealTarget, backend: realLogits.Backend);
        return Loss.BceWithLogits(realLogits, realTargets).Add(Loss.BceWithLogits(fakeLogits, Tensor.Zeros([n, 1], backend: realLogits.Backend)));
    }

    /// <summary>G's loss on D's logits for its images: bce, the non-saturating BCE(fake, 1); hinge, -mean(fake).</summary>
    internal Tensor GeneratorLoss(Tensor fakeLogits, Tensor ones) =>
        _hinge ? fakeLogits.Mean().Neg() : Loss.BceWithLogits(fakeLogits, ones);

    /// <summary>D's logits for a real and a fake batch of the same size. When no layer of D mixes samples
    /// (Layer.MixesSamples: no batch norm), the two go through D as one batch of 2N: the same logits (up
    /// to the order of float sums in D's gradients), with half the layer calls and GEMMs twice as tall.
    /// On the MLP GAN, timed step by step against two passes, it is faster, more so with the two cores apart
    /// (the peers log in kernels-docs/log/, "the joined D pass"). With batch norm in D (the
    /// DCGAN), each batch is normalized on its own statistics, as the textbook step does.</summary>
    public (Tensor Real, Tensor Fake) CriticOfBoth(Tensor real, Tensor fake, int[]? labels)
    {
        if (Discriminator.MixesSamples) return (Critic(real, labels), Critic(fake, labels));
        int n = real.Dims[0];
        var both = Critic(TensorShape.Concat([real, fake], 0), labels == null ? null : [.. labels, .. labels]);
        return (both.Slice(0, 0, n), both.Slice(0, n, 2 * n));
    }

    /// <summary>G's update: the loss <paramref name="generatorLoss"/> builds (through D) is back-propagated
    /// and G's optimizer steps. It needs the gradient through D but not D's own weight gradients, which
    /// D's optimizer would never use: D's parameters are frozen while the loss is built and
    /// back-propagated. Then the average of G's weights, if any, takes a step. Returns the loss.</summary>
    protected Tensor GeneratorStep(Func<Tensor> generatorLoss)
    {
        Tensor loss;
        using (Discriminator.ParametersFrozen())
        {
            loss = generatorLoss();
            GeneratorOptimizer.ZeroGrad();
            DiscriminatorOptimizer.ZeroGrad();
            loss.Backward();
        }
        if (GeneratorOptimizer.Step()) GeneratorAverage?.Update(Generator, GeneratorOptimizer.StepCount - 1);
        return loss;
    }

    /// <summary>Held-out: D's loss on real images against fresh fakes (no update), and G's loss.</summary>
    public override IReadOnlyDictionary<string, double> Evaluate(Tensor images, int[] labels) => NoGrad(() =>
    {
        int n = images.Dims[0];
        var fake = Decode(SampleLatent(n, new Rng(0)), labels);
        var ones = Tensor.Ones([n, 1], backend: images.Backend);
        var realLogits = Critic(images, labels);
        var fakeLogits = Critic(fake, labels);
        var lossD = Loss.BceWithLogits(realLogits, ones).Add(Loss.BceWithLogits(fakeLogits, Tensor.Zeros([n, 1], backend: images.Backend)));
        return Losses(("loss_d", lossD.Item()), ("loss_g", Loss.BceWithLogits(fakeLogits, ones).Item()),
            ("d_real", MeanProbability(realLogits)), ("d_fake", MeanProbability(fakeLogits)));
    });

    /// <summary>Mean of sigmoid(logits): how real D thinks a batch is.</summary>
    protected static double MeanProbability(Tensor logits) => logits.MeanOf(default(SigmoidFn));
}
