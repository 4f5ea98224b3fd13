using Scratchgen.Training;
using Spectre.Console;

namespace Scratchgen.Cli.Commands;

/// <summary>Shows a training run as a Spectre progress bar (steps of the current epoch, ETA, live losses)
/// and prints a line per epoch.</summary>
internal sealed class ProgressObserver : ITrainingObserver
{
    private ProgressTask? _task;
    private int _epochs;

    public T Track<T>(int epochs, Func<T> run)
    {
        _epochs = epochs;
        if (Console.IsOutputRedirected)
            return run(); // no live bar in logs: epoch lines only
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                _task = ctx.AddTask("training", maxValue: 1);
                result = run();
                _task.StopTask();
            });
        return result;
    }

    public void OnMessage(string message) => AnsiConsole.MarkupLineInterpolated($"{message}");

    public void OnWarning(string message) => AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {message}");

    public void OnStep(int epoch, int stepInEpoch, int stepsPerEpoch, IReadOnlyDictionary<string, double> losses)
    {
        if (_task == null) return;
        _task.MaxValue = stepsPerEpoch;
        _task.Value = stepInEpoch;
        _task.Description = $"epoch {epoch + 1}/{_epochs} " + string.Join(" ", losses.Take(3).Select(kv => $"{kv.Key} {kv.Value:F3}"));
    }

    public void OnEpoch(EpochResult r)
    {
        string train = string.Join(", ", r.TrainLosses.Select(kv => $"{kv.Key} {kv.Value:F4}"));
        string test = string.Join(", ", r.TestLosses.Select(kv => $"{kv.Key} {kv.Value:F4}"));
        AnsiConsole.MarkupLineInterpolated($"epoch {r.Epoch}: train {train} | test {test} | {r.ImagesPerSecond:F0} img/s, {r.Seconds:F1} s");
    }
}
