using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

internal static partial class MatMulKernels
{
    public const int V3Block = 64, V3Depth = 16, V3Threads = 16;

    // V3: 2-D register blocking. A group of 16 x 16 threads owns a 64 x 64 block of c; each thread
    // keeps 4 x 4 outputs in registers (rows ty + 16 u, columns tx + 16 v), so one pair of shared
    // loads feeds 4 FMAs instead of 1 (V2). Per step of K a group stages a 64 x 16 slice of a
    // (stored transposed, k-major) and a 16 x 64 slice of b: 2048 floats for 64*64*16 FMAs, so global
    // traffic is a quarter of V2's per output too.
    // Launch: explicit, grid (ceil(N/64), ceil(M/64), B), group (16, 16). Limits: none (edges zero-filled).
    public static void V3RegisterBlocked(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatView va, MatView vb, MatView vc, MatDims d)
    {
        var tileA = SharedMemory.Allocate<float>(V3Depth * V3Block); // [p][m]
        var tileB = SharedMemory.Allocate<float>(V3Depth * V3Block); // [p][n]
        int tx = Group.IdxX, ty = Group.IdxY, t = ty * V3Threads + tx, q = Grid.IdxZ;
        int row0 = Grid.IdxY * V3Block, col0 = Grid.IdxX * V3Block;
        var acc = default(Accumulator4x4);
        for (int p0 = 0; p0 < d.K; p0 += V3Depth)
        {
            // 256 threads load 1024 elements of each tile, 4 each; consecutive threads read
            // consecutive k of a and consecutive n of b (coalesced for row-major operands).
            for (int l = 0; l < 4; l++)
            {
                int e = t + l * V3Threads * V3Threads;
                int am = e / V3Depth, ap = e % V3Depth;
                int gi = row0 + am, gp = p0 + ap;
                tileA[ap * V3Block + am] = gi < d.M && gp < d.K ? a[va.At(q, gi, gp)] : 0f;
                int bp = e / V3Block, bn = e % V3Block;
                int gq = p0 + bp, gj = col0 + bn;
                tileB[bp * V3Block + bn] = gq < d.K && gj < d.N ? b[vb.At(q, gq, gj)] : 0f;
            }
            Group.Barrier();
            for (int p = 0; p < V3Depth; p++)
            {
                int ra = p * V3Block + ty, rb = p * V3Block + tx;
                acc.Fma(tileA[ra], tileA[ra + 16], tileA[ra + 32], tileA[ra + 48],
                        tileB[rb], tileB[rb + 16], tileB[rb + 32], tileB[rb + 48]);
            }
            Group.Barrier();
        }
        for (int u = 0; u < 4; u++)
            for (int v = 0; v < 4; v++)
            {
                int i = row0 + ty + 16 * u, j = col0 + tx + 16 * v;
                if (i >= d.M || j >= d.N) continue;
                int o = vc.At(q, i, j);
                float sum = acc.Get(u, v);
                c[o] = d.Accumulate != 0 ? c[o] + sum : sum;
            }
    }
}
