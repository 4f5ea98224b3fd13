using System.ComponentModel;
using Scratchgen.Data;
using Scratchgen.Imaging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen make-shapes --out DIR: a small RGB data set made offline: one coloured shape per
/// image (red circles, green squares, blue triangles, yellow diamonds; see SyntheticShapes) on a dark
/// background, written as PNGs in one subfolder per shape, the layout `train --data DIR --channels 3` reads.</summary>
internal sealed class MakeShapesCommand : Command<MakeShapesCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--out <DIR>"), Description("Folder to create (must be empty or absent).")]
        public string Out { get; init; } = "";

        [CommandOption("--count <N>"), Description("Number of images.")]
        [DefaultValue(4000)]
        public int Count { get; init; }

        [CommandOption("--size <N>"), Description("Side of the square images in pixels.")]
        [DefaultValue(32)]
        public int Size { get; init; }

        [CommandOption("--seed <N>"), Description("Seeds the shapes, their sizes, places and colours.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out DIR is required")
            : Count is < 1 or > 100_000 ? ValidationResult.Error("--count must be between 1 and 100000")
            : Size is < 8 or > 256 ? ValidationResult.Error("--size must be between 8 and 256")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var shapes = SyntheticShapes.Render(s.Count, s.Seed, s.Size);
        int side = shapes.Height, plane = side * side;
        SyntheticFolder.Write(s.Out, shapes.Count, "scratchgen make-shapes (one coloured shape per image on a dark background)", s.Seed, i =>
        {
            var raster = new Raster(side, side);
            var pixels = shapes.Image(i);
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                {
                    int at = y * side + x;
                    raster[x, y] = new Rgb(Byte(pixels[at]), Byte(pixels[plane + at]), Byte(pixels[2 * plane + at]));
                }
            return (raster, SyntheticShapes.Names[shapes.Labels[i]]);
        });
        string names = string.Join(", ", SyntheticShapes.Names);
        AnsiConsole.MarkupLineInterpolated(
            $"wrote {shapes.Count} shape images ({side}x{side} RGB: {names}) to {Path.GetFullPath(s.Out)}; train on them with --data {s.Out} --channels 3 --image-size {side}");
        return ExitCodes.Ok;
    }

    private static byte Byte(float v) => (byte)Math.Clamp(MathF.Round(v * 255), 0, 255);
}
