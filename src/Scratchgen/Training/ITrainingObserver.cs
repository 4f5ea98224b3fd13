namespace Scratchgen.Training;

/// <summary>What a training run reports as it goes (the CLI shows a progress bar; tests record).</summary>
public interface ITrainingObserver
{
    /// <summary>A line of progress to show (saved a checkpoint, resumed from a step).</summary>
    void OnMessage(string message);

    /// <summary>Something looks wrong but training goes on (a GAN collapsing, <see cref="CollapseDetector"/>).</summary>
    void OnWarning(string message) => OnMessage("warning: " + message);

    /// <summary>After each step: 0-based epoch, steps done in this epoch, steps per epoch, the step's losses.</summary>
    void OnStep(int epoch, int stepInEpoch, int stepsPerEpoch, IReadOnlyDictionary<string, double> losses);

    /// <summary>After each epoch, with its summary.</summary>
    void OnEpoch(EpochResult result);
}

/// <summary>One epoch's summary: mean training losses, held-out losses, throughput.</summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="Step">Global steps done at its end.</param>
/// <param name="TrainLosses">Each training loss, averaged over the epoch's steps.</param>
/// <param name="TestLosses">Each loss on the held-out images.</param>
/// <param name="ImagesPerSecond">Training throughput over the epoch.</param>
/// <param name="Seconds">The epoch's wall-clock time.</param>
public sealed record EpochResult(
    int Epoch, long Step, IReadOnlyDictionary<string, double> TrainLosses, IReadOnlyDictionary<string, double> TestLosses,
    double ImagesPerSecond, double Seconds);

/// <summary>An observer that ignores everything.</summary>
public sealed class SilentObserver : ITrainingObserver
{
    /// <inheritdoc/>
    public void OnMessage(string message) { }
    /// <inheritdoc/>
    public void OnStep(int epoch, int stepInEpoch, int stepsPerEpoch, IReadOnlyDictionary<string, double> losses) { }
    /// <inheritdoc/>
    public void OnEpoch(EpochResult result) { }
}
