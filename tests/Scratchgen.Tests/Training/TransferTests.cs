using Scratchgen.Data;
using Scratchgen.Tests.Support;
using Scratchgen.Training;

namespace Scratchgen.Tests.Training;

/// <summary>Transfer learning: --init-from copies a checkpoint's weights into a new run, --freeze keeps
/// named parameters bit-identical while the rest train, and another architecture is refused by name.</summary>
public sealed class TransferTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scratchgen-transfer-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static Dataset Data() => Embedded.Mnist10k().Slice(0, 56);

    private TrainingRun Run(string name, int latent = 4, ulong seed = 3) =>
        new(new TrainConfig("dcgan", Path.Combine(_dir, name), 1, BatchSize: 16, TrainCount: 48, LatentDim: latent, Seed: seed), Data());

    [Fact]
    public void InitFrom_CopiesWeights_AndFrozenParametersStayBitIdentical()
    {
        var source = Run("source");
        source.Run();

        var tuned = Run("tuned", seed: 4); // another seed: its own initial weights differ from the source's
        Checkpoint.LoadWeightsInto(source.CheckpointDir, tuned.Model);
        StateAssert.BitIdentical(source.Model.StateDict(), tuned.Model.StateDict(), "the weights loaded from the checkpoint");
        var loaded = tuned.Model.StateDict().ToDictionary(p => p.Name, p => p.Tensor.ToArray());

        var frozen = Freezing.Freeze(tuned.Model, ["discriminator.0"]);
        Assert.Equal(["discriminator.0.weight", "discriminator.0.bias"], frozen);
        tuned.Run(); // 3 steps of 16

        foreach (var (name, t) in tuned.Model.NamedParameters())
        {
            bool same = t.ToArray().SequenceEqual(loaded[name]);
            if (frozen.Contains(name)) Assert.True(same, $"frozen {name} changed");
            else Assert.False(same, $"{name} did not train");
        }
    }

    [Fact]
    public void InitFrom_AnotherLatentSize_NamesTheTensorAndBothShapes()
    {
        var source = Run("latent4", latent: 4);
        source.Run();
        var other = Run("latent6", latent: 6);
        var ex = Assert.Throws<Scratchgen.Checkpoints.CheckpointFormatException>(() => Checkpoint.LoadWeightsInto(source.CheckpointDir, other.Model));
        Assert.Contains("'generator.0.weight'", ex.Message);
        Assert.Contains("[6272, 4]", ex.Message);
        Assert.Contains("[6272, 6]", ex.Message);
    }

    [Fact]
    public void Freeze_UnknownName_IsRefusedWithTheModulesThereAre()
    {
        var run = Run("names");
        var ex = Assert.Throws<ArgumentException>(() => Freezing.Freeze(run.Model, ["discriminator.9"]));
        Assert.Contains("'discriminator.9'", ex.Message);
        Assert.Contains("discriminator.0", ex.Message);
    }
}
