using System.Diagnostics;
using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.GpuRunner;

// GFLOPS = 2 n^3 / seconds / 1e9 for square float32 products, each variant: one untimed launch
// (kernel load and compile), then `reps` launches each followed by a stream synchronize; the median.
internal static class MatMulBench
{
    public static int Run(IlgpuBackend backend, string csv, int[] sizes)
    {
        var rows = new List<string> { "variant,n,median_ms,gflops,max_rel_err_vs_cpu" };
        int failures = 0;
        foreach (int n in sizes)
        {
            var rng = new Rng((ulong)n);
            float[] av = Random(rng, n * n), bv = Random(rng, n * n);
            var a = Tensor.FromArray(av, [1, n, n], backend);
            var b = Tensor.FromArray(bv, [1, n, n], backend);
            var c = Tensor.FromArray(new float[n * n], [1, n, n], backend);
            float[]? expected = null;
            if (n == sizes[0])
            {
                var cpuC = Tensor.FromArray(new float[n * n], [1, n, n], Backend.Cpu);
                Backend.Cpu.MatMul(Tensor.FromArray(av, [1, n, n], Backend.Cpu), Tensor.FromArray(bv, [1, n, n], Backend.Cpu), cpuC, false);
                expected = cpuC.ToArray();
            }
            foreach (var variant in Enum.GetValues<MatMulKernels.Variant>())
            {
                try { backend.MatMul(a, b, c, false, variant); }
                catch (Exception e)
                {
                    failures++;
                    rows.Add($"{variant},{n},,,{e.GetType().Name}");
                    Console.WriteLine($"{variant,-18} n={n,5}  failed: {e.Message}");
                    continue;
                }
                backend.Accelerator.Synchronize();
                double err = expected == null ? double.NaN : MaxRelErr(expected, c.ToArray());
                if (err > 1e-3) failures++;
                int reps = variant == MatMulKernels.Variant.V1Naive && n == 4096 ? 3 : 10;
                var times = new List<double>();
                for (int r = 0; r < reps; r++)
                {
                    var sw = Stopwatch.StartNew();
                    backend.MatMul(a, b, c, false, variant);
                    backend.Accelerator.Synchronize();
                    times.Add(sw.Elapsed.TotalMilliseconds);
                }
                times.Sort();
                double ms = times[times.Count / 2], gflops = 2.0 * n * n * n / (ms / 1e3) / 1e9;
                rows.Add($"{variant},{n},{ms:F3},{gflops:F0},{err:E2}");
                Console.WriteLine($"{variant,-18} n={n,5}  {ms,9:F3} ms  {gflops,7:F0} GFLOPS  err {err:E2}");
            }
        }
        File.WriteAllLines(csv, rows);
        return failures;
    }

    private static float[] Random(Rng rng, int count)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float)rng.NextNormal();
        return v;
    }

    // max |e - a| / (|e| + 1): relative for large values, absolute near zero
    private static double MaxRelErr(float[] expected, float[] actual)
    {
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]) / (Math.Abs(expected[i]) + 1));
        return worst;
    }
}
