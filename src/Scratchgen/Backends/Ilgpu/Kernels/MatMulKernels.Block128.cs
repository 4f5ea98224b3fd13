using System.Runtime.CompilerServices;
using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

internal static partial class MatMulKernels
{
    public const int V4Block = 128, V4Depth = 8, V4Threads = 16;

    // The body V4-V7 share. A group of 16 x 16 threads owns a 128 x 128 block of c and each thread 8 x 8 of
    // its outputs (Accumulator8x8). Per K step of 8 the group multiplies one slice of a (128 x 8) by one of b
    // (8 x 128) staged k-major in shared memory, while each thread fetches its share of the next slice from
    // global memory into registers (V4Slice) and then stores it into the other of two shared buffers: one
    // barrier per K step, the global latency hidden behind the FMAs. What differs between the rungs is the
    // layout (IBlockLayout): the pitch of a's tile, how a K step reads the tiles, and which outputs a thread keeps.
    // tileA4, tileB4: the kernel's shared memory, 2 buffers of 8 k rows (pitch PitchA for a, 128 floats for b).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DoubleBuffered<TLayout>(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatView va, MatView vb, MatView vc,
        MatDims d, ArrayView<Float4> tileA4, ArrayView<Float4> tileB4) where TLayout : struct, IBlockLayout
    {
        var layout = default(TLayout);
        int tileA = V4Depth * layout.PitchA, tileB = V4Depth * V4Block;
        ArrayView<float> tileAf = tileA4.Cast<float>(), tileBf = tileB4.Cast<float>();
        int tx = Group.IdxX, ty = Group.IdxY, t = ty * V4Threads + tx, q = Grid.IdxZ;
        int row0 = Grid.IdxY * V4Block, col0 = Grid.IdxX * V4Block;
        var next = default(V4Slice);
        next.Load(a, b, va, vb, d, q, row0, col0, 0, t);
        next.Store(tileAf, tileBf, 0, 0, t, layout.PitchA);
        Group.Barrier();
        var acc = default(Accumulator8x8);
        int buffer = 0;
        for (int p0 = 0; p0 < d.K; p0 += V4Depth)
        {
            bool more = p0 + V4Depth < d.K;
            if (more) next.Load(a, b, va, vb, d, q, row0, col0, p0 + V4Depth, t);
            layout.Slice(ref acc, tileA4, tileB4, buffer, tx, ty);
            int other = buffer ^ 1;
            if (more) next.Store(tileAf, tileBf, other * tileA, other * tileB, t, layout.PitchA);
            Group.Barrier();
            buffer = other;
        }
        acc.Store(c, vc, d, q, row0, col0, tx, ty, layout);
    }
}

/// <summary>What a rung of the 128 x 128 double-buffered family (V4-V7) chooses; the rest is
/// MatMulKernels.DoubleBuffered. Implemented by empty structs, so each rung compiles to its own straight code.</summary>
internal interface IBlockLayout
{
    /// <summary>Floats per k row of a's shared tile: 128, or more to move its rows to other banks.</summary>
    int PitchA { get; }

    /// <summary>One K slice's 8 rank-1 updates of the thread's outputs, reading shared buffer `buffer` (0 or 1:
    /// its a tile starts at float buffer 8 PitchA, its b tile at buffer 8 128); thread (tx, ty) of the group.</summary>
    void Slice(ref Accumulator8x8 acc, ArrayView<Float4> tileA4, ArrayView<Float4> tileB4, int buffer, int tx, int ty);

    /// <summary>The row (column) of the 128 x 128 block that the thread with row (column) index `lane` in its
    /// group keeps as its u-th output row (column), u = 0..7.</summary>
    int Output(int lane, int u);
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

    /// <summary>Stores the slice k-major: a's at tileA[offsetA + p pitchA + m], b's at tileB[offsetB + p 128 + n].</summary>
    public readonly void Store(ArrayView<float> tileA, ArrayView<float> tileB, int offsetA, int offsetB, int t, int pitchA)
    {
        StoreA(tileA, offsetA, t, _a0, pitchA); StoreA(tileA, offsetA, t + 256, _a1, pitchA);
        StoreA(tileA, offsetA, t + 512, _a2, pitchA); StoreA(tileA, offsetA, t + 768, _a3, pitchA);
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

    private static void StoreA(ArrayView<float> tileA, int offset, int e, float value, int pitch) =>
        tileA[offset + e % MatMulKernels.V4Depth * pitch + e / MatMulKernels.V4Depth] = value;
}
