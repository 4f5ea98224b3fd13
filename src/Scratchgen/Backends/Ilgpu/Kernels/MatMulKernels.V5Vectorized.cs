using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

internal static partial class MatMulKernels
{
    // V5: V4 with 16-byte shared-memory reads. Each thread now owns a contiguous 8 x 8 block of c
    // (rows 8 ty .. 8 ty + 7, columns 8 tx .. 8 tx + 7), so its 8 values of a and of b per k are
    // adjacent in the k-major tiles and come in as two 4-float loads each (ld.shared.v4): 4 shared
    // load instructions per 64 FMAs instead of 16, which frees issue slots for the FMAs.
    // Launch: explicit, grid (ceil(N/128), ceil(M/128), B), group (16, 16). Limits: none (edges zero-filled).
    public static void V5Vectorized(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatView va, MatView vb, MatView vc, MatDims d)
    {
        const int Tile = V4Depth * V4Block;
        var tileA4 = SharedMemory.Allocate<Float4>(2 * Tile / 4); // [buffer][p][m / 4]
        var tileB4 = SharedMemory.Allocate<Float4>(2 * Tile / 4); // [buffer][p][n / 4]
        ArrayView<float> tileA = tileA4.Cast<float>(), tileB = tileB4.Cast<float>();
        int tx = Group.IdxX, ty = Group.IdxY, t = ty * V4Threads + tx, q = Grid.IdxZ;
        int row0 = Grid.IdxY * V4Block, col0 = Grid.IdxX * V4Block;
        var next = default(V4Slice);
        next.Load(a, b, va, vb, d, q, row0, col0, 0, t);
        next.Store(tileA, tileB, 0, t);
        Group.Barrier();
        var c00 = default(Accumulator4x4);
        var c01 = default(Accumulator4x4);
        var c10 = default(Accumulator4x4);
        var c11 = default(Accumulator4x4);
        int buffer = 0;
        for (int p0 = 0; p0 < d.K; p0 += V4Depth)
        {
            bool more = p0 + V4Depth < d.K;
            if (more) next.Load(a, b, va, vb, d, q, row0, col0, p0 + V4Depth, t);
            int base4 = buffer * Tile / 4;
            for (int p = 0; p < V4Depth; p++)
            {
                int r4 = base4 + p * (V4Block / 4);
                Float4 a0 = tileA4[r4 + 2 * ty], a1 = tileA4[r4 + 2 * ty + 1];
                Float4 b0 = tileB4[r4 + 2 * tx], b1 = tileB4[r4 + 2 * tx + 1];
                c00.Fma(a0.X, a0.Y, a0.Z, a0.W, b0.X, b0.Y, b0.Z, b0.W);
                c01.Fma(a0.X, a0.Y, a0.Z, a0.W, b1.X, b1.Y, b1.Z, b1.W);
                c10.Fma(a1.X, a1.Y, a1.Z, a1.W, b0.X, b0.Y, b0.Z, b0.W);
                c11.Fma(a1.X, a1.Y, a1.Z, a1.W, b1.X, b1.Y, b1.Z, b1.W);
            }
            if (more) next.Store(tileA, tileB, (buffer ^ 1) * Tile, t);
            Group.Barrier();
            buffer ^= 1;
        }
        for (int u = 0; u < 8; u++)
            for (int v = 0; v < 8; v++)
            {
                int i = row0 + 8 * ty + u, j = col0 + 8 * tx + v;
                if (i >= d.M || j >= d.N) continue;
                float sum = u < 4 ? (v < 4 ? c00.Get(u, v) : c01.Get(u, v - 4)) : (v < 4 ? c10.Get(u - 4, v) : c11.Get(u - 4, v - 4));
                int o = vc.At(q, i, j);
                c[o] = d.Accumulate != 0 ? c[o] + sum : sum;
            }
    }
}
