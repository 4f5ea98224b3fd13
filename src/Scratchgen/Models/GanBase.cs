using Scratchgen.Imaging;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Optim;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>
/// The adversarial pair shared by the GAN family: a generator G (latent -> image in [-1, 1]) and a
/// discriminator D (image -> one logit), each with its own Adam (lr 2e-4, betas 0.5 / 0.999 as in DCGAN).
/// The standard, non-saturating training step (Goodfellow et al.):
///   D: minimise BCE(D(x), 1) + BCE(D(G(z)), 0)      (G(z) detached: only D moves)
///   G: minimise BCE(D(G(z)), 1)                      (only G's optimizer steps; D's parameters are
///                                                    frozen meanwhile, so no D weight gradient is computed)
/// Subclasses supply the networks; <see cref="WganGp"/> replaces the step.
/// </summary>
public abstract class GanBase : GenerativeModel
{
    /// <param name="discriminatorLr">D's own learning rate; null: the same as G's.</param>
    protected GanBase(ModelOptions options, Layer generator, Layer discriminator, double beta1 = 0.5, double beta2 = 0.999, double defaultLr = 2e-4,
        double? discriminatorLr = null)
        : base(options)
    {
        Generator = Child("generator", generator);
        Discriminator = Child("discriminator", discriminator);
        GeneratorOptimizer = new Adam(generator.Parameters(), options.LearningRate ?? defaultLr, beta1, beta2);
        DiscriminatorOptimizer = new Adam(discriminator.Parameters(), discriminatorLr ?? options.LearningRate ?? defaultLr, beta1, beta2);
    }

    public Layer Generator { get; }
    public Layer Discriminator { get; }
    public Adam GeneratorOptimizer { get; }
    public Adam DiscriminatorOptimizer { get; }

    public override PixelRange Range => PixelRange.MinusOneToOne;
    public override IReadOnlyList<Optimizer> Optimizers => [GeneratorOptimizer, DiscriminatorOptimizer];

    /// <summary>G's input for latent codes z (N, L): z itself, or z with a label code appended.</summary>
    protected virtual Tensor GeneratorInput(Tensor z, int[]? labels) => z;

    /// <summary>D's input for images (N, C, H, W): flattened for MLPs (and with a label code for cGAN).</summary>
    protected virtual Tensor DiscriminatorInput(Tensor images, int[]? labels) => Flat(images);

    public override Tensor Decode(Tensor z, int[]? labels = null) => AsImages(Generator.Forward(GeneratorInput(z, labels)));

    /// <summary>D's logits (N, 1) for images.</summary>
    public Tensor Critic(Tensor images, int[]? labels) => Discriminator.Forward(DiscriminatorInput(images, labels));

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
            var lossD = Loss.BceWithLogits(realLogits, ones).Add(Loss.BceWithLogits(fakeLogits, Tensor.Zeros([n, 1], backend: images.Backend)));
            DiscriminatorOptimizer.ZeroGrad();
            lossD.Backward();
            DiscriminatorOptimizer.Step();
            (lossDValue, dReal, dFake) = (lossD.Item(), MeanProbability(realLogits), MeanProbability(fakeLogits));
            dScope.End(keep: PersistentTensors());
        }

        var lossG = GeneratorStep(() => Loss.BceWithLogits(Critic(fake, labels), ones));
        return Losses(("loss_d", lossDValue), ("loss_g", lossG.Item()), ("d_real", dReal), ("d_fake", dFake));
    }

    /// <summary>D's logits for a real and a fake batch of the same size. When no layer of D mixes samples
    /// (Layer.MixesSamples: no batch norm), the two go through D as one batch of 2N: the same logits (up
    /// to the order of float sums in D's gradients), with half the layer calls and GEMMs twice as tall.
    /// Measured on the MLP GAN in one process, step by step against two passes: 2.5-4.5 % faster with the
    /// two cores sharing an L3, 5-9 % with them apart (kernels-docs/peers.md). With batch norm in D (the
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
    /// back-propagated. Returns the loss.</summary>
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
        GeneratorOptimizer.Step();
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
