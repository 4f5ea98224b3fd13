using System.ComponentModel;
using Scratchgen.Imaging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen inspect IMAGE: prints the provenance a PNG or GIF written by Scratchgen carries
/// (synthetic or not, model, checkpoint hash, seed, epoch); with --checkpoint, also checks that the
/// recorded hash is that checkpoint's.</summary>
internal sealed class InspectCommand : Command<InspectCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<IMAGE>"), Description("A PNG or GIF file.")]
        public string Image { get; init; } = "";

        [CommandOption("--checkpoint <DIR>"), Description("A checkpoint folder: check that the image says it came from it (SHA-256 of its model file).")]
        public string? Checkpoint { get; init; }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        if (!File.Exists(s.Image)) throw new FileNotFoundException($"IMAGE '{s.Image}': no such file", s.Image);
        var entries = ImageProvenance.Read(s.Image);
        if (entries.GetValueOrDefault(Provenance.SoftwareKey) != "Scratchgen")
            throw new InvalidDataException($"{s.Image}: carries no Scratchgen provenance (no '{Provenance.SoftwareKey}: Scratchgen' text" +
                (entries.Count == 0 ? " and no text at all)" : $"; it has {string.Join(", ", entries.Keys.Take(5))})"));
        var table = new Table().Title(Path.GetFileName(s.Image)).AddColumns("key", "value");
        foreach (var (k, v) in entries.OrderBy(kv => kv.Key, StringComparer.Ordinal)) table.AddRow(Markup.Escape(k), Markup.Escape(v));
        AnsiConsole.Write(table);
        bool synthetic = entries.GetValueOrDefault(Provenance.SyntheticKey) == "true";
        AnsiConsole.MarkupLine(synthetic ? "[bold]synthetic[/]: made by Scratchgen (a model or make-letters), not real data" : "[bold]not synthetic[/]: real data or a chart, drawn by Scratchgen");
        if (s.Checkpoint == null) return ExitCodes.Ok;

        Training.Checkpoint.LoadModel(s.Checkpoint); // a folder that is not a loadable checkpoint is refused before any match is claimed
        string expected = Training.Checkpoint.ModelSha256(s.Checkpoint);
        string? recorded = entries.GetValueOrDefault("Checkpoint-SHA256");
        if (recorded == expected)
        {
            AnsiConsole.MarkupLineInterpolated($"[green]match[/]: made from {s.Checkpoint} (SHA-256 {expected})");
            return ExitCodes.Ok;
        }
        AnsiConsole.MarkupLineInterpolated($"[red]no match[/]: the image records {recorded ?? "no checkpoint hash"}, {s.Checkpoint} hashes to {expected}");
        return ExitCodes.CheckFailed;
    }
}
