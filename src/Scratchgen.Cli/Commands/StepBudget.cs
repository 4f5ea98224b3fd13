using System.Diagnostics;
using Scratchgen.Autograd;
using Scratchgen.Training;

namespace Scratchgen.Cli.Commands;

/// <summary>
/// bench models --profile: where a training step's time goes, per epoch. Between the ends of two
/// consecutive steps lies exactly one step as the loop runs it (the batch, the model's TrainStep, the
/// memory scope); the profiler says how much of that was spent in ops and in optimizer steps, and the
/// rest is the model's and the loop's own code between them (latent sampling, loss read-backs, batch
/// gathering, bookkeeping). Steps 2 to the second-last of each epoch are counted: the first window would
/// include the previous epoch's evaluation and pictures, the last batch may be smaller. Forwards every
/// call to <paramref name="inner"/>.
/// </summary>
internal sealed class StepBudget(string model, OpProfiler profiler, ITrainingObserver? inner) : ITrainingObserver
{
    private (int Epoch, long Ticks, TimeSpan Covered, double OptimizerMs)? _last;
    private int _steps;
    private double _wallMs, _coveredMs, _optimizerMs;

    public void OnMessage(string message) => inner?.OnMessage(message);

    public void OnWarning(string message) => inner?.OnWarning(message);

    public void OnStep(int epoch, int stepInEpoch, int stepsPerEpoch, IReadOnlyDictionary<string, double> losses)
    {
        (int Epoch, long Ticks, TimeSpan Covered, double OptimizerMs) now =
            (epoch, Stopwatch.GetTimestamp(), profiler.Covered, profiler.InOptimizerSteps.TotalMilliseconds);
        if (_last is { } last && last.Epoch == epoch && stepInEpoch >= 2 && stepInEpoch < stepsPerEpoch)
        {
            _steps++;
            _wallMs += Stopwatch.GetElapsedTime(last.Ticks, now.Ticks).TotalMilliseconds;
            _coveredMs += (now.Covered - last.Covered).TotalMilliseconds;
            _optimizerMs += now.OptimizerMs - last.OptimizerMs;
        }
        _last = now;
        if (stepInEpoch == stepsPerEpoch) Print(epoch);
        inner?.OnStep(epoch, stepInEpoch, stepsPerEpoch, losses);
    }

    public void OnEpoch(EpochResult result) => inner?.OnEpoch(result);

    private void Print(int epoch)
    {
        if (_steps == 0) return;
        double step = _wallMs / _steps, ops = (_coveredMs - _optimizerMs) / _steps, optimizer = _optimizerMs / _steps;
        double elsewhere = step - ops - optimizer;
        string Part(double ms) => $"{ms:F2} ms ({100 * ms / step:F0} %)";
        // Plain Console: one line per epoch whatever the terminal width, as the epoch lines of bench models.
        Console.WriteLine($"{model} epoch {epoch + 1}, {_steps} steps: {step:F2} ms per step: {Part(ops)} in ops, {Part(optimizer)} in optimizer steps, " +
            $"{Part(elsewhere)} elsewhere (between ops: latent sampling, loss read-backs, batches, bookkeeping)");
        (_steps, _wallMs, _coveredMs, _optimizerMs) = (0, 0, 0, 0);
    }
}
