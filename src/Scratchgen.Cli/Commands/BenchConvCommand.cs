using System.ComponentModel;
using Scratchgen.Cli.Benchmarks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen bench conv: forward+backward milliseconds of the DCGAN layers (batch 64), beside
/// the TorchSharp-cpu 0.107 figures measured on this kind of machine (kernels-docs/peers.md) for reference.
/// For a same-run comparison use bench/compare.sh.</summary>
internal sealed class BenchConvCommand : Command<BenchConvCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--batch <N>"), Description("Images per batch.")]
        [DefaultValue(64)]
        public int Batch { get; init; }

        [CommandOption("--backend <NAME>"), Description("cpu, reference or an Ilgpu backend.")]
        [DefaultValue("cpu")]
        public string Backend { get; init; } = "cpu";
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var backend = Scratchgen.Backends.Backend.FromName(s.Backend);
        var table = new Table().AddColumns("layer", "batch", "median ms (fwd+bwd)", "min ms", "reps");
        foreach (var t in ConvLayerBenchmark.Run(backend, s.Batch))
        {
            table.AddRow(t.Layer.Name, t.Batch.ToString(), t.MedianMs.ToString("F2"), t.MinMs.ToString("F2"), t.Reps.ToString());
            AnsiConsole.WriteLine($"conv {t.Layer.Name}: {t.MedianMs:F2} ms");
        }
        AnsiConsole.Write(table);
        return ExitCodes.Ok;
    }
}
