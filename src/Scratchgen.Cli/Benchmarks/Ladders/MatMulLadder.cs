using Scratchgen.Backends.Cpu.Gemm;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.Cli.Benchmarks.Ladders;

/// <summary>
/// SGEMM, c (m x n) = a (m x k) b (k x n), row-major. Rungs: the Cpu GEMM ladder (V1Naive, V2Simd, V3Packed on
/// all cores and on one; kernels-docs/matmul.md) and every ILGPU rung V1-V8 (kernels-docs/ilgpu.md). Shape
/// (m, n, k). Reference: the float64 sum of products (every row up to 2^27 multiply-adds, a sample of rows beyond);
/// each output may miss it by sqrt(k) u sum |a_ip b_pj|.
/// </summary>
internal sealed unsafe class MatMulLadder : KernelLadder
{
    public override string Family => "matmul";

    public override string RateUnit => "GFLOPS";

    // 1, 7, 33; one off the Cpu micro-tiles (6 x 16, 16 x 16), the ILGPU tiles (16, 64, 128) and the K slice (8); round ones.
    public override IReadOnlyList<int[]> CheckShapes { get; } =
    [
        [1, 1, 1], [7, 7, 7], [33, 33, 33], [5, 17, 15], [15, 16, 17], [17, 15, 9], [63, 65, 7], [127, 129, 9], [64, 64, 64],
    ];

    public override int[] TimingShape(int size) => [size, size, size];

    public override double Work(int[] s) => 2.0 * s[0] * s[1] * s[2];

    public override LadderProblem Problem(int[] s, int seed)
    {
        var rng = new Random(seed);
        return new(s, [Uniform(s[0] * s[2], rng), Uniform(s[2] * s[1], rng)]);
    }

    // Rows of c the reference computes: all of them up to 2^27 multiply-adds, beyond that every step-th row
    // (and the last), so a check at n = 2048 takes a second, not minutes; the other outputs need only be finite.
    private const long ReferenceWork = 1L << 27;

    public override (double[] Expected, double[] Allowed) Reference(LadderProblem p)
    {
        int m = p.Shape[0], n = p.Shape[1], k = p.Shape[2];
        float[] a = p.Inputs[0], b = p.Inputs[1];
        var expected = new double[m * n];
        var allowed = new double[m * n];
        Array.Fill(allowed, double.PositiveInfinity);
        int step = (int)Math.Max(1, (long)m * n * k / ReferenceWork);
        var sum = new double[n];
        var magnitude = new double[n];
        for (int i = 0; i < m; i++)
        {
            if (i % step != 0 && i != m - 1) continue;
            Array.Clear(sum);
            Array.Clear(magnitude);
            for (int q = 0; q < k; q++)
            {
                double aiq = a[i * k + q];
                for (int j = 0; j < n; j++)
                {
                    double t = aiq * b[q * n + j];
                    sum[j] += t;
                    magnitude[j] += Math.Abs(t);
                }
            }
            for (int j = 0; j < n; j++)
            {
                expected[i * n + j] = sum[j];
                allowed[i * n + j] = Allowed(sum[j], k, magnitude[j]);
            }
        }
        return (expected, allowed);
    }

    public override IEnumerable<Rung> Rungs(IReadOnlyList<string> backends)
    {
        foreach (var name in backends)
        {
            if (name == "cpu")
            {
                foreach (var rung in CpuRungs()) yield return rung;
            }
            else if (name != "reference" && LadderBackends.Ilgpu(name, out _) is { } device)
            {
                foreach (var variant in Enum.GetValues<MatMulKernels.Variant>())
                    yield return new(variant.ToString(), name, p => new IlgpuRun(device, variant, p));
            }
        }
    }

    // V1 always (timed up to n = 256: about a second a run beyond); V2 and V3 where the CPU has AVX2 and FMA, V3 on
    // all cores and on one; on an AVX-512 machine also V3 with the AVX2 micro-kernel (6x16) beside the AVX-512 one.
    // V2 is timed up to n = 2048 (a couple of seconds a run there; memory-bound, so 8x that at 4096).
    private static List<Rung> CpuRungs()
    {
        var rungs = new List<Rung> { CpuRung("V1Naive", CpuGemm.V1Naive, 2.0 * 256 * 256 * 256) };
        if (!CpuGemm.SimdSupported) return rungs;
        rungs.Add(CpuRung("V2Simd", CpuGemm.V2Simd, 2.0 * 2048 * 2048 * 2048));
        rungs.Add(CpuRung("V3Packed", CpuGemm.V3Packed));
        rungs.Add(CpuRung("V3Packed-1T", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => CpuGemm.V3Packed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, maxThreads: 1)));
        if (CpuGemm.BestKernel != GemmKernel.Avx2x6x16)
            rungs.Add(CpuRung("V3Packed-6x16", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) =>
                CpuGemm.V3Packed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, Environment.ProcessorCount, GemmKernel.Avx2x6x16)));
        return rungs;
    }

    private unsafe delegate void GemmFn(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB, float* c, int ldc, bool accumulate);

    private static Rung CpuRung(string name, GemmFn gemm, double maxTimedWork = double.PositiveInfinity) => new(name, "cpu", p => new CpuRun(gemm, p), maxTimedWork);

    private sealed class CpuRun(GemmFn gemm, LadderProblem p) : IRungRun
    {
        private readonly float[] _c = new float[p.Shape[0] * p.Shape[1]];

        public unsafe void Run()
        {
            int m = p.Shape[0], n = p.Shape[1], k = p.Shape[2];
            fixed (float* a = p.Inputs[0], b = p.Inputs[1], c = _c)
                gemm(m, n, k, a, k, false, b, n, false, c, n, false);
        }

        public float[] Result() => _c;

        public void Dispose() { }
    }

    private sealed class IlgpuRun(IlgpuBackend device, MatMulKernels.Variant variant, LadderProblem p) : IRungRun
    {
        // The backend's products take rank-3 views (a batch of one here).
        private readonly Tensor _a = Tensor.FromArray(p.Inputs[0], [1, p.Shape[0], p.Shape[2]], device);
        private readonly Tensor _b = Tensor.FromArray(p.Inputs[1], [1, p.Shape[2], p.Shape[1]], device);
        private readonly Tensor _c = Tensor.Zeros([1, p.Shape[0], p.Shape[1]], backend: device);

        public void Run()
        {
            device.MatMul(_a, _b, _c, accumulate: false, variant, splitK: 1);
            device.Synchronize();
        }

        public float[] Result() => _c.ToArray();

        public void Dispose() { }
    }
}
