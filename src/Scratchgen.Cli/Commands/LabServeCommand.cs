using System.ComponentModel;
using Scratchgen.Cli.Serve;
using Scratchgen.Lab;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>
/// scratchgen lab serve: the live GAN lab in the browser. A 2-D GAN trains on the real engine on a
/// background thread; a local page shows real and generated points, D's decision surface, the direction G
/// moves each point, the losses, mode coverage and collapse warnings, and the engine's ops of one step;
/// its controls play, pause, step, reset, and change data, loss, learning rates, D steps and widths
/// between steps, each change logged (and replayable with --replay).
/// </summary>
internal sealed class LabServeCommand : Command<LabServeCommand.Settings>
{
    public sealed class Settings : ServeSettings
    {
        [CommandOption("--data <NAME>"), Description("Starting data set: ring, grid or moons (a drawn set is made on the page).")]
        [DefaultValue("ring")]
        public string Data { get; init; } = "ring";

        [CommandOption("--batch-size <N>"), Description("Points per update (2 to 4096).")]
        [DefaultValue(256)]
        public int BatchSize { get; init; }

        [CommandOption("--seed <N>"), Description("Seeds the weights, the data stream and the noise (the page's reset takes a new one).")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; }

        [CommandOption("--replay <FILE>"), Description("A change log saved from the page (lab-log.json): start with its batch size and seed and apply each change at its step; the starting settings (data, batch size, seed, knobs) are then the log's.")]
        public string? Replay { get; init; }

        [CommandOption("--play"), Description("Start playing at once instead of paused.")]
        public bool Play { get; init; }

        public override ValidationResult Validate()
        {
            if (Data is not ("ring" or "grid" or "moons")) return ValidationResult.Error($"--data '{Data}' is unknown: expected ring, grid or moons");
            if (BatchSize is < 2 or > 4096) return ValidationResult.Error("--batch-size must be between 2 and 4096");
            return base.Validate();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var settings = new LabSettings(Data: s.Data, BatchSize: s.BatchSize, Seed: s.Seed);
        IReadOnlyList<LabLogEntry> replay = [];
        if (s.Replay != null)
        {
            var (initial, changes) = LabChangeLog.Parse(File.ReadAllText(s.Replay), s.Replay);
            settings = initial;
            replay = changes;
            AnsiConsole.MarkupLineInterpolated($"replaying {s.Replay}: {changes.Count} changes from {initial.Data}, batch {initial.BatchSize}, seed {initial.Seed}");
        }
        using var runner = new LabRunner(new LabSession(settings), replay, play: s.Play || s.Replay != null);
        var app = LocalServer.Build(s.Host, s.Port, a => LabEndpoints.Map(a, runner));
        string url = LocalServer.StartAsync(app, s.Port).GetAwaiter().GetResult();
        AnsiConsole.MarkupLineInterpolated($"[bold]GAN lab[/] on {url}  (open it in a browser; Ctrl+C stops)");
        Console.Out.Flush();
        LocalServer.RunUntilInterruptedAsync(app).GetAwaiter().GetResult();
        AnsiConsole.MarkupLineInterpolated($"stopped at step {runner.Frame.Step}");
        return ExitCodes.Ok;
    }
}

/// <summary>The options every served page shares.</summary>
internal class ServeSettings : CommandSettings
{
    [CommandOption("--port <N>"), Description("TCP port (0: any free port; the URL is printed).")]
    [DefaultValue(LocalServer.DefaultPort)]
    public int Port { get; init; } = LocalServer.DefaultPort;

    [CommandOption("--host <ADDRESS>"), Description("Address to listen on. The default, 127.0.0.1, is this machine only; any other address is warned about loudly (no password protects the page).")]
    [DefaultValue("127.0.0.1")]
    public string Host { get; init; } = "127.0.0.1";

    public override ValidationResult Validate() =>
        Port is < 0 or > 65535 ? ValidationResult.Error("--port must be between 0 and 65535") : ValidationResult.Success();
}
