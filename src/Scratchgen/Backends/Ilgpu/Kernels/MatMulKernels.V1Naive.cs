using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

internal static partial class MatMulKernels
{
    public const int V1Block = 32;

    // V1: one thread per output element, global memory only: a line-by-line port of the Reference.
    // Each thread reads a row of a and a column of b: 2K loads for 2K flops (arithmetic intensity
    // 0.25 flop/byte before caches), so it is memory-bound far below the roofline ridge.
    // The sum runs in blocks of 32 k, each block's partial sum added to the total: float32 rounding
    // error then grows with about K / 32 + 32 additions instead of K. With one running sum, the large
    // convolution sets of the parity tests (sums of ~1,000-3,000 O(1) terms that nearly cancel) missed
    // the tolerance by up to 1.4x on ILGPU's CPU accelerator, which runs this rung for every product.
    // Launch: implicit, extent B M N. Limits: none (any sizes and strides).
    public static void V1Naive(Index1D index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatView va, MatView vb, MatView vc, MatDims d)
    {
        int j = index % d.N, i = index / d.N % d.M, q = index / (d.N * d.M);
        float sum = 0f;
        for (int p0 = 0; p0 < d.K; p0 += V1Block)
        {
            float part = 0f;
            int end = p0 + V1Block < d.K ? p0 + V1Block : d.K;
            for (int p = p0; p < end; p++) part += a[va.At(q, i, p)] * b[vb.At(q, p, j)];
            sum += part;
        }
        int o = vc.At(q, i, j);
        c[o] = d.Accumulate != 0 ? c[o] + sum : sum;
    }
}
