using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Scratchgen.Cli.Benchmarks;

// Measures the machine's single-precision FMA peak, the ceiling the GEMM table is compared with.
// Each thread runs 12 independent Vector256 FMA chains (latency 4 x 2 FMA pipes = 8 in flight needed
// on Zen 4 and Skylake-class cores; 12 leaves margin), so throughput, not latency, is what is timed.
// Flops per FMA instruction = 8 lanes * 2. Returns the best of several timed runs, in GFLOPS.
internal static class FmaPeak
{
    private const int Iterations = 20_000_000;

    /// <summary>The peak for a table of timings: <paramref name="before"/> (timed before them) or the peak timed
    /// again now, after them, whichever is higher. On a shared host another process can hold a core for the
    /// whole of one measurement, which then reads about half the machine's peak and puts rows above 100 %.</summary>
    internal static double Bracketed(double before, int threads) => Math.Max(before, MeasureGflops(threads));

    /// <summary>The line that gives the peak a table's "% of peak" column divides by.</summary>
    internal static string PeakLine(double peak) =>
        $"FMA peak of this machine ({Environment.ProcessorCount} threads, best of before and after): [bold]{peak:F1} GFLOPS[/]";

    /// <summary>The cell of a "% of peak" column.</summary>
    internal static string PercentOf(double rate, double peak) => (100 * rate / peak).ToString("F0") + " %";

    /// <summary>The note under a table where a rate still exceeds the peak.</summary>
    internal static string AbovePeakNote(double peak) =>
        $"[yellow]a rate above the FMA peak ({peak:F1} GFLOPS, the higher of two measurements): the host gave this process fewer cores while the peak was timed; read GFLOPS, not % of peak[/]";

    internal static double MeasureGflops(int threads)
    {
        if (!(Avx.IsSupported && Fma.IsSupported))
            return 0;
        threads = Math.Max(1, threads);
        Chains(1_000_000); // JIT and warm the core clocks.

        double best = 0;
        for (int run = 0; run < 5; run++)
        {
            using var start = new Barrier(threads + 1);
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() => { start.SignalAndWait(); Chains(Iterations); }) { IsBackground = true };
                workers[t].Start();
            }
            start.SignalAndWait();
            long t0 = Stopwatch.GetTimestamp();
            foreach (Thread w in workers)
                w.Join();
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            double flops = (double)threads * Iterations * 12 * 16;
            best = Math.Max(best, flops / seconds / 1e9);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains(int iterations)
    {
        Vector256<float> m = Vector256.Create(0.999999f), d = Vector256.Create(1e-6f);
        Vector256<float> x0 = Vector256.Create(1f), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0;
        Vector256<float> x6 = x0, x7 = x0, x8 = x0, x9 = x0, x10 = x0, x11 = x0;
        for (int i = 0; i < iterations; i++)
        {
            x0 = Fma.MultiplyAdd(x0, m, d); x1 = Fma.MultiplyAdd(x1, m, d);
            x2 = Fma.MultiplyAdd(x2, m, d); x3 = Fma.MultiplyAdd(x3, m, d);
            x4 = Fma.MultiplyAdd(x4, m, d); x5 = Fma.MultiplyAdd(x5, m, d);
            x6 = Fma.MultiplyAdd(x6, m, d); x7 = Fma.MultiplyAdd(x7, m, d);
            x8 = Fma.MultiplyAdd(x8, m, d); x9 = Fma.MultiplyAdd(x9, m, d);
            x10 = Fma.MultiplyAdd(x10, m, d); x11 = Fma.MultiplyAdd(x11, m, d);
        }
        Vector256<float> s = ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7)) + ((x8 + x9) + (x10 + x11));
        return Vector256.Sum(s);
    }
}
