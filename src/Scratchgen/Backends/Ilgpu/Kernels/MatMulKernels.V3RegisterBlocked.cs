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

/// <summary>A 4 x 4 block of outputs held in registers (kernels cannot allocate arrays).</summary>
internal struct Accumulator4x4
{
    private float _00, _01, _02, _03, _10, _11, _12, _13, _20, _21, _22, _23, _30, _31, _32, _33;

    // c[u, v] += a[u] b[v]: one rank-1 update of the block.
    public void Fma(float a0, float a1, float a2, float a3, float b0, float b1, float b2, float b3)
    {
        _00 += a0 * b0; _01 += a0 * b1; _02 += a0 * b2; _03 += a0 * b3;
        _10 += a1 * b0; _11 += a1 * b1; _12 += a1 * b2; _13 += a1 * b3;
        _20 += a2 * b0; _21 += a2 * b1; _22 += a2 * b2; _23 += a2 * b3;
        _30 += a3 * b0; _31 += a3 * b1; _32 += a3 * b2; _33 += a3 * b3;
    }

    public readonly float Get(int u, int v) => (u * 4 + v) switch
    {
        0 => _00, 1 => _01, 2 => _02, 3 => _03, 4 => _10, 5 => _11, 6 => _12, 7 => _13,
        8 => _20, 9 => _21, 10 => _22, 11 => _23, 12 => _30, 13 => _31, 14 => _32, _ => _33,
    };
}
