using System.Security.Cryptography;
using Scratchgen.Autograd;
using Scratchgen.Data;
using Scratchgen.Imaging;
using Scratchgen.Tensors;
using Scratchgen.Training;

namespace Scratchgen.Tests.Imaging;

/// <summary>Provenance end to end: a tiny model is trained, its pictures and a sample drawn from its
/// checkpoint are written, and model, seed and checkpoint hash are read back from the files; the hash
/// must be the SHA-256 of the checkpoint's model file, computed here independently.</summary>
public sealed class ProvenanceRoundTripTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scratchgen-provenance-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void TrainedRun_PicturesAndSamples_CarryModelSeedAndCheckpointHash()
    {
        var run = new TrainingRun(new TrainConfig("vae", _dir, 1, BatchSize: 16, TrainCount: 32, LatentDim: 2, Seed: 42),
            Embedded.Mnist10k().Slice(0, 48));
        run.Run();
        string modelFile = Path.Combine(run.CheckpointDir, Checkpoint.ModelFile);
        string fileHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(modelFile)));

        foreach (string picture in new[] { "samples_epoch_001.png", "training.gif" })
        {
            var p = ImageProvenance.Read(Path.Combine(_dir, picture));
            Assert.Equal("Scratchgen", p["Software"]);
            Assert.Equal("true", p["Synthetic"]);
            Assert.Equal("vae", p["Model"]);
            Assert.Equal("42", p["Seed"]);
            Assert.Equal(fileHash, p["Checkpoint-SHA256"]);
        }

        // What `scratchgen sample` does: load the checkpoint, decode noise, write a grid with provenance.
        var model = Checkpoint.LoadModel(run.CheckpointDir);
        model.Eval();
        Tensor images;
        using (GradMode.NoGrad()) images = model.Decode(model.SampleLatent(4, new Rng(7)));
        string sample = Path.Combine(_dir, "sample.png");
        SampleGrid.SavePng(images, model.Range, sample, Provenance.Generated(new Dictionary<string, string>
        {
            ["Model"] = model.Kind, ["Seed"] = "7", ["Checkpoint-SHA256"] = Checkpoint.ModelSha256(run.CheckpointDir),
        }));
        var read = ImageProvenance.Read(sample);
        Assert.Equal(("vae", "7", fileHash), (read["Model"], read["Seed"], read["Checkpoint-SHA256"]));
    }

    [Fact]
    public void NotAnImage_IsRefusedByName()
    {
        Directory.CreateDirectory(_dir);
        string path = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(path, "hello");
        var ex = Assert.Throws<DataFormatException>(() => ImageProvenance.Read(path));
        Assert.Contains("notes.txt", ex.Message);
        Assert.Contains("not a PNG or GIF", ex.Message);
    }
}
