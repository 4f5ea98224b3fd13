using Scratchgen.Tests.Support;
using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Checkpoints;
using Scratchgen.Data;
using Scratchgen.Models;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Training;

namespace Scratchgen.Tests.Training;

/// <summary>
/// Weights in from PyTorch. tests/fixtures/torch-vae holds a VAE (784-400-20) trained by PyTorch and saved as a
/// safetensors state dict, with PyTorch's own outputs on fixed inputs (written by
/// bench/peers/torch_vae_fixture.py with Debian's python3-torch): the imported model must reproduce them to
/// float32 rounding, and the held-out -ELBO (with PyTorch's noise draws) to 0.1 %.
/// </summary>
public sealed class TorchImportTests
{
    // Outputs are sums of up to 784 float32 products, added in another order than PyTorch's: they agree to
    // a few units in the last place (measured: 1.3e-6 on mu = -1.69); a wrong weight or layout is off by far more.
    private const double Rounding = 1e-5;

    [Fact]
    public void ImportedVae_ReproducesPyTorchsEncoderAndDecoderOutputs()
    {
        var vae = Import();
        var reference = Reference();
        var x = Host(reference, "x").Reshape([-1, 1, 28, 28]);
        using var _ = GradMode.NoGrad();
        var (mu, logVar) = vae.Posterior(x, null);
        AssertClose(reference.Tensors["mu"].ToFloat32(), mu.ToArray(), "mu");
        AssertClose(reference.Tensors["logvar"].ToFloat32(), logVar.ToArray(), "logvar");
        AssertClose(reference.Tensors["logits"].ToFloat32(), vae.DecoderLogits(Host(reference, "z"), null).ToArray(), "decoder logits");
    }

    [Fact]
    public void ImportedVae_ReproducesPyTorchsHeldOutElbo_WithItsNoise()
    {
        var vae = Import();
        var reference = Reference();
        double expected = double.Parse(reference.Metadata["neg_elbo"], System.Globalization.CultureInfo.InvariantCulture);
        var test = Embedded.Mnist10k().Split(9000).Test;
        var images = Tensor.FromArray(test.Images, [test.Count, 1, 28, 28], Backend.Cpu);
        using var _ = GradMode.NoGrad();
        var (mu, logVar) = vae.Posterior(images, null);
        var z = mu.Add(logVar.Mul(0.5).Exp().Mul(Host(reference, "eps")));
        var reconstruction = Loss.BceWithLogits(vae.DecoderLogits(z, null), images.Reshape([test.Count, -1]), LossReduction.Sum).Div(test.Count);
        double negElbo = reconstruction.Add(Loss.GaussianKl(mu, logVar)).Item();
        Assert.True(Math.Abs(negElbo - expected) <= 1e-3 * expected, $"-ELBO {negElbo:F4} nats/image, PyTorch's {expected:F4}");
    }

    [Fact]
    public void ImportedCheckpoint_LoadsAsAnyCheckpoint_WithTheSameWeights()
    {
        var vae = Import();
        var dir = Directory.CreateTempSubdirectory("scratchgen-import-");
        try
        {
            TorchImport.WriteCheckpoint(dir.FullName, vae);
            var loaded = Assert.IsType<Vae>(Checkpoint.LoadModel(dir.FullName, Backend.Cpu));
            Assert.Equal(vae.Mu.Weight.ToArray(), loaded.Mu.Weight.ToArray());
            Assert.Equal(vae.Decoder.Layers[2].Parameters()[0].ToArray(), loaded.Decoder.Layers[2].Parameters()[0].ToArray());
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void Import_NamesEveryMappingAndSaysNothingNeededConverting()
    {
        var result = TorchImport.Import(FixturePath("model.safetensors"), "vae", options: Options());
        Assert.Contains(("encoder.0.weight", "fc1.weight"), result.Names);
        Assert.Contains(("decoder.2.bias", "fc4.bias"), result.Names);
        Assert.Equal(10, result.Names.Count);
        Assert.Contains(result.Notes, n => n.Contains("nothing converted"));
    }

    [Fact]
    public void Import_RefusesAShapeMismatch_NamingBothTensors()
    {
        var e = Assert.Throws<CheckpointFormatException>(() =>
            TorchImport.Import(FixturePath("model.safetensors"), "vae", options: Options() with { LatentDim = 10 }));
        Assert.Contains("mu.weight", e.Message);
        Assert.Contains("(20, 400)", e.Message);
        Assert.Contains("(10, 400)", e.Message);
    }

    [Fact]
    public void Import_RefusesTensorsWithNoPlace_AndPlacesWithNoTensor()
    {
        var unmapped = Assert.Throws<CheckpointFormatException>(() =>
            TorchImport.Import(FixturePath("model.safetensors"), "vae", TorchImport.ParseMap("fc1=encoder.0"), Options()));
        Assert.Contains("no place for: fc3.bias, fc3.weight, fc4.bias, fc4.weight", unmapped.Message);

        var partial = WithTensors(t => t.Remove("fc4.bias"));
        try
        {
            var missing = Assert.Throws<CheckpointFormatException>(() => TorchImport.Import(partial, "vae", options: Options()));
            Assert.Contains("no tensor for this vae's 'decoder.2.bias' (784)", missing.Message);
        }
        finally { File.Delete(partial); }
    }

    [Fact]
    public void Import_ConvertsFloat64_AndRefusesIntegers_NamingTheTensor()
    {
        var f64 = WithTensors(t => t["mu.bias"] = TensorEntry.F64(t["mu.bias"].ToFloat32().Select(v => (double)v).ToArray(), 20));
        var i64 = WithTensors(t => t["mu.bias"] = TensorEntry.I64(new long[20], 20));
        try
        {
            var result = TorchImport.Import(f64, "vae", options: Options());
            Assert.Contains("converted mu.bias from float64 to float32", result.Notes);
            Assert.Equal(Import().Mu.Bias!.ToArray(), ((Vae)result.Model).Mu.Bias!.ToArray());
            var e = Assert.Throws<CheckpointFormatException>(() => TorchImport.Import(i64, "vae", options: Options()));
            Assert.Equal("mu.bias", e.TensorName);
            Assert.Contains("I64", e.Message);
        }
        finally { File.Delete(f64); File.Delete(i64); }
    }

    [Fact]
    public void MapName_UsesTheLongestRuleEndingAtADot()
    {
        var map = TorchImport.ParseMap("net=trunk, net.6=decoder.0\n# comment\nfc=x");
        Assert.Equal("decoder.0.weight", TorchImport.MapName("net.6.weight", map));
        Assert.Equal("trunk.60.weight", TorchImport.MapName("net.60.weight", map));
        Assert.Equal("fc1.weight", TorchImport.MapName("fc1.weight", map)); // "fc" is not a prefix at a dot
        Assert.Throws<ArgumentException>(() => TorchImport.ParseMap("fc1"));
        Assert.Throws<ArgumentException>(() => TorchImport.ParseMap("a=b,a=c"));
    }

    private static ModelOptions Options() => new(LatentDim: 20, Backend: Backend.Cpu);

    private static Vae Import() =>
        Assert.IsType<Vae>(TorchImport.Import(FixturePath("model.safetensors"), "vae", options: Options()).Model);

    private static SafeTensorsFile Reference() => SafeTensors.Read(FixturePath("reference.safetensors"));

    private static Tensor Host(SafeTensorsFile file, string name) =>
        Tensor.FromArray(file.Tensors[name].ToFloat32(), file.Tensors[name].Shape, Backend.Cpu);

    // A copy of the fixture's state dict with one change, in a temporary file.
    private static string WithTensors(Action<Dictionary<string, TensorEntry>> change)
    {
        var tensors = SafeTensors.Read(FixturePath("model.safetensors")).Tensors.ToDictionary(p => p.Key, p => p.Value);
        change(tensors);
        var path = Path.Combine(Path.GetTempPath(), $"scratchgen-torch-{Guid.NewGuid():N}.safetensors");
        SafeTensors.Write(path, tensors);
        return path;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int worst = 0;
        for (int i = 1; i < expected.Length; i++)
            if (Math.Abs(expected[i] - actual[i]) > Math.Abs(expected[worst] - actual[worst])) worst = i;
        Assert.True(Math.Abs(expected[worst] - actual[worst]) <= Rounding * (1 + Math.Abs(expected[worst])),
            $"{what}: element {worst} is {actual[worst]}, PyTorch gives {expected[worst]}");
    }

    private static string FixturePath(string file)
    {
        return RepoPaths.Under("tests", "fixtures", "torch-vae", file);
    }
}
