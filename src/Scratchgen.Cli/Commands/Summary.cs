using Scratchgen.Training;
using Spectre.Console;

namespace Scratchgen.Cli.Commands;

/// <summary>The table printed at the end of a run: each epoch's losses and speed, and the files written.</summary>
internal static class Summary
{
    public static void Print(TrainingRun run, IReadOnlyList<EpochResult> results)
    {
        if (results.Count == 0) return;
        var keys = results[^1].TestLosses.Keys.ToList();
        var table = new Table().Title($"{run.Model.Kind}: held-out losses").AddColumn("epoch");
        foreach (var k in keys) table.AddColumn("test " + k);
        table.AddColumns("img/s", "seconds");
        foreach (var r in results)
            table.AddRow([r.Epoch.ToString(), .. keys.Select(k => r.TestLosses.TryGetValue(k, out var v) ? v.ToString("F4") : ""), r.ImagesPerSecond.ToString("F0"), r.Seconds.ToString("F1")]);
        AnsiConsole.Write(table);
        foreach (var file in run.Pictures.Written) AnsiConsole.MarkupLineInterpolated($"  wrote {file}");
    }
}
