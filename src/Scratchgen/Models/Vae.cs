using Scratchgen.Imaging;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Optim;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>
/// Variational autoencoder (Kingma and Welling).
///   encoder: x -> h -> (mu, logvar), each (N, L)        q(z|x) = N(mu, exp(logvar))
///   z = mu + exp(logvar / 2) * eps, eps ~ N(0, I)       (the reparameterisation: gradients reach mu, logvar)
///   decoder: z -> logits of p(x|z), Bernoulli per pixel
///   loss per image, in nats = BCE_sum(logits, x) + KL(q(z|x) || N(0, I))     (= -ELBO)
///   trained on BCE_sum + beta KL: beta = 1 is the ELBO; beta > 1 (Higgins et al.'s beta-VAE) presses the
///   code towards the prior, so fewer, more independent dimensions carry information. The reported loss
///   is the -ELBO whatever beta is.
/// MLP: 784-400-(20, 20) and 20-400-784 with ReLU, as in PyTorch's example. logvar is clamped to
/// [-30, 20] so exp never overflows. <see cref="ConditionalVae"/> adds a one-hot label to both nets.
/// </summary>
public class Vae : GenerativeModel
{
    /// <summary>beta, the weight of the KL term in the training loss.</summary>
    protected static RecipeKnob BetaKnob { get; } = new("beta", "1", "1", "weight of the KL term in the training loss (1: the ELBO; above 1: a beta-VAE)");

    /// <summary>The recipe's settings: the KL weight.</summary>
    public static IReadOnlyList<RecipeKnob> Knobs { get; } = [BetaKnob];

    private readonly Adam _adam;
    private readonly bool _conv;
    private readonly double _beta;
    private readonly bool _labelEveryLayer;

    /// <summary>A VAE for the image size and latent width in <paramref name="options"/>, with the recipe in options.Recipe applied.</summary>
    public Vae(ModelOptions options) : this(options, Recipe.Parse(options.Recipe, Knobs, "vae"), labelInputs: 0) { }

    /// <summary>For derived VAEs (the conditional one): the networks with <paramref name="labelInputs"/> extra inputs for a one-hot label.</summary>
    /// <param name="options">Image shape, latent width, seed and backend.</param>
    /// <param name="recipe">The resolved recipe (beta, architecture choices).</param>
    /// <param name="labelInputs">Width of the label appended to the encoder's and decoder's inputs (0: unconditional).</param>
    /// <param name="labelEveryLayer">Append the label to the input of every decoder layer, not only the first.</param>
    protected Vae(ModelOptions options, Recipe recipe, int labelInputs, bool labelEveryLayer = false) : base(options, recipe)
    {
        _beta = recipe.Number("beta");
        _labelEveryLayer = labelEveryLayer;
        _conv = options.Architecture == "conv";
        int d = options.Pixels, l = options.LatentDim, hidden = 400;
        LabelInputs = labelInputs;
        Encoder = Child("encoder", _conv && labelInputs == 0
            ? Architectures.ConvEncoder(Rng, options, hidden)
            : new Sequential(new Linear(d + labelInputs, hidden, Rng, backend: options.ResolvedBackend)));
        Mu = Child("mu", new Linear(hidden, l, Rng, backend: options.ResolvedBackend));
        LogVar = Child("logvar", new Linear(hidden, l, Rng, backend: options.ResolvedBackend));
        Decoder = Child("decoder", _conv && labelInputs == 0
            ? Architectures.ConvDecoder(Rng, options, l)
            : labelEveryLayer
                ? new Sequential(new Linear(l + labelInputs, hidden, Rng, backend: options.ResolvedBackend), new Relu(),
                    new Linear(hidden + labelInputs, d, Rng, backend: options.ResolvedBackend))
                : Architectures.Mlp(Rng, options, () => new Relu(), l + labelInputs, hidden, d));
        _adam = new Adam(Parameters(), options.LearningRate ?? 1e-3);
    }

    /// <summary>Extra inputs (a one-hot label) appended to the encoder's and decoder's inputs.</summary>
    protected int LabelInputs { get; }

    /// <summary>Image to hidden features (the shared trunk of <see cref="Mu"/> and <see cref="LogVar"/>).</summary>
    public Sequential Encoder { get; }
    /// <summary>Hidden features to the posterior mean.</summary>
    public Linear Mu { get; }
    /// <summary>Hidden features to the posterior log-variance.</summary>
    public Linear LogVar { get; }
    /// <summary>Latent code to pixel logits or values.</summary>
    public Sequential Decoder { get; }

    /// <inheritdoc/>
    public override string Kind => "vae";
    /// <inheritdoc/>
    public override PixelRange Range => PixelRange.ZeroToOne;
    /// <inheritdoc/>
    public override bool HasEncoder => true;
    /// <inheritdoc/>
    public override IReadOnlyList<Optimizer> Optimizers => [_adam];

    /// <summary>Appends the condition (a one-hot label) to a (N, F) input; the plain VAE has none.</summary>
    protected virtual Tensor Condition(Tensor features, int[]? labels) => features;

    /// <summary>q(z|x) parameters: mu and the clamped logvar, each (N, L).</summary>
    public (Tensor Mu, Tensor LogVar) Posterior(Tensor images, int[]? labels)
    {
        var input = _conv && LabelInputs == 0 ? images : Condition(Flat(images), labels);
        var h = Encoder.Forward(input).Relu();
        return (Mu.Forward(h), LogVar.Forward(h).Clamp(-30, 20));
    }

    /// <inheritdoc/>
    public override Tensor Encode(Tensor images, int[]? labels = null) => Posterior(images, labels).Mu;

    /// <inheritdoc/>
    public override Tensor Decode(Tensor z, int[]? labels = null) => AsImages(DecoderLogits(z, labels).Sigmoid());

    /// <summary>Logits of the Bernoulli p(x|z) per pixel, (N, C H W): what the ELBO and the importance-weighted bound score.</summary>
    public Tensor DecoderLogits(Tensor z, int[]? labels)
    {
        if (!_labelEveryLayer) return Decoder.Forward(Condition(z, labels));
        var x = z;
        foreach (var layer in Decoder.Layers) x = layer.Forward(layer is Linear ? Condition(x, labels) : x);
        return x;
    }

    /// <summary>-ELBO per image (nats) and its two parts, for one pass with fresh noise from rng.</summary>
    public (Tensor Loss, Tensor Reconstruction, Tensor Kl) NegativeElbo(Tensor images, int[]? labels, Rng rng)
    {
        var (mu, logVar) = Posterior(images, labels);
        var eps = Tensor.RandN(mu.Dims, rng, backend: mu.Backend);
        var z = mu.Add(logVar.Mul(0.5).Exp().Mul(eps));
        int n = images.Dims[0];
        var reconstruction = Loss.BceWithLogits(Flat(DecoderLogits(z, labels)), Flat(images), LossReduction.Sum).Div(n);
        var kl = Loss.GaussianKl(mu, logVar);
        return (reconstruction.Add(kl), reconstruction, kl);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> TrainStep(Tensor images, int[] labels)
    {
        var (loss, reconstruction, kl) = NegativeElbo(images, labels, Rng);
        _adam.ZeroGrad();
        (_beta == 1 ? loss : reconstruction.Add(kl.Mul(_beta))).Backward();
        _adam.Step();
        return Losses(("neg_elbo", loss.Item()), ("reconstruction", reconstruction.Item()), ("kl", kl.Item()));
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Evaluate(Tensor images, int[] labels) => NoGrad(() =>
    {
        var (loss, reconstruction, kl) = NegativeElbo(images, labels, new Rng(0));
        return Losses(("neg_elbo", loss.Item()), ("reconstruction", reconstruction.Item()), ("kl", kl.Item()));
    });
}
