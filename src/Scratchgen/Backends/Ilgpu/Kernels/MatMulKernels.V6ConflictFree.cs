using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

internal static partial class MatMulKernels
{
    /// <summary>Floats per k row of V6's a tile: 128 plus 4 of padding (still a multiple of 4, so rows stay
    /// 16-byte aligned for the Float4 reads).</summary>
    public const int V6PitchA = V4Block + 4;

    // V6: V5 without shared-memory bank conflicts (32 banks of 4 bytes; a warp is 32 threads, t = 16 ty + tx).
    // 1. Stores of a's slice. V4/V5 store element (m, p) = (e / 8, e % 8) of the slice at p 128 + m: a warp's 32
    //    stores fall on 4 banks (m mod 32 takes 4 values), an 8-way conflict, four times per K step. With a pitch
    //    of 132 floats the bank is (4 p + m) mod 32: p = 0..7 and 4 consecutive m cover all 32 banks once.
    // 2. Reads of b. V5's thread reads b's columns 8 tx .. 8 tx + 7 as two Float4 at a 32-byte stride across
    //    the half-warp: 2-way conflicted. Here a thread owns columns 4 tx .. 4 tx + 3 and 64 + 4 tx .. 64 + 4 tx + 3
    //    (rows likewise 4 ty .. and 64 + 4 ty ..), so a half-warp's Float4 reads are 16 consecutive ones: 256
    //    bytes in two conflict-free wavefronts. The output stores become 16-byte runs per thread as well.
    // Everything else (128 x 128 block, BK 8, double buffering, 64 accumulators, global loads) is V5's. Not yet
    // timed on a GPU: the ladder in bench/gpu runs it beside V5 (kernels-docs/ilgpu.md).
    // Launch: explicit, grid (ceil(N/128), ceil(M/128), B), group (16, 16). Limits: none (edges zero-filled).
    public static void V6ConflictFree(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatView va, MatView vb, MatView vc, MatDims d)
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
            int baseA4 = buffer * TileA / 4, baseB4 = buffer * TileB / 4;
            for (int p = 0; p < V4Depth; p++)
                acc.Step(tileA4, tileB4, baseA4 + p * (V6PitchA / 4) + ty, baseB4 + p * (V4Block / 4) + tx);
            if (more) next.StorePaddedA(tileA, tileB, (buffer ^ 1) * TileA, (buffer ^ 1) * TileB, t);
            Group.Barrier();
            buffer ^= 1;
        }
        acc.StoreSplitBlock(c, vc, d, q, row0, col0, tx, ty);
    }
}
