using System.ComponentModel;
using Scratchgen.Cli.Help;
using Scratchgen.Autograd;
using Scratchgen.Diagnostics;
using Scratchgen.Models;
using Scratchgen.Nn;
using Scratchgen.Tensors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>
/// scratchgen trace: runs one training step of a small model with the autograd engine watched, and
/// prints every op of the forward in order, then every backward step in the order the engine ran it:
/// the op, the shapes, its local derivative rule, the gradient norms, and where a gradient was
/// accumulated because a tensor is used twice; then the layer pairs the fusion pass ran as one op
/// ("fused: BatchNorm+Relu x2", Nn/Fusion.cs; none with --no-fusion). --dot writes the loss's graph as Graphviz DOT (and SVG
/// when Graphviz's dot is installed).
/// </summary>
internal sealed class TraceCommand : Command<TraceCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <NAME>"), Description("mlp (a 2-8-1 MLP written op by op), or a catalog model at toy sizes: ae, dae, vae, cvae, gan, dcgan, cgan, wgan-gp.")]
        [DefaultValue("mlp")]
        public string Model { get; init; } = "mlp";

        [CommandOption("--batch <N>"), Description("Examples in the batch.")]
        [DefaultValue(4)]
        public int Batch { get; init; }

        [CommandOption("--seed <N>"), Description("Seeds the weights and the batch.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; }

        [CommandOption("--backend <NAME>"), GeneratedDescription(nameof(OptionHelp.Backend))]
        [DefaultValue("cpu")]
        public string Backend { get; init; } = "cpu";

        [CommandOption("--dot <FILE>"), Description("Also write the loss's graph as Graphviz DOT to FILE (and FILE with .svg when `dot` is installed). A model step with several backward passes writes one file per pass (FILE.1.dot ...).")]
        public string? Dot { get; init; }

        [CommandOption("--no-fusion"), Description("Run every layer as its own op: no layer and activation fused into one op (Nn/Fusion.cs).")]
        public bool NoFusion { get; init; }

        public override ValidationResult Validate() =>
            Model != "mlp" && !ModelFactory.Names.Contains(Model)
                ? ValidationResult.Error($"--model '{Model}' is unknown: expected mlp or one of {string.Join(", ", ModelFactory.Names)}")
            : Batch is < 2 or > 64 ? ValidationResult.Error("--batch must be between 2 and 64 (batch norm needs 2; traces of more are unreadable)")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var backend = Scratchgen.Backends.Backend.FromName(s.Backend);
        using var trace = BackpropTrace.Start();
        using var fusionOff = s.NoFusion ? Fusion.Disable() : default;
        using var fused = Fusion.Watch();
        if (s.Model == "mlp")
        {
            AnsiConsole.MarkupLine("[bold]model[/] 2-8-1 MLP: loss = BCE_with_logits(tanh(x W1^T + b1) W2^T + b2, y) + 0.01 sum(W1^2)");
            var (loss, parameters) = TraceSubjects.MlpLoss(s.Batch, s.Seed, backend);
            loss.Backward();
            Console.Write(TraceText.Format(trace.Segments));
            AnsiConsole.MarkupLineInterpolated($"loss {loss.Item():G6}; gradients now in {string.Join(", ", parameters.Select(p => $"{p.Name} (|g| {BackpropTrace.Norm(p.Grad!):G4})"))}");
        }
        else
        {
            var model = TraceSubjects.TinyModel(s.Model, s.Seed, backend);
            var (images, labels) = TraceSubjects.RandomBatch(model, s.Batch, s.Seed);
            AnsiConsole.MarkupLineInterpolated($"[bold]model[/] {model.Kind} at toy size: images {Shapes.Format(images.Shape)}, latent {model.Options.LatentDim}, {model.ParameterCount:N0} parameters; one TrainStep");
            var losses = model.TrainStep(images, labels);
            Console.Write(TraceText.Format(trace.Segments));
            AnsiConsole.MarkupLineInterpolated($"losses: {string.Join(", ", losses.Select(kv => $"{kv.Key} {kv.Value:G5}"))}");
        }
        Console.WriteLine(FusedLine(fused.Pairs, s.NoFusion));
        if (s.Dot != null) WriteGraphs(s.Dot, trace);
        return ExitCodes.Ok;
    }

    /// <summary>"fused: BatchNorm+Relu x2, Conv2d+LeakyRelu" (in the order first run), or why none.</summary>
    internal static string FusedLine(IReadOnlyList<string> pairs, bool fusionOff) =>
        fusionOff ? "fused: none (--no-fusion)"
        : pairs.Count == 0 ? "fused: none (no layer followed by an activation it can take into its op)"
        : "fused: " + string.Join(", ", pairs.GroupBy(p => p).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} x{g.Count()}"));

    private static void WriteGraphs(string dotPath, BackpropTrace trace)
    {
        var dot = Graphviz.FindDot();
        var roots = trace.Roots;
        for (int i = 0; i < roots.Count; i++)
        {
            string path = roots.Count == 1 ? dotPath : Path.ChangeExtension(dotPath, $".{i + 1}.dot");
            var dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir != null) Directory.CreateDirectory(dir);
            File.WriteAllText(path, GraphvizDot.Write(roots[i], trace.Labels));
            AnsiConsole.MarkupLineInterpolated($"graph of {trace.Labels.WithShape(roots[i])}: {ComputationGraph.Of(roots[i]).OpOutputs.Count} ops, {ComputationGraph.Of(roots[i]).Leaves.Count} leaves -> {path}");
            if (dot != null)
            {
                string svg = Path.ChangeExtension(path, ".svg");
                Graphviz.RenderSvg(dot, path, svg);
                AnsiConsole.MarkupLineInterpolated($"  rendered with {dot} -> {svg}");
            }
        }
        if (dot == null)
            AnsiConsole.MarkupLineInterpolated($"[yellow]Graphviz's `dot` is not on PATH: wrote DOT only (no SVG). Install graphviz, or render elsewhere: dot -Tsvg {dotPath} -o {Path.ChangeExtension(dotPath, ".svg")}[/]");
    }
}
