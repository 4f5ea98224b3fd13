using System.ComponentModel;
using Scratchgen.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen export-onnx CHECKPOINT: the generator (z to images) as an ONNX model (OnnxExport).</summary>
internal sealed class ExportOnnxCommand : Command<ExportOnnxCommand.Settings>
{
    public sealed class Settings : CheckpointSettings
    {
        [CommandOption("--out <FILE>"), Description("ONNX file to write (default: generator.onnx in the run folder, the checkpoint folder's parent).")]
        public override string? Out { get; init; }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var model = s.Load();
        string path = s.OutputFile("generator.onnx");
        OnnxExport.Write(model, path);
        var o = model.Options;
        AnsiConsole.MarkupLineInterpolated($"wrote the {model.Kind} generator to {Path.GetFullPath(path)}: input z (N, {o.LatentDim}), output images (N, {o.Channels}, {o.Height}, {o.Width}) in {(model.Range == Imaging.PixelRange.MinusOneToOne ? "[-1, 1]" : "[0, 1]")}");
        return ExitCodes.Ok;
    }
}
