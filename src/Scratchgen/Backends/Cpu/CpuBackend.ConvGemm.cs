using System.Buffers;
using Scratchgen.Backends.Cpu.Gemm;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

// The convolution GEMMs with im2col(x) as an indexed operand of the packed GEMM (Gemm/CpuGemm.IndexedB.cs),
// so the im2col matrix is never written and the whole batch is one GEMM (no chunks):
//   x: (N, C, H, W) copied once into xp: (N, C, Hp, Wp) with its zero padding (Hp = H + 2 Padding), so
//   every tap of every output lies inside xp and
//     im2col(x)[(c R + r) S + s, (n OH + oh) OW + ow] = xp[tap[(c, r, s)] + pos[(n, oh, ow)]]
//     tap[(c, r, s)]    = (c Hp + r Dilation) Wp + s Dilation
//     pos[(n, oh, ow)]  = n C Hp Wp + oh Stride Wp + ow Stride
//   forward:          yt (K, N OH OW) (+)= w (K, C R S) @ im2col(x)      B rows = tap, columns = pos
//   weight gradient:  dw (K, C R S) (+)= dyt (K, N OH OW) @ im2col(x)^T  B rows = pos, columns = tap
// Without padding xp is x itself. The padded copy is rented from the shared array pool and every
// element of it is written (interior copied, border zeroed), so no zero-fill pass precedes it.
public sealed partial class CpuBackend
{
    public unsafe void Im2ColMatMul(Tensor w, Tensor x, Tensor yt, ConvGeometry g, bool accumulate)
    {
        RequireContiguous("im2col_matmul", w, x);
        RequireUnitColumns("im2col_matmul", yt);
        using var image = PaddedImage.Of(x, g);
        fixed (float* pw = Data(w), py = Data(yt), pb = image.Data)
        fixed (int* taps = image.Taps, positions = image.Positions)
            CpuGemm.SgemmIndexedB(g.K, g.Columns, g.PatchSize, pw + w.Offset, g.PatchSize, false,
                pb + image.Offset, taps, positions, py + yt.Offset, yt.StrideArray[0], accumulate);
    }

    public unsafe void MatMulIm2ColT(Tensor dyt, Tensor x, Tensor dw, ConvGeometry g, bool accumulate)
    {
        RequireContiguous("matmul_im2col_t", x, dw);
        RequireUnitColumns("matmul_im2col_t", dyt);
        using var image = PaddedImage.Of(x, g);
        fixed (float* pa = Data(dyt), pc = Data(dw), pb = image.Data)
        fixed (int* taps = image.Taps, positions = image.Positions)
            CpuGemm.SgemmIndexedB(g.K, g.PatchSize, g.Columns, pa + dyt.Offset, dyt.StrideArray[0], false,
                pb + image.Offset, positions, taps, pc + dw.Offset, g.PatchSize, accumulate);
    }

    private static void RequireUnitColumns(string kernel, Tensor m)
    {
        if (m.Rank != 2 || (m.StrideArray[1] != 1 && m.Dims[1] > 1))
            throw new InvalidOperationException($"{kernel}: {m.Describe()} must be a matrix with unit column stride");
    }

    // x with its zero border (or x itself when Padding is 0) and the two offset tables into it.
    private sealed class PaddedImage : IDisposable
    {
        private bool _rented;

        public float[] Data { get; private init; } = [];
        public int Offset { get; private init; }
        public int[] Taps { get; private init; } = [];
        public int[] Positions { get; private init; } = [];

        public static PaddedImage Of(Tensor x, ConvGeometry g)
        {
            int hp = g.H + 2 * g.Padding, wp = g.W + 2 * g.Padding;
            var taps = new int[g.PatchSize];
            for (int c = 0; c < g.C; c++)
                for (int r = 0; r < g.R; r++)
                    for (int s = 0; s < g.S; s++)
                        taps[(c * g.R + r) * g.S + s] = (c * hp + r * g.Dilation) * wp + s * g.Dilation;
            var positions = new int[g.Columns];
            for (int n = 0, j = 0; n < g.N; n++)
                for (int oh = 0; oh < g.OH; oh++)
                    for (int ow = 0; ow < g.OW; ow++)
                        positions[j++] = n * g.C * hp * wp + oh * g.Stride * wp + ow * g.Stride;
            if (g.Padding == 0)
                return new PaddedImage { Data = CpuBackend.Data(x), Offset = x.Offset, Taps = taps, Positions = positions };

            float[] xs = CpuBackend.Data(x), xp = ArrayPool<float>.Shared.Rent(g.N * g.C * hp * wp);
            int xOffset = x.Offset, pad = g.Padding;
            CpuParallel.For(g.N * g.C, (long)hp * wp, (p0, p1) =>
            {
                for (int plane = p0; plane < p1; plane++)
                {
                    var dst = xp.AsSpan(plane * hp * wp, hp * wp);
                    dst[..(pad * wp)].Clear();
                    dst[((hp - pad) * wp)..].Clear();
                    for (int h = 0; h < g.H; h++)
                    {
                        var row = dst.Slice((h + pad) * wp, wp);
                        row[..pad].Clear();
                        row[(wp - pad)..].Clear();
                        xs.AsSpan(xOffset + (plane * g.H + h) * g.W, g.W).CopyTo(row[pad..]);
                    }
                }
            });
            return new PaddedImage { Data = xp, Taps = taps, Positions = positions, _rented = true };
        }

        public void Dispose()
        {
            if (_rented) ArrayPool<float>.Shared.Return(Data);
            _rented = false;
        }
    }
}
