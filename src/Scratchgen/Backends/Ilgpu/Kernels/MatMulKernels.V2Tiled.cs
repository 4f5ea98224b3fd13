using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

internal static partial class MatMulKernels
{
    public const int V2Tile = 16;

    // V2: each group of T x T threads stages a T x T tile of a and of b in shared memory per step of
    // K, so each global element is read K/T... once per tile instead of once per output: global
    // traffic drops by a factor T (16). Each thread still computes one output and reads 2 shared
    // values per FMA, so shared-memory bandwidth is the next limit.
    // Launch: explicit, grid (ceil(N/T), ceil(M/T), B), group (T, T). Limits: none (edges zero-filled).
    public static void V2Tiled(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatView va, MatView vb, MatView vc, MatDims d)
    {
        var tileA = SharedMemory.Allocate<float>(V2Tile * V2Tile);
        var tileB = SharedMemory.Allocate<float>(V2Tile * V2Tile);
        int tx = Group.IdxX, ty = Group.IdxY, q = Grid.IdxZ;
        int i = Grid.IdxY * V2Tile + ty, j = Grid.IdxX * V2Tile + tx;
        float sum = 0f;
        for (int p0 = 0; p0 < d.K; p0 += V2Tile)
        {
            int pa = p0 + tx, pb = p0 + ty;
            tileA[ty * V2Tile + tx] = i < d.M && pa < d.K ? a[va.At(q, i, pa)] : 0f;
            tileB[ty * V2Tile + tx] = pb < d.K && j < d.N ? b[vb.At(q, pb, j)] : 0f;
            Group.Barrier();
            for (int p = 0; p < V2Tile; p++) sum += tileA[ty * V2Tile + p] * tileB[p * V2Tile + tx];
            Group.Barrier();
        }
        if (i < d.M && j < d.N)
        {
            int o = vc.At(q, i, j);
            c[o] = d.Accumulate != 0 ? c[o] + sum : sum;
        }
    }
}
