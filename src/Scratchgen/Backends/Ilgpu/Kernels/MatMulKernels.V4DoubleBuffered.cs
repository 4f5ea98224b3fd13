using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

internal static partial class MatMulKernels
{
    public const int V4Block = 128, V4Depth = 8, V4Threads = 16;

    // V4: a larger register block and double buffering. A group of 16 x 16 threads owns a 128 x 128
    // block of c; each thread keeps 8 x 8 outputs (rows ty + 16 u, columns tx + 16 v) in four 4 x 4
    // accumulators, so 16 shared loads feed 64 FMAs (V3: 8 for 16). The next K slice (128 x 8 of a,
    // 8 x 128 of b) is fetched from global memory into registers while the current one is multiplied,
    // then stored into the other of two shared buffers: one barrier per K step instead of two, and the
    // global latency hides behind the FMAs.
    // Launch: explicit, grid (ceil(N/128), ceil(M/128), B), group (16, 16). Limits: none (edges zero-filled).
    public static void V4DoubleBuffered(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatView va, MatView vb, MatView vc, MatDims d)
    {
        const int Tile = V4Depth * V4Block;
        var tileA = SharedMemory.Allocate<float>(2 * Tile); // [buffer][p][m]
        var tileB = SharedMemory.Allocate<float>(2 * Tile); // [buffer][p][n]
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
            int baseAB = buffer * Tile;
            for (int p = 0; p < V4Depth; p++)
            {
                int ra = baseAB + p * V4Block + ty, rb = baseAB + p * V4Block + tx;
                float a0 = tileA[ra], a1 = tileA[ra + 16], a2 = tileA[ra + 32], a3 = tileA[ra + 48];
                float a4 = tileA[ra + 64], a5 = tileA[ra + 80], a6 = tileA[ra + 96], a7 = tileA[ra + 112];
                float b0 = tileB[rb], b1 = tileB[rb + 16], b2 = tileB[rb + 32], b3 = tileB[rb + 48];
                float b4 = tileB[rb + 64], b5 = tileB[rb + 80], b6 = tileB[rb + 96], b7 = tileB[rb + 112];
                c00.Fma(a0, a1, a2, a3, b0, b1, b2, b3);
                c01.Fma(a0, a1, a2, a3, b4, b5, b6, b7);
                c10.Fma(a4, a5, a6, a7, b0, b1, b2, b3);
                c11.Fma(a4, a5, a6, a7, b4, b5, b6, b7);
            }
            if (more) next.Store(tileA, tileB, (buffer ^ 1) * Tile, t);
            Group.Barrier();
            buffer ^= 1;
        }
        for (int u = 0; u < 8; u++)
            for (int v = 0; v < 8; v++)
            {
                int i = row0 + ty + 16 * u, j = col0 + tx + 16 * v;
                if (i >= d.M || j >= d.N) continue;
                float sum = u < 4 ? (v < 4 ? c00.Get(u, v) : c01.Get(u, v - 4)) : (v < 4 ? c10.Get(u - 4, v) : c11.Get(u - 4, v - 4));
                int o = vc.At(q, i, j);
                c[o] = d.Accumulate != 0 ? c[o] + sum : sum;
            }
    }
}

/// <summary>One thread's share of a K slice in registers: 4 elements of a and 4 of b.
/// Element e = t + 256 l of the a slice is (m, p) = (e / 8, e % 8), of the b slice (p, n) = (e / 128, e % 128).</summary>
internal struct V4Slice
{
    private float _a0, _a1, _a2, _a3, _b0, _b1, _b2, _b3;

    public void Load(ArrayView<float> a, ArrayView<float> b, MatView va, MatView vb, MatDims d, int q, int row0, int col0, int p0, int t)
    {
        _a0 = LoadA(a, va, d, q, row0, p0, t); _a1 = LoadA(a, va, d, q, row0, p0, t + 256);
        _a2 = LoadA(a, va, d, q, row0, p0, t + 512); _a3 = LoadA(a, va, d, q, row0, p0, t + 768);
        _b0 = LoadB(b, vb, d, q, col0, p0, t); _b1 = LoadB(b, vb, d, q, col0, p0, t + 256);
        _b2 = LoadB(b, vb, d, q, col0, p0, t + 512); _b3 = LoadB(b, vb, d, q, col0, p0, t + 768);
    }

    public readonly void Store(ArrayView<float> tileA, ArrayView<float> tileB, int offset, int t)
    {
        StoreA(tileA, offset, t, _a0); StoreA(tileA, offset, t + 256, _a1); StoreA(tileA, offset, t + 512, _a2); StoreA(tileA, offset, t + 768, _a3);
        tileB[offset + t] = _b0; tileB[offset + t + 256] = _b1; tileB[offset + t + 512] = _b2; tileB[offset + t + 768] = _b3;
    }

    /// <summary>V6's store: a's slice k-major with rows of <see cref="MatMulKernels.V6PitchA"/> floats
    /// (bank-conflict free, see V6), b's as in Store.</summary>
    public readonly void StorePaddedA(ArrayView<float> tileA, ArrayView<float> tileB, int offsetA, int offsetB, int t)
    {
        StoreA(tileA, offsetA, t, _a0, MatMulKernels.V6PitchA); StoreA(tileA, offsetA, t + 256, _a1, MatMulKernels.V6PitchA);
        StoreA(tileA, offsetA, t + 512, _a2, MatMulKernels.V6PitchA); StoreA(tileA, offsetA, t + 768, _a3, MatMulKernels.V6PitchA);
        tileB[offsetB + t] = _b0; tileB[offsetB + t + 256] = _b1; tileB[offsetB + t + 512] = _b2; tileB[offsetB + t + 768] = _b3;
    }

    private static float LoadA(ArrayView<float> a, MatView va, MatDims d, int q, int row0, int p0, int e)
    {
        int i = row0 + e / MatMulKernels.V4Depth, p = p0 + e % MatMulKernels.V4Depth;
        return i < d.M && p < d.K ? a[va.At(q, i, p)] : 0f;
    }

    private static float LoadB(ArrayView<float> b, MatView vb, MatDims d, int q, int col0, int p0, int e)
    {
        int p = p0 + e / MatMulKernels.V4Block, j = col0 + e % MatMulKernels.V4Block;
        return p < d.K && j < d.N ? b[vb.At(q, p, j)] : 0f;
    }

    // a's slice is stored k-major: [p][m], rows of `pitch` floats.
    private static void StoreA(ArrayView<float> tileA, int offset, int e, float value, int pitch = MatMulKernels.V4Block) =>
        tileA[offset + e % MatMulKernels.V4Depth * pitch + e / MatMulKernels.V4Depth] = value;
}
