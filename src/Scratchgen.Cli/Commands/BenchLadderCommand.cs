using System.ComponentModel;
using Scratchgen.Cli.Benchmarks;
using Scratchgen.Cli.Benchmarks.Ladders;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen bench ladder FAMILY: every rung of a kernel family (matmul, conv, batchnorm, elementwise,
/// reduce) on the backends named, each checked against the float64 reference on the family's awkward shapes
/// and at every size timed, then timed (median), with its rate and, for arithmetic on the Cpu backend, the
/// share of this machine's measured FMA peak. Exit 1 when a rung misses the reference.</summary>
internal sealed class BenchLadderCommand : Command<BenchLadderCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FAMILY>"), Description("matmul, conv, batchnorm, elementwise or reduce.")]
        public string Family { get; init; } = "";

        [CommandOption("--backends <LIST>"), Description("Comma-separated backends: cpu, reference, ilgpu-cpu, cuda, opencl (ILGPU's CPU accelerator emulates each GPU thread: keep its sizes small).")]
        [DefaultValue("cpu")]
        public string Backends { get; init; } = "cpu";

        [CommandOption("--sizes <LIST>"), Description("Comma-separated sizes to time: n for matmul (n x n x n), the batch for conv and batchnorm, the rows for elementwise and reduce.")]
        [DefaultValue("128,256")]
        public string Sizes { get; init; } = "128,256";

        [CommandOption("--rungs <LIST>"), Description("Comma-separated rung names to run (default: every rung of the family on those backends).")]
        public string? Rungs { get; init; }

        [CommandOption("--check-only"), Description("Check every rung on the family's shapes; time nothing.")]
        public bool CheckOnly { get; init; }

        public override ValidationResult Validate() =>
            KernelLadder.Named(Family) == null
                ? ValidationResult.Error($"unknown kernel family '{Family}': expected one of {string.Join(", ", KernelLadder.All.Select(l => l.Family))}")
            : BenchMatMulCommand.ParseSizes(Sizes) == null ? ValidationResult.Error($"--sizes '{Sizes}' must be a comma-separated list of sizes between 1 and 8192")
            : BackendList(Backends).FirstOrDefault(b => !Scratchgen.Backends.Backend.Names.Contains(b) || b == "auto") is { } bad
                ? ValidationResult.Error($"--backends: unknown backend '{bad}': expected cpu, reference, ilgpu-cpu, cuda or opencl")
            : ValidationResult.Success();
    }

    private static string[] BackendList(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var ladder = KernelLadder.Named(s.Family)!;
        var backends = BackendList(s.Backends);
        foreach (var name in backends)
            if (LadderBackends.Get(name, out var why) == null)
                AnsiConsole.MarkupLineInterpolated($"[yellow]{name}: not run here ({why})[/]");
        var rungs = ladder.Rungs(backends).ToList();
        if (rungs.Count == 0)
            throw new Scratchgen.Backends.DeviceUnavailableException($"--backends {s.Backends}: no rung of {ladder.Family} runs on this machine there");
        if (s.Rungs != null)
        {
            var named = BackendList(s.Rungs);
            if (named.FirstOrDefault(n => !rungs.Any(r => r.Name == n)) is { } unknown)
                throw new ArgumentException($"--rungs: {ladder.Family} has no rung '{unknown}' on {s.Backends}: expected one of {string.Join(", ", rungs.Select(r => r.Name).Distinct())}");
            rungs = rungs.Where(r => named.Contains(r.Name)).ToList();
        }
        double peak = ladder.RateUnit == "GFLOPS" && rungs.Any(r => r.Backend == "cpu") ? FmaPeak.MeasureGflops(Environment.ProcessorCount) : 0;
        bool allPassed = true;
        var checks = new Table().AddColumns("rung", "backend", "shapes checked", "worst error / allowed", "result");
        // Each problem and its float64 reference once, for every rung.
        var checkProblems = ladder.CheckShapes.Select(shape => ladder.Problem(shape, seed: 1)).Select(p => (Problem: p, Reference: ladder.Reference(p))).ToList();
        foreach (var rung in rungs)
        {
            var results = checkProblems.Select(c => ladder.Check(rung, c.Problem, c.Reference)).ToList();
            var worst = results.MaxBy(r => r.WorstRatio)!;
            allPassed &= worst.Passed;
            checks.AddRow(rung.Name, rung.Backend, results.Count.ToString(), worst.WorstRatio.ToString("G3"), worst.Passed ? "ok" : "FAIL: " + Markup.Escape(worst.Worst));
        }
        AnsiConsole.Write(checks);
        if (s.CheckOnly) return allPassed ? ExitCodes.Ok : ExitCodes.CheckFailed;

        var times = new Table().AddColumns("rung", "backend", "shape", "check", "median ms", "min ms", ladder.RateUnit);
        if (peak > 0) times.AddColumn("% of peak");
        var rows = new List<(Rung Rung, string Shape, bool Passed, RungTiming T)>();
        foreach (int size in BenchMatMulCommand.ParseSizes(s.Sizes)!)
        {
            var problem = ladder.Problem(ladder.TimingShape(size), seed: 2);
            var reference = ladder.Reference(problem);
            foreach (var rung in rungs.Where(r => ladder.Work(problem.Shape) <= r.MaxTimedWork))
            {
                var check = ladder.Check(rung, problem, reference);
                allPassed &= check.Passed;
                var t = ladder.Time(rung, problem);
                rows.Add((rung, problem.Label, check.Passed, t));
                AnsiConsole.WriteLine($"{ladder.Family} {rung.Name} on {rung.Backend}, {problem.Label}: {t.MedianMs:F3} ms, {t.Rate:F1} {ladder.RateUnit}");
            }
        }
        if (peak > 0)
        {
            peak = FmaPeak.Bracketed(peak, Environment.ProcessorCount);
            AnsiConsole.MarkupLine(FmaPeak.PeakLine(peak));
        }
        foreach (var (rung, shape, passed, t) in rows)
        {
            var cells = new List<string> { rung.Name, rung.Backend, shape, passed ? "ok" : "FAIL", t.MedianMs.ToString("F3"), t.MinMs.ToString("F3"), t.Rate.ToString("F1") };
            if (peak > 0) cells.Add(rung.Backend == "cpu" ? FmaPeak.PercentOf(t.Rate, peak) : "");
            times.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(times);
        if (peak > 0 && rows.Any(r => r.Rung.Backend == "cpu" && r.T.Rate > peak)) AnsiConsole.MarkupLine(FmaPeak.AbovePeakNote(peak));
        return allPassed ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }
}
