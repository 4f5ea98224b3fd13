using Scratchgen.Imaging;
using Scratchgen.Models;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Models;

/// <summary>
/// End to end on a tiny subset: every model's training loss falls over a few dozen steps on 32
/// synthetic 28x28 "digits" (bars and blobs, in two classes), and no loss is ever NaN.
/// </summary>
public sealed class ModelTrainingTests
{
    private static (Tensor Images, int[] Labels) Data(PixelRange range)
    {
        const int n = 32;
        var data = new float[n * 28 * 28];
        var labels = new int[n];
        var rng = new Rng(5);
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 2;
            int offset = 6 + rng.NextInt(8);
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                {
                    bool on = labels[i] == 0 ? x >= offset && x < offset + 6 && y > 3 && y < 24 // a vertical bar
                                             : y >= offset && y < offset + 6 && x > 3 && x < 24; // a horizontal bar
                    data[(i * 28 + y) * 28 + x] = on ? 1f : 0f;
                }
        }
        var images = Tensor.FromArray(data, [n, 1, 28, 28]);
        return (range == PixelRange.MinusOneToOne ? images.Mul(2).Sub(1) : images, labels);
    }

    public static TheoryData<string, string, int> Cases => new()
    {
        { "ae", "bce", 40 }, { "ae-conv", "bce", 30 }, { "dae", "bce", 40 }, { "vae", "neg_elbo", 40 }, { "vae-conv", "neg_elbo", 30 },
        { "cvae", "neg_elbo", 40 }, { "gan", "loss_d", 30 }, { "dcgan", "loss_d", 20 }, { "cgan", "loss_d", 30 }, { "wgan-gp", "loss_critic", 20 },
    };

    private static GenerativeModel Make(string name, double? learningRate = null)
    {
        // The textbook recipe (Recipe.PlainName): what these tests check is the step as written, not the tuned defaults.
        var o = new ModelOptions(LatentDim: 8, Seed: 3, Architecture: name.EndsWith("-conv") ? "conv" : "mlp", Recipe: Recipe.PlainName, LearningRate: learningRate);
        return name.Replace("-conv", "") switch
        {
            "ae" => new Autoencoder(o),
            "dae" => new DenoisingAutoencoder(o),
            "vae" => new Vae(o),
            "cvae" => new ConditionalVae(o),
            "gan" => new Gan(o),
            "dcgan" => new Dcgan(o),
            "cgan" => new ConditionalGan(o),
            "wgan-gp" => new WganGp(o),
            _ => throw new ArgumentException(name),
        };
    }

    [Theory, MemberData(nameof(Cases))]
    public void Model_TrainingLoss_Falls(string name, string lossName, int steps)
    {
        var model = Make(name);
        var (images, labels) = Data(model.Range);
        var losses = new List<double>();
        for (int step = 0; step < steps; step++)
        {
            int start = step * 16 % 32;
            var batch = images.Slice(0, start, start + 16).Contiguous();
            var result = model.TrainStep(batch, labels[start..(start + 16)]);
            Assert.All(result, kv => Assert.True(double.IsFinite(kv.Value), $"{name}: {kv.Key} is {kv.Value} at step {step}"));
            losses.Add(result[lossName]);
        }
        double first = losses.Take(3).Average(), last = losses.TakeLast(3).Average();
        Assert.True(last < first, $"{name}: {lossName} did not fall: first steps {first:F4}, last steps {last:F4}");
    }

    // A GAN's losses fall whether or not G learns (D alone can drive loss_d down), so the GANs are also judged
    // by their samples: the mean of 32 samples from fixed noise must move from where the untrained G starts
    // (grey) toward the data's mean image (dark, with a bar) by at least 40 % of the distance (measured with
    // lr 1e-3: 51-54 % for the four). A G whose update is skipped or goes uphill, or a D whose update is
    // broken (G then chases an untrained critic), stays put or moves away.
    [Theory, InlineData("gan", 45), InlineData("dcgan", 20), InlineData("cgan", 45), InlineData("wgan-gp", 40)]
    public void Gan_Training_MovesTheSamplesTowardTheData(string name, int steps)
    {
        var model = Make(name, learningRate: 1e-3);
        var (images, labels) = Data(model.Range);
        var z = model.SampleLatent(32, new Rng(7));
        double Distance() => MeanImageDistance(Decoded(model, z, labels), images);
        double before = Distance();
        for (int step = 0; step < steps; step++)
        {
            int start = step * 16 % 32;
            model.TrainStep(images.Slice(0, start, start + 16).Contiguous(), labels[start..(start + 16)]);
        }
        double after = Distance();
        Assert.True(after < 0.6 * before, $"{name}: the mean sample is {after:F3} from the data's mean image after {steps} steps, {before:F3} before");
    }

    private static Tensor Decoded(GenerativeModel model, Tensor z, int[] labels)
    {
        using var _ = Scratchgen.Autograd.GradMode.NoGrad();
        return model.Decode(z, model.IsConditional ? labels : null);
    }

    // Root mean square over pixels of (mean of a) - (mean of b), both (N, 1, 28, 28).
    private static double MeanImageDistance(Tensor a, Tensor b)
    {
        double[] Mean(Tensor t)
        {
            var v = t.ToArray();
            int n = t.Dims[0], size = v.Length / n;
            var mean = new double[size];
            for (int i = 0; i < v.Length; i++) mean[i % size] += v[i] / (double)n;
            return mean;
        }
        double[] ma = Mean(a), mb = Mean(b);
        return Math.Sqrt(ma.Zip(mb, (x, y) => (x - y) * (x - y)).Average());
    }

    [Theory, InlineData("vae"), InlineData("cvae"), InlineData("dcgan"), InlineData("cgan")]
    public void Model_Decode_GivesImagesInItsRange(string name)
    {
        var model = Make(name);
        var z = model.SampleLatent(4, new Rng(1));
        var images = model.Decode(z, model.IsConditional ? [0, 1, 0, 1] : null);
        Assert.Equal([4, 1, 28, 28], images.Shape.ToArray());
        var v = images.ToArray();
        double lo = model.Range == PixelRange.ZeroToOne ? 0 : -1;
        Assert.All(v, x => Assert.InRange(x, lo, 1));
    }

    [Fact]
    public void ConditionalModels_RequireLabels()
    {
        var model = Make("cvae");
        var ex = Assert.Throws<ArgumentException>(() => model.Decode(model.SampleLatent(2, new Rng(1))));
        Assert.Contains("labels", ex.Message);
    }
}
