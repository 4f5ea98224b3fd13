using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Data;
using Scratchgen.Models;
using Scratchgen.Tensors;
using Scratchgen.Training;

namespace Scratchgen.Tests.Training;

/// <summary>
/// Generators out to ONNX: an exported dcgan and vae, run by ONNX Runtime on the same latent codes, draw
/// the images the model's own Decode draws. Each model first takes a few training steps, so that batch
/// norm's running statistics and the DCGAN's weight average differ from their initial values (an export
/// that read the wrong ones would still match an untrained model).
/// </summary>
public sealed class OnnxExportTests
{
    // Float32 kernels in another order than ONNX Runtime's, through a few layers of sums.
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData("dcgan")]
    [InlineData("vae")]
    [InlineData("gan")]
    public void ExportedGenerator_DrawsTheModelsImages_InOnnxRuntime(string kind)
    {
        var model = Trained(kind);
        var z = model.SampleLatent(6, new Rng(11));
        model.Eval();
        float[] expected;
        using (GradMode.NoGrad()) expected = model.Decode(z).ToArray();

        using var session = new InferenceSession(OnnxExport.Generator(model));
        var input = new DenseTensor<float>(z.ToArray(), [6, model.Options.LatentDim]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("z", input)]);
        var output = results.Single(r => r.Name == "images").AsTensor<float>();
        Assert.Equal([6, model.Options.Channels, model.Options.Height, model.Options.Width], output.Dimensions.ToArray());
        var actual = output.ToArray();
        int worst = 0;
        for (int i = 1; i < expected.Length; i++)
            if (Math.Abs(expected[i] - actual[i]) > Math.Abs(expected[worst] - actual[worst])) worst = i;
        Assert.True(Math.Abs(expected[worst] - actual[worst]) <= Tolerance,
            $"{kind}: pixel {worst} is {actual[worst]} in ONNX Runtime, {expected[worst]} from Decode");
    }

    [Fact]
    public void ConditionalModels_AreRefused_WithTheReason()
    {
        var model = ModelFactory.Create("cgan", new ModelOptions(Backend: Backend.Cpu));
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.Generator(model));
        Assert.Contains("takes a label", e.Message);
    }

    // A few steps on a small batch of digits: enough to move batch norm's statistics and any weight average.
    private static GenerativeModel Trained(string kind)
    {
        var model = ModelFactory.Create(kind, new ModelOptions(LatentDim: ModelFactory.DefaultLatentDim(kind), Backend: Backend.Cpu));
        var batches = new BatchIterator(Embedded.Mnist10k().Slice(0, 64), 16, new Rng(3), Backend.Cpu,
            scaleToSymmetric: model.Range == Scratchgen.Imaging.PixelRange.MinusOneToOne);
        for (int i = 0; i < 3; i++)
        {
            var (images, labels) = batches.Next();
            model.TrainStep(images, labels);
        }
        return model;
    }
}
