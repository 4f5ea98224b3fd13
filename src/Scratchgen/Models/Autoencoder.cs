using Scratchgen.Imaging;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Optim;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>
/// Autoencoder: z = encoder(x), logits = decoder(z), x_hat = sigmoid(logits).
/// Loss: binary cross-entropy between x_hat and x, per pixel (images in [0, 1]), Adam.
/// MLP: 784-512-128-L-128-512-784 with ReLU (L = latent size); conv: two stride-2 convs each way.
/// </summary>
public class Autoencoder : GenerativeModel
{
    private readonly Adam _adam;

    /// <summary>An autoencoder for the image size and latent width in <paramref name="options"/>, with its networks and Adam optimizer built.</summary>
    public Autoencoder(ModelOptions options) : base(options)
    {
        int d = options.Pixels, l = options.LatentDim;
        bool conv = options.Architecture == "conv";
        Encoder = Child("encoder", conv ? Architectures.ConvEncoder(Rng, options, l) : Architectures.Mlp(Rng, options, () => new Relu(), d, 512, 128, l));
        Decoder = Child("decoder", conv ? Architectures.ConvDecoder(Rng, options, l) : Architectures.Mlp(Rng, options, () => new Relu(), l, 128, 512, d));
        _adam = new Adam(Parameters(), options.LearningRate ?? 1e-3);
    }

    /// <summary>Image to latent code.</summary>
    public Sequential Encoder { get; }
    /// <summary>Latent code to image.</summary>
    public Sequential Decoder { get; }

    /// <inheritdoc/>
    public override string Kind => "ae";
    /// <inheritdoc/>
    public override PixelRange Range => PixelRange.ZeroToOne;
    /// <inheritdoc/>
    public override bool HasEncoder => true;
    /// <inheritdoc/>
    public override IReadOnlyList<Optimizer> Optimizers => [_adam];

    /// <inheritdoc/>
    public override Tensor Encode(Tensor images, int[]? labels = null) =>
        Encoder.Forward(Options.Architecture == "conv" ? images : Flat(images));

    /// <inheritdoc/>
    public override Tensor Decode(Tensor z, int[]? labels = null) => AsImages(Decoder.Forward(z).Sigmoid());

    /// <summary>Reconstruction logits for a (possibly corrupted) input.</summary>
    protected Tensor ReconstructionLogits(Tensor input) => AsImages(Decoder.Forward(Encode(input)));

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> TrainStep(Tensor images, int[] labels) => Step(images, images);

    /// <summary>One Adam step on BCE(decoder(encoder(input)), target).</summary>
    protected IReadOnlyDictionary<string, double> Step(Tensor input, Tensor target)
    {
        var loss = Loss.BceWithLogits(ReconstructionLogits(input), target);
        _adam.ZeroGrad();
        loss.Backward();
        _adam.Step();
        return Losses(("bce", loss.Item()));
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Evaluate(Tensor images, int[] labels) =>
        NoGrad(() => Losses(("bce", Loss.BceWithLogits(ReconstructionLogits(images), images).Item())));
}
