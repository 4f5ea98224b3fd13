using System.Runtime.Intrinsics;
using Scratchgen.Functors;
using System.Runtime.Intrinsics.X86;

namespace Scratchgen.Backends.Cpu.Conv;

// Direct convolution with packing: the variant measured against im2col + GEMM (kernels-docs/conv2d.md).
//   x: (N, C, H, W), w: (K, C, R, S), b: (K) or none -> y: (N, K, OH, OW), float32, contiguous.
// Idea: the GEMM's 6x16 register tile without materializing im2col. The input is copied once with its
// zero padding (no bounds tests inside), the weights are packed as [K/16][C R S][16], and every tap
// (c, r, s) is one offset into the padded image, the same for all pixels. Each tile of 6 output
// pixels x 16 output channels keeps 12 Vector256 accumulators: per tap, 6 broadcasts of x, 2 loads
// of packed w, 12 FMAs. Tiles are scattered back to NCHW at the end.
// Parallel over (image, 16-channel block). Needs AVX2 + FMA. Forward only: it lost (see the doc),
// so it is kept as a measured rung of the ladder and is not called by the ops.
internal static unsafe class CpuDirectConv
{
    private const int Pixels = 6, Lanes = 16;

    public static void Forward(float[] x, float[] w, float[]? b, float[] y, ConvGeometry g)
    {
        if (!Fma.IsSupported) throw new PlatformNotSupportedException("direct conv needs AVX2 + FMA");
        int hp = g.H + 2 * g.Padding, wp = g.W + 2 * g.Padding, crs = g.PatchSize, blocks = (g.K + Lanes - 1) / Lanes;
        var padded = new float[g.N * g.C * hp * wp];
        for (int plane = 0; plane < g.N * g.C; plane++)
            for (int h = 0; h < g.H; h++)
                x.AsSpan((plane * g.H + h) * g.W, g.W).CopyTo(padded.AsSpan((plane * hp + h + g.Padding) * wp + g.Padding));
        var packed = new float[blocks * crs * Lanes];
        for (int k = 0; k < g.K; k++)
            for (int q = 0; q < crs; q++) packed[((k / Lanes) * crs + q) * Lanes + k % Lanes] = w[k * crs + q];
        var taps = new int[crs];
        for (int c = 0; c < g.C; c++)
            for (int r = 0; r < g.R; r++)
                for (int s = 0; s < g.S; s++) taps[(c * g.R + r) * g.S + s] = (c * hp + r * g.Dilation) * wp + s * g.Dilation;

        CpuParallel.For(g.N * blocks, (long)crs * g.Positions * Lanes, (j0, j1) =>
        {
            var pixelBase = new int[Pixels];
            var tile = new float[Pixels * Lanes];
            fixed (float* px = padded, pw = packed, py = y, pt = tile)
            fixed (int* pTaps = taps, pBase = pixelBase)
                for (int job = j0; job < j1; job++)
                {
                    int n = job / blocks, kb = job % blocks;
                    float* panel = pw + (long)kb * crs * Lanes;
                    float* image = px + (long)n * g.C * hp * wp;
                    for (int p0 = 0; p0 < g.Positions; p0 += Pixels)
                    {
                        int count = Math.Min(Pixels, g.Positions - p0);
                        for (int j = 0; j < Pixels; j++)
                        {
                            int p = p0 + Math.Min(j, count - 1); // a short last tile repeats its last pixel
                            pBase[j] = p / g.OW * g.Stride * wp + p % g.OW * g.Stride;
                        }
                        Tile(image, panel, pTaps, crs, pBase, pt);
                        Store(pt, count, b, py, n, kb, p0, g);
                    }
                }
        });
    }

    // tile[j, 0..16) = sum over taps q of image[base_j + taps[q]] * panel[q, 0..16)
    private static void Tile(float* image, float* panel, int* taps, int crs, int* pBase, float* tile)
    {
        var a00 = Vector256<float>.Zero; var a01 = a00; var a10 = a00; var a11 = a00; var a20 = a00; var a21 = a00;
        var a30 = a00; var a31 = a00; var a40 = a00; var a41 = a00; var a50 = a00; var a51 = a00;
        float* x0 = image + pBase[0], x1 = image + pBase[1], x2 = image + pBase[2], x3 = image + pBase[3], x4 = image + pBase[4], x5 = image + pBase[5];
        for (int q = 0; q < crs; q++)
        {
            int o = taps[q];
            var w0 = Avx.LoadVector256(panel + q * Lanes);
            var w1 = Avx.LoadVector256(panel + q * Lanes + 8);
            var v = Vector256.Create(x0[o]); a00 = Fma.MultiplyAdd(v, w0, a00); a01 = Fma.MultiplyAdd(v, w1, a01);
            v = Vector256.Create(x1[o]); a10 = Fma.MultiplyAdd(v, w0, a10); a11 = Fma.MultiplyAdd(v, w1, a11);
            v = Vector256.Create(x2[o]); a20 = Fma.MultiplyAdd(v, w0, a20); a21 = Fma.MultiplyAdd(v, w1, a21);
            v = Vector256.Create(x3[o]); a30 = Fma.MultiplyAdd(v, w0, a30); a31 = Fma.MultiplyAdd(v, w1, a31);
            v = Vector256.Create(x4[o]); a40 = Fma.MultiplyAdd(v, w0, a40); a41 = Fma.MultiplyAdd(v, w1, a41);
            v = Vector256.Create(x5[o]); a50 = Fma.MultiplyAdd(v, w0, a50); a51 = Fma.MultiplyAdd(v, w1, a51);
        }
        Avx.Store(tile, a00); Avx.Store(tile + 8, a01); Avx.Store(tile + 16, a10); Avx.Store(tile + 24, a11);
        Avx.Store(tile + 32, a20); Avx.Store(tile + 40, a21); Avx.Store(tile + 48, a30); Avx.Store(tile + 56, a31);
        Avx.Store(tile + 64, a40); Avx.Store(tile + 72, a41); Avx.Store(tile + 80, a50); Avx.Store(tile + 88, a51);
    }

    // y[n, kb 16 + l, p0 + j] = tile[j, l] + b[kb 16 + l] for the real pixels and channels.
    private static void Store(float* tile, int count, float[]? b, float* y, int n, int kb, int p0, ConvGeometry g)
    {
        int lanes = Math.Min(Lanes, g.K - kb * Lanes);
        for (int l = 0; l < lanes; l++)
        {
            int k = kb * Lanes + l;
            float bias = b?[k] ?? 0f;
            float* row = y + ((long)n * g.K + k) * g.Positions + p0;
            for (int j = 0; j < count; j++) row[j] = tile[j * Lanes + l] + bias;
        }
    }
}
