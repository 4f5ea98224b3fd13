using System.Runtime.Intrinsics.X86;
using Scratchgen.Backends.Ilgpu;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>Lists the backends and what each one uses on this machine: every accelerator ILGPU sees,
/// and for a device that cannot be used, why.</summary>
internal sealed class DevicesCommand : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellation)
    {
        var table = new Table().AddColumns("backend", "available", "details");
        table.AddRow("reference", "yes", "plain loops, float32 and float64: the oracle for tests and gradient checks");
        bool simd = Avx2.IsSupported && Fma.IsSupported;
        table.AddRow("cpu", "yes", $"float32, {Environment.ProcessorCount} threads, " +
            (simd ? "AVX2 + FMA" : "no AVX2/FMA: vector code runs in software and the GEMM falls back to scalar loops") +
            (Avx512F.IsSupported ? " (AVX-512 present)" : ""));
        foreach (var d in IlgpuDevices.List())
            table.AddRow(Markup.Escape(d.Backend), d.Usable ? "yes" : "no",
                Markup.Escape(d.Device == "-" ? d.Details : $"{d.Device}: {d.Details}"));
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine("--backend auto picks cuda when a CUDA device is usable, else cpu.");
        AnsiConsole.WriteLine(MatMulSetting());
        return ExitCodes.Ok;
    }

    // How the ILGPU backends will pick their matmul rung, SCRATCHGEN_MATMUL included.
    private static string MatMulSetting()
    {
        const string name = IlgpuDevices.MatMulEnvironmentVariable;
        try
        {
            return IlgpuDevices.MatMulOverride(Environment.GetEnvironmentVariable(name)) is { } rung
                ? $"Matrix products on the ILGPU backends: {rung} for every product ({name})."
                : $"Matrix products on cuda and opencl: the fastest matmul rung per product shape, timed on first use ({name}=<rung> fixes one).";
        }
        catch (ArgumentException e)
        {
            return $"{e.Message}: the ILGPU backends will refuse to open.";
        }
    }
}
