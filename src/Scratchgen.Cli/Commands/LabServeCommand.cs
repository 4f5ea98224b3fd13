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

        [CommandOption("--width <N>"), Description("Units in each of G's and D's two hidden layers at the start (the page changes each).")]
        [DefaultValue(LabDefaults.Width)]
        public int Width { get; init; } = LabDefaults.Width;

        [CommandOption("--seed <N>"), Description("Seeds the weights, the data stream and the noise (the page's reset takes a new one).")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; }

        [CommandOption("--replay <FILE>"), Description("A change log saved from the page (lab-log.json): start with its batch size and seed and apply each change at its step; the starting settings (data, batch size, seed, knobs) are then the log's.")]
        public string? Replay { get; init; }

        [CommandOption("--play"), Description("Start playing at once instead of paused.")]
        public bool Play { get; init; }

        [CommandOption("--measure <SECONDS>"), Description("No server: play for this many seconds, building frames as the server does, and print steps per second, frames per second and the time one frame takes to build.")]
        public double? Measure { get; init; }

        public override ValidationResult Validate()
        {
            if (Data is not ("ring" or "grid" or "moons")) return ValidationResult.Error($"--data '{Data}' is unknown: expected ring, grid or moons");
            if (Measure is not null and not (> 0 and <= 3600)) return ValidationResult.Error("--measure must be from 0 to 3600 seconds");
            if (Width is < LabControl.MinWidth or > LabControl.MaxWidth) return ValidationResult.Error($"--width must be from {LabControl.MinWidth} to {LabControl.MaxWidth}");
            if (BatchSize is < 2 or > 4096) return ValidationResult.Error("--batch-size must be between 2 and 4096");
            return base.Validate();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var settings = new LabSettings(Data: s.Data, GWidth: s.Width, DWidth: s.Width, BatchSize: s.BatchSize, Seed: s.Seed);
        IReadOnlyList<LabLogEntry> replay = [];
        if (s.Replay != null)
        {
            var (initial, changes) = LabChangeLog.Parse(File.ReadAllText(s.Replay), s.Replay);
            settings = initial;
            replay = changes;
            AnsiConsole.MarkupLineInterpolated($"replaying {s.Replay}: {changes.Count} changes from {initial.Data}, batch {initial.BatchSize}, seed {initial.Seed}");
        }
        if (s.Measure is double seconds) return MeasureRate(settings, seconds);
        using var runner = new LabRunner(new LabSession(settings), replay, play: s.Play || s.Replay != null);
        var app = LocalServer.Build(s.Host, s.Port, a => LabEndpoints.Map(a, runner));
        string url = LocalServer.StartAsync(app, s.Port).GetAwaiter().GetResult();
        AnsiConsole.MarkupLineInterpolated($"[bold]GAN lab[/] on {url}  (open it in a browser; Ctrl+C stops)");
        Console.Out.Flush();
        if (s.Open) LocalServer.OpenInBrowser(url);
        LocalServer.RunUntilInterruptedAsync(app).GetAwaiter().GetResult();
        AnsiConsole.MarkupLineInterpolated($"stopped at step {runner.Frame.Step}");
        return ExitCodes.Ok;
    }

    // What the server's thread does while playing, timed: steps back to back, a frame (with its JSON) every
    // LabRunner.FrameInterval.
    private static int MeasureRate(LabSettings settings, double seconds)
    {
        var session = new LabSession(settings);
        for (int i = 0; i < 20; i++) session.Advance(); // warm-up: first calls compile and fill the pools
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var framing = new System.Diagnostics.Stopwatch();
        long steps = 0, frames = 0;
        var lastFrame = TimeSpan.Zero;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            session.Advance();
            steps++;
            if (clock.Elapsed - lastFrame < LabRunner.FrameInterval) continue;
            framing.Start();
            _ = session.Frame(true, 0).Json;
            framing.Stop();
            frames++;
            lastFrame = clock.Elapsed;
        }
        double total = clock.Elapsed.TotalSeconds;
        AnsiConsole.MarkupLineInterpolated($"{settings.Data}, batch {settings.BatchSize}, widths G {settings.GWidth} / D {settings.DWidth}, {LabSettings.LossName(settings.Loss)}, {settings.DSteps} D step(s) per G step:");
        AnsiConsole.MarkupLineInterpolated($"{steps} steps in {total:F1} s = {steps / total:F1} steps/s, with {frames} frames = {frames / total:F1} frames/s ({framing.Elapsed.TotalMilliseconds / Math.Max(1, frames):F1} ms to build each)");
        var last = session.Frame(false, 0);
        AnsiConsole.MarkupLineInterpolated($"after {session.Step} steps: {last.Metrics}; warnings: {(last.Warnings.Count == 0 ? "none" : string.Join(" | ", last.Warnings.Select(w => w.Text)))}");
        return ExitCodes.Ok;
    }
}

/// <summary>The lab's starting sizes as the command line shows them.</summary>
internal static class LabDefaults
{
    /// <summary>Hidden width of G and D.</summary>
    public const int Width = 128;
}
