using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Scratchgen.Backends.Cpu.Gemm;

namespace Scratchgen.Bench;

// A linear layer with one output at batch 128 (the DCGAN discriminator's 6272 -> 1, the MLP GAN's 256 -> 1):
// its forward (C one column, n = 1) and weight gradient (C one row, m = 1, A transposed), through V3Packed
// (the baseline: a 6x16 packed GEMM padded around a vector) and through Sgemm, which sends these shapes to
// the matrix-vector code of CpuGemm.Vector.cs (kernels-docs/matmul.md; its measurements: the matmul log
// in kernels-docs/log/, "Vector shapes").
// [GlobalSetup] checks that both give the same results within float rounding.
public unsafe class VectorGemmBench
{
    private const int Batch = 128;
    private float* _x, _w, _y, _dw;

    [Params(6272, 256)]
    public int Inputs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _x = Alloc((long)Batch * Inputs);
        _w = Alloc(Inputs);
        _y = Alloc(Batch);
        _dw = Alloc(Inputs);
        Check("forward", ForwardV3, ForwardVector, _y, Batch);
        Check("weight gradient", WeightGradientV3, WeightGradientVector, _dw, Inputs);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(_x);
        NativeMemory.AlignedFree(_w);
        NativeMemory.AlignedFree(_y);
        NativeMemory.AlignedFree(_dw);
    }

    // y (128 x 1) = x (128 x I) w^T
    [Benchmark(Baseline = true)]
    public void ForwardV3() => CpuGemm.V3Packed(Batch, 1, Inputs, _x, Inputs, false, _w, Inputs, true, _y, 1, false);

    [Benchmark]
    public void ForwardVector() => CpuGemm.Sgemm(Batch, 1, Inputs, _x, Inputs, false, _w, Inputs, true, _y, 1, false);

    // dw (1 x I) = y^T (1 x 128) x (128 x I)
    [Benchmark]
    public void WeightGradientV3() => CpuGemm.V3Packed(1, Inputs, Batch, _y, 1, true, _x, Inputs, false, _dw, Inputs, false);

    [Benchmark]
    public void WeightGradientVector() => CpuGemm.Sgemm(1, Inputs, Batch, _y, 1, true, _x, Inputs, false, _dw, Inputs, false);

    private static void Check(string name, Action v3, Action vector, float* result, int count)
    {
        v3();
        float[] want = new ReadOnlySpan<float>(result, count).ToArray();
        vector();
        for (int i = 0; i < count; i++)
            if (Math.Abs(result[i] - want[i]) > 1e-3f * (1 + Math.Abs(want[i])))
                throw new InvalidOperationException($"{name}: element {i} is {result[i]} by the vector path, {want[i]} by V3Packed");
    }

    private static float* Alloc(long count)
    {
        var p = (float*)NativeMemory.AlignedAlloc((nuint)(count * sizeof(float)), 64);
        var rng = new Random(7);
        for (long i = 0; i < count; i++) p[i] = (float)(rng.NextDouble() - 0.5);
        return p;
    }
}
