using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Scratchgen.Backends.Cpu.Gemm;
using Scratchgen.Cli.Benchmarks;
using Scratchgen.Cli.Benchmarks.Ladders;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>
/// SGEMM GFLOPS of every Cpu GEMM variant on square sizes (the matmul ladder's Cpu rungs, timed as `bench
/// ladder matmul` times them), as a percentage of this machine's FMA peak (measured first with a small FMA loop). With --numpy, numpy/OpenBLAS runs the same sizes in the
/// same session, size by size alternating with ours, and the table shows the ratio.
/// </summary>
internal sealed partial class BenchMatMulCommand : Command<BenchMatMulCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--sizes <LIST>"), Description("Comma-separated square sizes.")]
        [DefaultValue("128,256,512,1024")]
        public string Sizes { get; init; } = "128,256,512,1024";

        [CommandOption("--numpy"), Description("Also time numpy/OpenBLAS (Debian's /usr/bin/python3 with python3-numpy and libopenblas0-pthread) and print our/their ratio.")]
        public bool Numpy { get; init; }

        public override ValidationResult Validate() =>
            ParseSizes(Sizes) == null ? ValidationResult.Error($"--sizes '{Sizes}' must be a comma-separated list of sizes between 1 and 8192") : ValidationResult.Success();
    }

    internal static int[]? ParseSizes(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1 || sizes[i] > 8192) return null;
        return sizes.Length > 0 ? sizes : null;
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var sizes = ParseSizes(s.Sizes)!;
        double peak = FmaPeak.MeasureGflops(Environment.ProcessorCount);
        AnsiConsole.MarkupLine(Scratchgen.Backends.Cpu.Gemm.CpuGemm.BestKernel == Scratchgen.Backends.Cpu.Gemm.GemmKernel.Avx512x16x16
            ? "V3Packed runs its AVX-512 micro-kernel (16x16 tile); DOTNET_EnableAVX512F=0 measures the AVX2 one"
            : "V3Packed runs its AVX2 micro-kernel (6x16 tile): .NET reports no AVX-512 on this machine (or DOTNET_EnableAVX512F=0 hides it)");
        var table = new Table().AddColumns("n", "variant", "median ms", "GFLOPS", "% of peak");
        if (s.Numpy) table.AddColumns("numpy GFLOPS", "ours / numpy");
        var ladder = new MatMulLadder();
        var rungs = ladder.Rungs(["cpu"]).ToList();
        var rows = new List<(int N, string Rung, RungTiming T, double? Numpy)>();
        foreach (int n in sizes)
        {
            var problem = ladder.Problem(ladder.TimingShape(n), seed: 1);
            double? numpy = s.Numpy ? NumpyGflops(n) : null;
            foreach (var rung in rungs.Where(r => ladder.Work(problem.Shape) <= r.MaxTimedWork))
                rows.Add((n, rung.Name, ladder.Time(rung, problem), numpy));
        }
        peak = FmaPeak.Bracketed(peak, Environment.ProcessorCount);
        AnsiConsole.MarkupLine(FmaPeak.PeakLine(peak));
        foreach (var (n, rung, t, numpy) in rows)
        {
            var cells = new List<string> { n.ToString(), rung, t.MedianMs.ToString("F3"), t.Rate.ToString("F1"), FmaPeak.PercentOf(t.Rate, peak) };
            if (s.Numpy) cells.AddRange([numpy?.ToString("F1") ?? "n/a", numpy is double g ? (t.Rate / g).ToString("F2") + "x" : "n/a"]);
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
        if (rows.Any(r => r.T.Rate > peak)) AnsiConsole.MarkupLine(FmaPeak.AbovePeakNote(peak));
        return ExitCodes.Ok;
    }

    // Runs bench/peers/numpy_sgemm.py for one size; null (with a note) when numpy/OpenBLAS is not usable.
    private static double? NumpyGflops(int n)
    {
        string? script = FindUp(Path.Combine("bench", "peers", "numpy_sgemm.py"));
        if (script == null || !File.Exists("/usr/bin/python3"))
        {
            AnsiConsole.MarkupLine("[yellow]numpy: bench/peers/numpy_sgemm.py or /usr/bin/python3 not found[/]");
            return null;
        }
        var start = new ProcessStartInfo("/usr/bin/python3", [script, n.ToString()]) { RedirectStandardOutput = true, RedirectStandardError = true };
        // OpenBLAS core-type overrides set on some hosts slow a current numpy: unset them for this run only.
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");
        using var p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        var m = SizeLine().Match(output);
        if (p.ExitCode != 0 || !m.Success)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]numpy failed: {error.Trim()}[/]");
            return null;
        }
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    [GeneratedRegex(@"^n=\d+\s+[\d.]+ ms\s+([\d.]+) GFLOPS", RegexOptions.Multiline)]
    private static partial Regex SizeLine();
}
