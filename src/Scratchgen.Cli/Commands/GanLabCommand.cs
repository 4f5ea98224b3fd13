using System.ComponentModel;
using Scratchgen.Cli.Help;
using Scratchgen.Lab;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>
/// scratchgen lab gan2d: a plain GAN and a remedy trained side by side on a 2-D mixture of Gaussians
/// (ring of 8, or 5x5 grid). Writes GIFs of real points, generated points and the discriminator's
/// decision surface over training, prints modes covered and high-quality share for each, and any
/// collapse warnings.
/// </summary>
internal sealed class GanLabCommand : Command<GanLabCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data <NAME>"), Description("ring (8 Gaussians on a circle) or grid (5x5 Gaussians).")]
        [DefaultValue("ring")]
        public string Data { get; init; } = "ring";

        [CommandOption("--models <LIST>"), Description("Comma-separated lab models to train side by side: gan (collapses), gan-balanced (the remedy measured to work here), wgan-gp.")]
        [DefaultValue("gan,gan-balanced")]
        public string Models { get; init; } = "gan,gan-balanced";

        [CommandOption("--steps <N>"), Description("Training steps per model.")]
        [DefaultValue(3000)]
        public int Steps { get; init; }

        [CommandOption("--frames <N>"), Description("GIF frames, evenly spaced over training (first: step 0).")]
        [DefaultValue(21)]
        public int Frames { get; init; }

        [CommandOption("--batch-size <N>"), Description("Points per step.")]
        [DefaultValue(256)]
        public int BatchSize { get; init; }

        [CommandOption("--seed <N>"), Description("Seeds the weights, the data stream and the fixed noise.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; }

        [CommandOption("--out <DIR>"), Description("Where the GIFs and the PNG go.")]
        [DefaultValue("runs/gan2d")]
        public string Out { get; init; } = "runs/gan2d";

        [CommandOption("--backend <NAME>"), GeneratedDescription(nameof(OptionHelp.Backend))]
        [DefaultValue("cpu")]
        public string Backend { get; init; } = "cpu";

        public override ValidationResult Validate()
        {
            if (!ToyDistribution.All.Any(d => d.Name == Data)) return ValidationResult.Error($"--data '{Data}' is unknown: expected ring or grid");
            var unknown = ModelList.Where(m => !ToyGans.Names.Contains(m)).ToList();
            if (ModelList.Count == 0 || unknown.Count > 0)
                return ValidationResult.Error($"--models: unknown '{string.Join(", ", unknown)}': expected a comma-separated list of {string.Join(", ", ToyGans.Names)}");
            if (Steps < 1) return ValidationResult.Error("--steps must be at least 1");
            if (Frames is < 2 or > 500) return ValidationResult.Error("--frames must be between 2 and 500");
            if (BatchSize < 2) return ValidationResult.Error("--batch-size must be at least 2");
            return ValidationResult.Success();
        }

        public List<string> ModelList => Models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var data = ToyDistribution.FromName(s.Data);
        var config = new LabConfig(data, s.ModelList, s.Steps, s.Frames, s.BatchSize, s.Seed, Backend: Scratchgen.Backends.Backend.FromName(s.Backend));
        AnsiConsole.MarkupLineInterpolated($"[bold]data[/] {data.Name}: {data.Modes} Gaussians, std {data.Std}; a sample is high quality within 3 std of a centre, a mode is covered with at least {ModeCoverage.DefaultMinShare:P1} of the samples");
        foreach (var m in config.Models)
            AnsiConsole.MarkupLineInterpolated($"[bold]{m}[/]: {ToyGans.Catalog.First(c => c.Name == m).Description}");
        var runs = GanLab.Run(config, s.Out, line => AnsiConsole.MarkupLine(
            line.StartsWith("WARNING", StringComparison.Ordinal) ? $"[yellow]{Markup.Escape(line)}[/]" : Markup.Escape(line)));

        var table = new Table().AddColumns("model", "modes covered", "high-quality share", "samples per mode (high quality)", "warnings", "seconds");
        foreach (var r in runs)
            table.AddRow(r.Model, $"{r.Final.ModesCovered}/{r.Final.Modes}", r.Final.HighQualityShare.ToString("P1"),
                string.Join(" ", r.Final.HighQualityPerMode), r.Warnings.Count.ToString(), r.Seconds.ToString("F1"));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"measured on {config.EvalSamples} samples from fixed noise after {s.Steps} steps; pictures in {Path.GetFullPath(s.Out)}: {data.Name}-side-by-side.gif/.png and one GIF per model");
        return ExitCodes.Ok;
    }
}
