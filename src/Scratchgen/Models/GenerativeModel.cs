using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Imaging;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Optim;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>What a model is built for: the image shape, latent size, label count, seed and backend.</summary>
/// <param name="Channels">Image channels C of (N, C, H, W) batches.</param>
/// <param name="Height">Image height H.</param>
/// <param name="Width">Image width W.</param>
/// <param name="Classes">Number of labels (conditional models).</param>
/// <param name="LatentDim">Size of the latent code (noise for GANs).</param>
/// <param name="LearningRate">Base learning rate; null means the model's customary one.</param>
/// <param name="Architecture">"mlp" or "conv" where the model offers both.</param>
/// <param name="Seed">Seeds the model's <see cref="GenerativeModel.Rng"/> (initialisation, noise).</param>
/// <param name="Backend">Where the weights live; null for <see cref="Scratchgen.Backends.Backend.Default"/>.</param>
/// <param name="Recipe">The training recipe as text (<see cref="Models.Recipe"/>): null for the model's defaults,
/// "plain" for the textbook one, or name=value settings over either.</param>
public sealed record ModelOptions(
    int Channels = 1, int Height = 28, int Width = 28, int Classes = 10, int LatentDim = 20,
    double? LearningRate = null, string Architecture = "mlp", ulong Seed = 1, IBackend? Backend = null, string? Recipe = null)
{
    /// <summary>Values per image: Channels x Height x Width.</summary>
    public int Pixels => Channels * Height * Width;
    /// <summary>The backend named in <see cref="Backend"/>, or the default backend when it is null.</summary>
    public IBackend ResolvedBackend => Backend ?? Scratchgen.Backends.Backend.Default;
}

/// <summary>
/// A generative model with everything its training needs in one readable file per family: the
/// networks (child modules), their optimizers, and <see cref="TrainStep"/>, which does one full update
/// (forward, losses, backward, optimizer steps) and returns the losses by name.
/// </summary>
public abstract class GenerativeModel : Module
{
    /// <summary>Stores the options and the resolved recipe and seeds <see cref="Rng"/> from options.Seed; the derived model builds its networks.</summary>
    protected GenerativeModel(ModelOptions options, Recipe? recipe = null)
    {
        Options = options;
        Recipe = recipe ?? Recipe.None;
        Rng = new Rng(options.Seed);
    }

    /// <summary>The options the model was built with.</summary>
    public ModelOptions Options { get; }

    /// <summary>The resolved training recipe (every knob's value); checkpoints store it.</summary>
    public Recipe Recipe { get; }

    /// <summary>The model's own random stream (initialisation, noise, reparameterisation).</summary>
    public Rng Rng { get; }

    /// <summary>Short name as on the command line (vae, dcgan...).</summary>
    public abstract string Kind { get; }

    /// <summary>The pixel range the model's outputs and training inputs use ([0, 1] for sigmoid outputs, [-1, 1] for tanh).</summary>
    public abstract PixelRange Range { get; }

    /// <summary>True when the model is conditioned on labels (cvae, cgan).</summary>
    public virtual bool IsConditional => false;

    /// <summary>True when <see cref="Reconstruct"/> and <see cref="Encode"/> are meaningful (AE, VAE).</summary>
    public virtual bool HasEncoder => false;

    /// <summary>Every optimizer the model steps in <see cref="TrainStep"/>; checkpoints save their state.</summary>
    public abstract IReadOnlyList<Optimizer> Optimizers { get; }

    /// <summary>The tensors that outlive a training step: parameters, buffers (running statistics),
    /// gradients and optimizer state. A step's <see cref="MemoryScope"/> keeps these and releases the rest.</summary>
    public IEnumerable<Tensor?> PersistentTensors()
    {
        foreach (var (_, t) in StateDict()) yield return t;
        foreach (var p in Parameters()) yield return p.Grad;
        foreach (var o in Optimizers)
            foreach (var (_, t) in o.State()) yield return t;
    }

    /// <summary>Told before training how many steps the whole run takes (every epoch's batches), so a recipe
    /// can shape its learning rates over the run; called again with the same count on resume. Default: nothing.</summary>
    public virtual void PlanSteps(long totalSteps) { }

    /// <summary>One training update on a batch. images: (N, C, H, W) in <see cref="Range"/>; labels: (N).</summary>
    public abstract IReadOnlyDictionary<string, double> TrainStep(Tensor images, int[] labels);

    /// <summary>Images from latent codes z: (N, LatentDim) -> (N, C, H, W) in <see cref="Range"/>.</summary>
    public abstract Tensor Decode(Tensor z, int[]? labels = null);

    /// <summary>Latent codes of images (the mean for a VAE).</summary>
    public virtual Tensor Encode(Tensor images, int[]? labels = null) =>
        throw new NotSupportedException($"{Kind} has no encoder");

    /// <summary>Images passed through the encoder and decoder.</summary>
    public virtual Tensor Reconstruct(Tensor images, int[]? labels = null) => Decode(Encode(images, labels), labels);

    /// <summary>Held-out loss per image on a batch (no update), by name; the trainer averages these.</summary>
    public abstract IReadOnlyDictionary<string, double> Evaluate(Tensor images, int[] labels);

    /// <summary>Standard normal latent codes: (N, LatentDim).</summary>
    public Tensor SampleLatent(int count, Rng rng) =>
        Tensor.RandN([count, Options.LatentDim], rng, backend: Options.ResolvedBackend);

    /// <summary>(N, C, H, W) -> (N, C H W).</summary>
    protected static Tensor Flat(Tensor images) => images.Reshape([images.Dims[0], -1]);

    /// <summary>(N, C H W) -> (N, C, H, W).</summary>
    protected Tensor AsImages(Tensor flat) => flat.Reshape([flat.Dims[0], Options.Channels, Options.Height, Options.Width]);

    /// <summary>Runs f without recording (evaluation, sampling).</summary>
    protected static T NoGrad<T>(Func<T> f)
    {
        using var _ = GradMode.NoGrad();
        return f();
    }

    /// <summary>The dictionary <see cref="TrainStep"/> returns, from (name, value) pairs.</summary>
    protected static IReadOnlyDictionary<string, double> Losses(params (string Name, double Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);
}
