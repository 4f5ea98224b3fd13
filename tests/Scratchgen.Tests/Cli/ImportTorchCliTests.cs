using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Scratchgen.Checkpoints;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Cli;

/// <summary>
/// `scratchgen import-torch` through the real command: the PyTorch-trained fixture (tests/fixtures/torch-vae)
/// becomes a checkpoint folder that `sample` draws from; a mapping that leaves tensors without a place is
/// refused with exit 3, naming them, and writes nothing; export-onnx then writes that VAE's decoder, which
/// ONNX Runtime runs to PyTorch's own outputs.
/// </summary>
public sealed class ImportTorchCliTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scratchgen-import-cli-" + Guid.NewGuid().ToString("N"));

    public ImportTorchCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void ImportedVae_IsACheckpointThatSampleReads()
    {
        var checkpoint = Path.Combine(_dir, "run", "checkpoint");
        var import = CliProcess.Run(["import-torch", Fixture(), "--model", "vae", "--out", checkpoint], Timeout, CliProcess.QuickStart);
        Assert.True(import.ExitCode == 0, import.Output);
        var text = CliProcess.Flat(import.Output);
        Assert.Contains("decoder.2.weight │ fc4.weight │ (784, 400)", text);
        Assert.Contains("nothing converted", text);
        var samples = Path.Combine(_dir, "samples.png");
        var sample = CliProcess.Run(["sample", checkpoint, "--count", "8", "--out", samples], Timeout, CliProcess.QuickStart);
        Assert.True(sample.ExitCode == 0, sample.Output);
        Assert.True(new FileInfo(samples).Length > 0);
    }

    [Fact]
    public void AMappingThatLeavesTensorsOut_IsRefused_WithTheirNames()
    {
        var checkpoint = Path.Combine(_dir, "refused");
        var r = CliProcess.Run(["import-torch", Fixture(), "--model", "vae", "--map", "fc1=encoder.0", "--out", checkpoint], Timeout, CliProcess.QuickStart);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("no place for: fc3.bias, fc3.weight, fc4.bias, fc4.weight", CliProcess.Flat(r.Output));
        Assert.False(Directory.Exists(checkpoint));
    }

    [Fact]
    public void PyTorchWeights_ThroughScratchgen_ToOnnx_DrawPyTorchsImages()
    {
        var checkpoint = Path.Combine(_dir, "run", "checkpoint");
        var onnx = Path.Combine(_dir, "vae.onnx");
        var import = CliProcess.Run(["import-torch", Fixture(), "--model", "vae", "--out", checkpoint], Timeout, CliProcess.QuickStart);
        Assert.True(import.ExitCode == 0, import.Output);
        var export = CliProcess.Run(["export-onnx", checkpoint, "--out", onnx], Timeout, CliProcess.QuickStart);
        Assert.True(export.ExitCode == 0, export.Output);
        Assert.Contains("output images (N, 1, 28, 28) in [0, 1]", CliProcess.Flat(export.Output));

        var reference = SafeTensors.Read(Path.Combine(Path.GetDirectoryName(Fixture())!, "reference.safetensors"));
        var z = reference.Tensors["z"];
        using var session = new InferenceSession(onnx);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("z", new DenseTensor<float>(z.ToFloat32(), z.Shape))]);
        var images = results.Single().AsTensor<float>().ToArray();
        var logits = reference.Tensors["logits"].ToFloat32();
        Assert.Equal(logits.Length, images.Length);
        double worst = logits.Select((l, i) => Math.Abs(1 / (1 + Math.Exp(-l)) - images[i])).Max();
        Assert.True(worst < 1e-5, $"ONNX Runtime's pixels differ from sigmoid of PyTorch's logits by up to {worst}");
    }

    private static string Fixture()
    {
        return RepoPaths.Under("tests", "fixtures", "torch-vae", "model.safetensors");
    }
}
