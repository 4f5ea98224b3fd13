using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

// The value types the matmul rungs keep in registers (kernels cannot allocate arrays, so a block of
// outputs is a struct of named fields) and the 16-byte vector they move through memory.

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

/// <summary>A thread's 8 x 8 outputs as four 4 x 4 blocks: rows {0..3, 4..7} x columns {0..3, 4..7} of the
/// thread's own numbering (the kernel maps them to the c block).</summary>
internal struct Accumulator8x8
{
    private Accumulator4x4 _c00, _c01, _c10, _c11;

    /// <summary>One rank-1 update: c[u, v] += a[u] b[v], a's 8 values as a0 (u = 0..3) and a1 (u = 4..7), b's likewise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Rank1(Float4 a0, Float4 a1, Float4 b0, Float4 b1)
    {
        _c00.Fma(a0.X, a0.Y, a0.Z, a0.W, b0.X, b0.Y, b0.Z, b0.W);
        _c01.Fma(a0.X, a0.Y, a0.Z, a0.W, b1.X, b1.Y, b1.Z, b1.W);
        _c10.Fma(a1.X, a1.Y, a1.Z, a1.W, b0.X, b0.Y, b0.Z, b0.W);
        _c11.Fma(a1.X, a1.Y, a1.Z, a1.W, b1.X, b1.Y, b1.Z, b1.W);
    }

    /// <summary>A rank-1 update in the split layout (V6-V8): a's 8 values at tileA4[ra] and tileA4[ra + 16],
    /// b's at tileB4[rb] and tileB4[rb + 16] (4 shared loads of 16 bytes, 64 FMAs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step(ArrayView<Float4> tileA4, ArrayView<Float4> tileB4, int ra, int rb) =>
        Rank1(tileA4[ra], tileA4[ra + 16], tileB4[rb], tileB4[rb + 16]);

    /// <summary>The 8 rank-1 steps of a K slice, written out (V7, V8): step p reads a at sa[p pitchA4] and b at
    /// sb[p pitchB4], the k rows of the slice in each tile, in Float4. Inlined, the offsets are constants that
    /// ptxas folds into the LDS instructions, and it overlaps step p + 1's loads with step p's FFMAs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Slice(ArrayView<Float4> sa, ArrayView<Float4> sb, int pitchA4, int pitchB4)
    {
        Step(sa, sb, 0, 0);
        Step(sa, sb, pitchA4, pitchB4);
        Step(sa, sb, 2 * pitchA4, 2 * pitchB4);
        Step(sa, sb, 3 * pitchA4, 3 * pitchB4);
        Step(sa, sb, 4 * pitchA4, 4 * pitchB4);
        Step(sa, sb, 5 * pitchA4, 5 * pitchB4);
        Step(sa, sb, 6 * pitchA4, 6 * pitchB4);
        Step(sa, sb, 7 * pitchA4, 7 * pitchB4);
    }

    public readonly float Get(int u, int v) =>
        u < 4 ? (v < 4 ? _c00.Get(u, v) : _c01.Get(u, v - 4)) : (v < 4 ? _c10.Get(u - 4, v) : _c11.Get(u - 4, v - 4));

    /// <summary>c[q, i, j] (+)= the block: the thread's u-th row is row0 + layout.Output(ty, u), its v-th column
    /// col0 + layout.Output(tx, v); outputs past the matrix edge are skipped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Store<TLayout>(ArrayView<float> c, MatView vc, MatDims d, int q, int row0, int col0, int tx, int ty, TLayout layout)
        where TLayout : struct, IBlockLayout
    {
        for (int u = 0; u < 8; u++)
            for (int v = 0; v < 8; v++)
            {
                int i = row0 + layout.Output(ty, u), j = col0 + layout.Output(tx, v);
                if (i >= d.M || j >= d.N) continue;
                float sum = Get(u, v);
                int o = vc.At(q, i, j);
                c[o] = d.Accumulate != 0 ? c[o] + sum : sum;
            }
    }
}

/// <summary>Four floats read or written as one 16-byte access.</summary>
[StructLayout(LayoutKind.Sequential, Size = 16)]
internal struct Float4
{
    public float X, Y, Z, W;
}
