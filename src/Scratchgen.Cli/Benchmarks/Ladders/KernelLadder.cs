using System.Diagnostics;
using Scratchgen.Diagnostics;

namespace Scratchgen.Cli.Benchmarks.Ladders;

/// <summary>A rung bound to one problem: Run does the work once (and waits for a device to finish it), Result
/// reads the output back.</summary>
internal interface IRungRun : IDisposable
{
    void Run();

    float[] Result();
}

/// <summary>One rung of a kernel family's ladder: a variant (or a backend's kernel) by name, the backend it runs
/// on, how to bind it to a problem, and the most work (the family's Work) worth timing it on: a naive rung
/// would take minutes where the others take milliseconds.</summary>
internal sealed record Rung(string Name, string Backend, Func<LadderProblem, IRungRun> Bind, double MaxTimedWork = double.PositiveInfinity);

/// <summary>A problem of a family: its shape (the family's numbers, e.g. m, n, k), and its inputs drawn from a seed.</summary>
internal sealed record LadderProblem(int[] Shape, float[][] Inputs)
{
    public string Label => string.Join("x", Shape);
}

/// <summary>How close a rung came to the float64 reference: the worst |error| / allowed over the outputs
/// (passed when at most 1), and where.</summary>
internal sealed record RungCheck(bool Passed, double WorstRatio, string Worst);

/// <summary>A rung's time on one problem: median and fastest of the timed runs, and the rate (work / median).</summary>
internal sealed record RungTiming(double MedianMs, double MinMs, int Reps, double Rate);

/// <summary>
/// One kernel family's harness, in the spirit of a dev/ folder of kernel versions: every rung (the numbered
/// variants and each backend's kernel) runs the same problems, is checked against a float64 reference with
/// the suite's tolerance (atol 2e-5 + rtol 2e-4 |expected|, plus the rounding allowance of a float32 sum
/// where an output is one; Diagnostics/ParityCheck) and is timed. Tests check every rung on the family's
/// awkward and round shapes (tests/Scratchgen.Tests/Kernels/LadderTests.cs); `bench ladder FAMILY` checks
/// and times them at the sizes asked.
/// </summary>
internal abstract class KernelLadder
{
    /// <summary>The family's name on the command line: matmul, conv, batchnorm, elementwise, reduce.</summary>
    public abstract string Family { get; }

    /// <summary>What the rate counts: GFLOPS for arithmetic-bound families, GB/s for memory-bound ones.</summary>
    public abstract string RateUnit { get; }

    /// <summary>The rungs on the named backends (cpu, reference, ilgpu-cpu, cuda, opencl).</summary>
    public abstract IEnumerable<Rung> Rungs(IReadOnlyList<string> backends);

    /// <summary>The shapes every rung is checked on: 1, 7, 33 and one off each tile, and round ones.</summary>
    public abstract IReadOnlyList<int[]> CheckShapes { get; }

    /// <summary>The shape `bench ladder --sizes n` times for size n.</summary>
    public abstract int[] TimingShape(int size);

    /// <summary>The inputs of a shape, drawn from the seed.</summary>
    public abstract LadderProblem Problem(int[] shape, int seed);

    /// <summary>The outputs in float64 and the error allowed on each.</summary>
    public abstract (double[] Expected, double[] Allowed) Reference(LadderProblem p);

    /// <summary>The work of one run, in the rate's unit times 1e9 (flops or bytes).</summary>
    public abstract double Work(int[] shape);

    /// <summary>Runs the rung on the problem and compares it with the reference: `reference` when the caller
    /// computed it once for the rungs of one problem, else <see cref="Reference"/>.</summary>
    public RungCheck Check(Rung rung, LadderProblem p, (double[] Expected, double[] Allowed)? reference = null)
    {
        float[] got;
        using (var run = rung.Bind(p))
        {
            run.Run();
            got = run.Result();
        }
        var (expected, allowed) = reference ?? Reference(p);
        if (got.Length != expected.Length)
            return new(false, double.PositiveInfinity, $"{got.Length} outputs, expected {expected.Length}");
        double worst = 0;
        string where = "";
        for (int i = 0; i < got.Length; i++)
        {
            double ratio = double.IsFinite(got[i]) ? Math.Abs(got[i] - expected[i]) / allowed[i] : double.PositiveInfinity;
            if (!(ratio <= worst)) (worst, where) = (ratio, $"output {i}: {got[i]:G9}, expected {expected[i]:G9} +- {allowed[i]:G3}");
        }
        return new(worst <= 1, worst, where);
    }

    /// <summary>Warm-up runs, then the median of at least 5 timed runs and enough to fill minSeconds.</summary>
    public RungTiming Time(Rung rung, LadderProblem p, double minSeconds = 0.3)
    {
        using var run = rung.Bind(p);
        run.Run();
        run.Run();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 5 || (total.Elapsed.TotalSeconds < minSeconds && times.Count < 1000))
        {
            long start = Stopwatch.GetTimestamp();
            run.Run();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        times.Sort();
        double median = times[times.Count / 2];
        return new(median, times[0], times.Count, Work(p.Shape) / (median / 1e3) / 1e9);
    }

    /// <summary>Uniform inputs in [-1, 1) from a seed (the same draws for every rung).</summary>
    protected static float[] Uniform(int count, Random rng)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>The suite's tolerance for an output that is one float32 sum of `terms` products of total
    /// magnitude `magnitude` (0 terms: an elementwise result).</summary>
    protected static double Allowed(double expected, double terms, double magnitude) =>
        ParityCheck.Allowed(expected, terms > 0 ? ParityCheck.RoundingBound(terms, magnitude) : 0);

    /// <summary>Every family, by its command-line name.</summary>
    public static IReadOnlyList<KernelLadder> All { get; } =
        [new MatMulLadder(), new ConvLadder(), new BatchNormLadder(), new ElementwiseLadder(), new ReductionLadder()];

    public static KernelLadder? Named(string family) => All.FirstOrDefault(l => l.Family == family);
}
