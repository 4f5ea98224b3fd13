using System.ComponentModel;
using Scratchgen.Cli.Serve;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>
/// scratchgen serve RUN_DIR: the read-only live view of a training run folder: the latest sample grid from
/// fixed noise, the loss curves, per-epoch held-out metrics and warnings, refreshed as the run writes them.
/// On a finished run it is the interactive form of `report`. Nothing in the folder is written.
/// </summary>
internal sealed class ServeCommand : Command<ServeCommand.Settings>
{
    public sealed class Settings : ServeSettings
    {
        [CommandArgument(0, "<RUN_DIR>"), Description("A run folder written by `train` (metrics.jsonl, samples_epoch_NNN.png, loss_curves.png).")]
        public string RunDir { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var files = new SafeFiles(s.RunDir);
        var app = LocalServer.Build(s.Host, s.Port, a => RunEndpoints.Map(a, files));
        string url = LocalServer.StartAsync(app, s.Port).GetAwaiter().GetResult();
        AnsiConsole.MarkupLineInterpolated($"[bold]run view[/] of {files.Root} on {url}  (read-only; Ctrl+C stops)");
        Console.Out.Flush();
        if (s.Open) LocalServer.OpenInBrowser(url);
        LocalServer.RunUntilInterruptedAsync(app).GetAwaiter().GetResult();
        AnsiConsole.MarkupLine("stopped");
        return ExitCodes.Ok;
    }
}
