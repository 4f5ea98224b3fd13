using System.ComponentModel;
using Scratchgen.Reporting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen report RUN_DIR: a static, self-contained HTML page of a run (pictures inlined,
/// per-epoch curves and metrics, eval.json when present) that opens offline in any browser.</summary>
internal sealed class ReportCommand : Command<ReportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<RUN_DIR>"), Description("A run folder written by train (e.g. runs/dcgan).")]
        public string RunDir { get; init; } = "";

        [CommandOption("--out <FILE>"), Description("HTML file to write (default: RUN_DIR/report.html).")]
        public string? Out { get; init; }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        string path = RunReport.Write(s.RunDir, s.Out);
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.GetFullPath(path)} ({new FileInfo(path).Length / 1024} KB); open it in a browser");
        return ExitCodes.Ok;
    }
}
