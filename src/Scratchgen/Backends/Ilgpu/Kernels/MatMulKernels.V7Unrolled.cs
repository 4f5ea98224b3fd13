using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

internal static partial class MatMulKernels
{
    // V7: V6 with the K step written out. ILGPU keeps `for (p = 0; p < 8; p++)` as a loop (it does not
    // unroll it, at O1 or O2), and in the SASS each of its 8 trips is 4 LDS.128, then 64 FFMA that wait
    // on those loads, then ~16 instructions of index arithmetic and the branch (read with
    // `cuobjdump -sass` on the ptxas output, kernels-docs/ilgpu.md). Eight explicit rank-1 steps with
    // constant shared-memory offsets give ptxas one straight block of 32 LDS.128 and 512 FFMA: it can
    // issue step p + 1's loads while step p's FFMAs run (register double-buffering of the fragments),
    // and the per-trip arithmetic and branch are gone.
    // c block (128 x 128) = sum over K slices of a slice (128 x 8) @ b slice (8 x 128); per thread 8 x 8
    // outputs in V6's layout (rows 4 ty + {0..3, 64..67}, columns 4 tx + {0..3, 64..67}).
    // Launch: explicit, grid (ceil(N/128), ceil(M/128), B), group (16, 16). Limits: none (edges zero-filled).
    public static void V7Unrolled(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatView va, MatView vb, MatView vc, MatDims d)
    {
        const int TileA = V4Depth * V6PitchA, TileB = V4Depth * V4Block;
        var tileA4 = SharedMemory.Allocate<Float4>(2 * TileA / 4); // [buffer][p][m / 4], rows of 33 Float4
        var tileB4 = SharedMemory.Allocate<Float4>(2 * TileB / 4); // [buffer][p][n / 4], rows of 32 Float4
        ArrayView<float> tileA = tileA4.Cast<float>(), tileB = tileB4.Cast<float>();
        int tx = Group.IdxX, ty = Group.IdxY, t = ty * V4Threads + tx, q = Grid.IdxZ;
        int row0 = Grid.IdxY * V4Block, col0 = Grid.IdxX * V4Block;
        var next = default(V4Slice);
        next.Load(a, b, va, vb, d, q, row0, col0, 0, t);
        next.StorePaddedA(tileA, tileB, 0, 0, t);
        Group.Barrier();
        var acc = default(Accumulator8x8);
        int buffer = 0;
        for (int p0 = 0; p0 < d.K; p0 += V4Depth)
        {
            bool more = p0 + V4Depth < d.K;
            if (more) next.Load(a, b, va, vb, d, q, row0, col0, p0 + V4Depth, t);
            // This K step's rows of the tiles, from the thread's first Float4: each rank-1 step then reads at
            // constant offsets, which ptxas folds into the LDS instructions' immediates.
            var sa = tileA4.SubView(buffer * TileA / 4 + ty);
            var sb = tileB4.SubView(buffer * TileB / 4 + tx);
            acc.Slice(sa, sb, V6PitchA / 4, V4Block / 4); // Float4 per k row of each tile
            if (more) next.StorePaddedA(tileA, tileB, (buffer ^ 1) * TileA, (buffer ^ 1) * TileB, t);
            Group.Barrier();
            buffer ^= 1;
        }
        acc.StoreSplitBlock(c, vc, d, q, row0, col0, tx, ty);
    }
}
