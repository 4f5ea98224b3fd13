using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

internal static partial class MatMulKernels
{
    // V1: one thread per output element, global memory only: a line-by-line port of the Reference.
    // Each thread reads a row of a and a column of b: 2K loads for 2K flops (arithmetic intensity
    // 0.25 flop/byte before caches), so it is memory-bound far below the roofline ridge.
    // Launch: implicit, extent B M N. Limits: none (any sizes and strides).
    public static void V1Naive(Index1D index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatView va, MatView vb, MatView vc, MatDims d)
    {
        int j = index % d.N, i = index / d.N % d.M, q = index / (d.N * d.M);
        float sum = 0f;
        for (int p = 0; p < d.K; p++) sum += a[va.At(q, i, p)] * b[vb.At(q, p, j)];
        int o = vc.At(q, i, j);
        c[o] = d.Accumulate != 0 ? c[o] + sum : sum;
    }
}
