using System.ComponentModel;
using Scratchgen.Models;
using Scratchgen.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen import-torch FILE --model KIND: a PyTorch state dict saved with safetensors becomes a
/// checkpoint folder that sample, eval and reconstruct read (TorchImport does the mapping and checks).</summary>
internal sealed class ImportTorchCommand : Command<ImportTorchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>"), Description("A PyTorch state dict saved with safetensors (safetensors.torch.save_file(model.state_dict(), FILE)).")]
        public string File { get; init; } = "";

        [CommandOption("--model <KIND>"), Description("The model the weights are for: vae, ae, gan, dcgan, ... (built-in name mapping: vae, the twin in bench/peers/torch_models.py; others need --map or matching names).")]
        public string Model { get; init; } = "";

        [CommandOption("--map <RULES>"), Description("Name mapping THEIRS=OURS,... by dotted prefix (e.g. fc1=encoder.0); replaces the built-in one.")]
        public string? Map { get; init; }

        [CommandOption("--map-file <FILE>"), Description("The same rules, one per line (# starts a comment).")]
        public string? MapFile { get; init; }

        [CommandOption("--latent-dim <N>"), Description("The latent width (default: the model's own).")]
        public int? LatentDim { get; init; }

        [CommandOption("--out <DIR>"), Description("The checkpoint folder to write.")]
        [DefaultValue("runs/imported/checkpoint")]
        public string Out { get; init; } = "runs/imported/checkpoint";

        public override ValidationResult Validate() =>
            Model.Length == 0 ? ValidationResult.Error($"--model is required: one of {string.Join(", ", ModelFactory.Names)}")
            : !ModelFactory.Names.Contains(Model) ? ValidationResult.Error($"--model '{Model}': expected one of {string.Join(", ", ModelFactory.Names)}")
            : Map != null && MapFile != null ? ValidationResult.Error("give --map or --map-file, not both")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        if (!System.IO.File.Exists(s.File)) throw new FileNotFoundException($"FILE '{s.File}': no such file", s.File);
        var map = s.Map != null ? TorchImport.ParseMap(s.Map)
            : s.MapFile != null ? TorchImport.ParseMap(System.IO.File.ReadAllText(s.MapFile))
            : TorchImport.BuiltInMap(s.Model);
        var options = new ModelOptions(LatentDim: s.LatentDim ?? ModelFactory.DefaultLatentDim(s.Model));
        var result = TorchImport.Import(s.File, s.Model, map, options);
        TorchImport.WriteCheckpoint(s.Out, result.Model);
        var table = new Table().AddColumns("Scratchgen", "PyTorch", "shape");
        var shapes = result.Model.StateDict().ToDictionary(p => p.Name, p => Tensors.Shapes.Format(p.Tensor.Shape));
        foreach (var (ours, theirs) in result.Names) table.AddRow(Markup.Escape(ours), Markup.Escape(theirs), shapes[ours]);
        AnsiConsole.Write(table);
        foreach (var note in result.Notes) AnsiConsole.MarkupLineInterpolated($"note: {note}");
        AnsiConsole.MarkupLineInterpolated($"wrote a {s.Model} checkpoint to {Path.GetFullPath(s.Out)} ({result.Names.Count} tensors)");
        return ExitCodes.Ok;
    }
}
