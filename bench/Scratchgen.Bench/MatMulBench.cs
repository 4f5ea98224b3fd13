using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Scratchgen.Backends.Cpu.Gemm;

namespace Scratchgen.Bench;

// C (N x N) = A (N x N) * B (N x N), float32, row-major, no transposes: one method per CpuGemm
// variant (kernels-docs/matmul.md). GFLOPS = 2 N^3 / mean time. V1Naive is the baseline; at N = 1024
// it takes over a second per call, so filter it out (--filter '*V3*') for quick runs.
// The numpy/OpenBLAS ceiling is bench/peers/numpy_sgemm.py, run beside this.
// [GlobalSetup] checks every variant against V1 before anything is timed (and warms the pack
// buffers and worker threads), so a wrong kernel can never post a number.
public unsafe class MatMulBench
{
    private float* _a, _b, _c;

    [Params(128, 256, 512, 1024)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        long count = (long)N * N;
        _a = Alloc(count);
        _b = Alloc(count);
        _c = Alloc(count);
        var rng = new Random(1234);
        for (long i = 0; i < count; i++)
        {
            _a[i] = (float)(rng.NextDouble() * 2 - 1);
            _b[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        V1Naive();
        float[] reference = new ReadOnlySpan<float>(_c, (int)count).ToArray();
        Check(nameof(V2Simd), V2Simd, reference);
        Check(nameof(V3Packed), V3Packed, reference);
        Check(nameof(V3Packed6x16), V3Packed6x16, reference);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(_a);
        NativeMemory.AlignedFree(_b);
        NativeMemory.AlignedFree(_c);
        _a = _b = _c = null;
    }

    [Benchmark(Baseline = true)]
    public void V1Naive() => CpuGemm.V1Naive(N, N, N, _a, N, false, _b, N, false, _c, N, false);

    [Benchmark]
    public void V2Simd() => CpuGemm.V2Simd(N, N, N, _a, N, false, _b, N, false, _c, N, false);

    // Sgemm's default micro-kernel: 16x16 AVX-512 where the CPU has it (else 6x16 AVX2, as below).
    [Benchmark]
    public void V3Packed() => CpuGemm.V3Packed(N, N, N, _a, N, false, _b, N, false, _c, N, false);

    // The same blocking and threads with the 6x16 AVX2 micro-kernel named.
    [Benchmark]
    public void V3Packed6x16() => CpuGemm.V3Packed(N, N, N, _a, N, false, _b, N, false, _c, N, false, Environment.ProcessorCount, GemmKernel.Avx2x6x16);

    // Entries are sums of N products of values in [-1, 1]: allow 1e-5 * N absolute (float rounding
    // of two different summation orders), far below the ~0.5 an indexing bug would cause.
    private void Check(string name, Action run, float[] reference)
    {
        new Span<float>(_c, reference.Length).Clear();
        run();
        for (int x = 0; x < reference.Length; x++)
        {
            if (!(Math.Abs(_c[x] - reference[x]) <= 1e-5f * N))
                throw new InvalidOperationException($"{name} N={N}: C[{x / N},{x % N}] = {_c[x]}, V1 says {reference[x]}");
        }
    }

    private static float* Alloc(long count) => (float*)NativeMemory.AlignedAlloc((nuint)(count * sizeof(float)), 64);
}
