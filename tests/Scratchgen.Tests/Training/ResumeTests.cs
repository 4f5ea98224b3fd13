using Scratchgen.Data;
using Scratchgen.Training;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Training;

/// <summary>Exact resume: N + M steps straight give bit-identical weights to N steps, a checkpoint, a
/// freshly built run resumed from it, and M more steps (Cpu backend).</summary>
public sealed class ResumeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scratchgen-resume-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static Dataset Data() => Embedded.Mnist10k().Slice(0, 80);

    private TrainConfig Config(string model, string name, int epochs) =>
        new(model, Path.Combine(_dir, name), epochs, BatchSize: 16, TrainCount: 48, LatentDim: 4, Seed: 9);

    [Theory, InlineData("vae"), InlineData("dcgan")]
    public void Resume_ContinuesBitForBit(string model)
    {
        var straight = new TrainingRun(Config(model, "straight", 2), Data());
        straight.Run();

        var first = new TrainingRun(Config(model, "split", 1), Data());
        first.Run();
        var second = new TrainingRun(Config(model, "split", 2), Data());
        second.ResumeFrom(second.CheckpointDir);
        Assert.Equal(1, second.Start.Epoch);
        second.Run();

        StateAssert.BitIdentical(straight.Model.StateDict(), second.Model.StateDict(), $"{model} after resume");
    }

    [Theory, InlineData("vae"), InlineData("dcgan")]
    public void SameSeed_GivesByteIdenticalCheckpoints(string model)
    {
        // The Cpu backend is deterministic by construction (fixed work partitions, fixed reduction
        // orders, a GEMM whose tiles do not depend on the thread count), so two runs with one seed
        // must write the same bytes, metadata included.
        string Hash(string run)
        {
            var r = new TrainingRun(Config(model, run, 1), Data());
            r.Run();
            return string.Concat(new[] { Checkpoint.ModelFile, Checkpoint.StateFile }.Select(f =>
                Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(r.CheckpointDir, f))))));
        }
        Assert.Equal(Hash("a"), Hash("b"));
    }

    [Fact]
    public void Resume_FromAnotherModel_IsRefusedByName()
    {
        new TrainingRun(Config("vae", "vae", 1), Data()).Run();
        var other = new TrainingRun(Config("ae", "ae", 1), Data());
        var ex = Assert.Throws<Scratchgen.Checkpoints.CheckpointFormatException>(() => other.ResumeFrom(Path.Combine(_dir, "vae", "checkpoint")));
        Assert.Contains("vae", ex.Message);
    }
}
