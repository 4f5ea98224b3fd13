using System.ComponentModel;
using Scratchgen.Data;
using Scratchgen.Imaging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen make-letters --out DIR: a second data set made offline: letters A-Z from the
/// built-in font with random scale, rotation, shear, position and stroke (see SyntheticLetters), written as
/// 28x28 PNGs in one subfolder per letter, the layout `train --data DIR` reads.</summary>
internal sealed class MakeLettersCommand : Command<MakeLettersCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--out <DIR>"), Description("Folder to create (must be empty or absent).")]
        public string Out { get; init; } = "";

        [CommandOption("--count <N>"), Description("Number of images.")]
        [DefaultValue(1000)]
        public int Count { get; init; }

        [CommandOption("--seed <N>"), Description("Seeds the letters and their geometry.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out DIR is required")
            : Count is < 1 or > 100_000 ? ValidationResult.Error("--count must be between 1 and 100000") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var letters = SyntheticLetters.Render(s.Count, s.Seed);
        int side = letters.Height;
        SyntheticFolder.Write(s.Out, letters.Count, "scratchgen make-letters (built-in 5x7 font, random geometry and stroke)", s.Seed, i =>
        {
            var raster = new Raster(side, side);
            var pixels = letters.Image(i);
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++) raster[x, y] = Rgb.FromUnit(pixels[y * side + x]);
            return (raster, SyntheticLetters.Alphabet[letters.Labels[i]].ToString());
        });
        AnsiConsole.MarkupLineInterpolated($"wrote {letters.Count} letter images (28x28, A-Z) to {Path.GetFullPath(s.Out)}; train on them with --data {s.Out}");
        return ExitCodes.Ok;
    }
}
