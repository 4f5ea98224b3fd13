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

    private static GenerativeModel Make(string name)
    {
        var o = new ModelOptions(LatentDim: 8, Seed: 3, Architecture: name.EndsWith("-conv") ? "conv" : "mlp");
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
