using System.Runtime.Intrinsics.X86;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>Lists the backends and what each one uses on this machine.</summary>
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
        table.AddRow("cuda / opencl / ilgpu-cpu", "no", "the Ilgpu backend is not built yet (see the open issue); cpu is the default");
        AnsiConsole.Write(table);
        return ExitCodes.Ok;
    }
}
