using Scratchgen.Autograd;
using Scratchgen.Data;
using Scratchgen.Training;

namespace Scratchgen.Tests.Training;

/// <summary>No silent NaNs: a diverging run skips the poisoned updates, says which tensor, and stops.</summary>
public sealed class NumericGuardTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scratchgen-nan-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void DivergingRun_StopsWithTheTensorNamed_AndKeepsTheLastCheckpoint()
    {
        var messages = new List<string>();
        var observer = new RecordingObserver(messages);
        var config = new TrainConfig("vae", _dir, Epochs: 20, BatchSize: 32, LearningRate: 1e30, TrainCount: 96);
        var run = new TrainingRun(config, Embedded.Mnist10k().Slice(0, 128), observer);
        var ex = Assert.Throws<NonFiniteException>(() => run.Run());
        Assert.Contains("in a row", ex.Message);
        Assert.Contains(run.CheckpointDir, ex.Message);
        Assert.Contains(messages, m => m.Contains("update skipped") && m.Contains("'encoder.0.weight'"));
        Assert.True(run.Health.Skipped >= RunHealth.MaxInARow);
    }

    [Fact]
    public void AnomalyMode_NamesTheOpThatMadeTheFirstNaN()
    {
        using var _ = AnomalyMode.Enable();
        var x = Scratchgen.Tensors.Tensor.FromArray([-1f, 4f], [2]);
        var ex = Assert.Throws<NonFiniteException>(() => Scratchgen.Ops.TensorElementwise.Sqrt(x));
        Assert.Contains("sqrt", ex.Message);
        Assert.Contains("element 0", ex.Message);
    }

    private sealed class RecordingObserver(List<string> messages) : ITrainingObserver
    {
        public void OnMessage(string message) => messages.Add(message);
        public void OnStep(int epoch, int stepInEpoch, int stepsPerEpoch, IReadOnlyDictionary<string, double> losses) { }
        public void OnEpoch(EpochResult result) { }
    }
}
