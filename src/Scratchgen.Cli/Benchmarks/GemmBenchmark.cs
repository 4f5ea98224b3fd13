using System.Diagnostics;
using System.Runtime.InteropServices;
using Scratchgen.Backends.Cpu.Gemm;

namespace Scratchgen.Cli.Benchmarks;

/// <summary>One timed (size, variant) cell: median wall time of C = A*B for square n, and its GFLOPS.</summary>
internal sealed record GemmBenchRow(int N, string Variant, double MedianMs, double Gflops);

// Times every CpuGemm variant on square n x n x n problems (no transposes, accumulate = false); on an
// AVX-512 machine V3Packed also runs with the 6x16 AVX2 micro-kernel (V3Packed-6x16).
// Per cell: warm-up calls (JIT, page faults, pack buffers), then the median of several timed calls,
// at least 5 and enough to fill ~0.4 s. GFLOPS = 2 n^3 / seconds / 1e9. V1 only runs for n <= 256.
internal static class GemmBenchmark
{
    private unsafe delegate void GemmFn(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB, float* c, int ldc, bool accumulate);

    internal static unsafe IReadOnlyList<GemmBenchRow> Run(IReadOnlyList<int> sizes, Action<string>? log)
    {
        var variants = new List<(string Name, GemmFn Fn, int MaxN)> { ("V1Naive", CpuGemm.V1Naive, 256) };
        if (CpuGemm.SimdSupported)
        {
            variants.Add(("V2Simd", CpuGemm.V2Simd, int.MaxValue));
            variants.Add(("V3Packed-1T", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) =>
                CpuGemm.V3Packed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, maxThreads: 1), int.MaxValue));
            variants.Add(("V3Packed", CpuGemm.V3Packed, int.MaxValue));
            if (CpuGemm.BestKernel != GemmKernel.Avx2x6x16) // the AVX2 micro-kernel beside the AVX-512 one V3Packed runs
                variants.Add(("V3Packed-6x16", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) =>
                    CpuGemm.V3Packed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, Environment.ProcessorCount, GemmKernel.Avx2x6x16), int.MaxValue));
        }

        var rows = new List<GemmBenchRow>();
        foreach (int n in sizes)
        {
            long count = (long)n * n;
            float* a = Alloc(count, seed: 1), b = Alloc(count, seed: 2), c = Alloc(count, seed: 3);
            try
            {
                foreach ((string name, GemmFn fn, int maxN) in variants)
                {
                    if (n > maxN)
                        continue;
                    double ms = MedianMs(() => fn(n, n, n, a, n, false, b, n, false, c, n, false));
                    var row = new GemmBenchRow(n, name, ms, 2.0 * n * n * n / (ms * 1e-3) / 1e9);
                    rows.Add(row);
                    log?.Invoke($"n={n,5} {name,-12} {ms,10:F3} ms {row.Gflops,8:F1} GFLOPS");
                }
            }
            finally
            {
                NativeMemory.AlignedFree(a);
                NativeMemory.AlignedFree(b);
                NativeMemory.AlignedFree(c);
            }
        }
        return rows;
    }

    internal static double MedianMs(Action call)
    {
        long t0 = Stopwatch.GetTimestamp();
        call();
        double firstMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        int warmups = firstMs > 200 ? 1 : 3;
        for (int i = 1; i < warmups; i++)
            call();

        int reps = (int)Math.Clamp(400 / Math.Max(firstMs, 1e-3), 5, 200);
        var times = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            t0 = Stopwatch.GetTimestamp();
            call();
            times[r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[reps / 2];
    }

    private static unsafe float* Alloc(long count, int seed)
    {
        float* p = (float*)NativeMemory.AlignedAlloc((nuint)(count * sizeof(float)), 64);
        var rng = new Random(seed);
        for (long i = 0; i < count; i++)
            p[i] = (float)(rng.NextDouble() * 2 - 1);
        return p;
    }
}
