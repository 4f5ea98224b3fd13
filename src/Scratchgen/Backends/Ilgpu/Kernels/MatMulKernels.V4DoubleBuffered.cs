using System.Runtime.CompilerServices;
using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

internal static partial class MatMulKernels
{
    // V4: a larger register block and double buffering. A group of 16 x 16 threads owns a 128 x 128
    // block of c; each thread keeps 8 x 8 outputs (rows ty + 16 u, columns tx + 16 v) in four 4 x 4
    // accumulators, so 16 shared loads feed 64 FMAs (V3: 8 for 16). The next K slice (128 x 8 of a,
    // 8 x 128 of b) is fetched from global memory into registers while the current one is multiplied,
    // then stored into the other of two shared buffers: one barrier per K step instead of two, and the
    // global latency hides behind the FMAs (the body all of V4-V7 share: DoubleBuffered).
    // Launch: explicit, grid (ceil(N/128), ceil(M/128), B), group (16, 16). Limits: none (edges zero-filled).
    public static void V4DoubleBuffered(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatView va, MatView vb, MatView vc, MatDims d) =>
        DoubleBuffered<V4Layout>(a, b, c, va, vb, vc, d,
            SharedMemory.Allocate<Float4>(2 * V4Depth * V4Block / 4), SharedMemory.Allocate<Float4>(2 * V4Depth * V4Block / 4));
}

/// <summary>V4's layout: unpadded tiles, scalar shared reads, the thread's rows ty + 16 u (columns likewise).</summary>
internal readonly struct V4Layout : IBlockLayout
{
    public int PitchA => MatMulKernels.V4Block;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Slice(ref Accumulator8x8 acc, ArrayView<Float4> tileA4, ArrayView<Float4> tileB4, int buffer, int tx, int ty)
    {
        ArrayView<float> tileA = tileA4.Cast<float>(), tileB = tileB4.Cast<float>();
        int baseAB = buffer * (MatMulKernels.V4Depth * MatMulKernels.V4Block); // a's and b's tiles have the same pitch
        for (int p = 0; p < MatMulKernels.V4Depth; p++)
        {
            int ra = baseAB + p * MatMulKernels.V4Block + ty, rb = baseAB + p * MatMulKernels.V4Block + tx;
            acc.Rank1(Every16th(tileA, ra), Every16th(tileA, ra + 64), Every16th(tileB, rb), Every16th(tileB, rb + 64));
        }
    }

    // Four scalar shared loads: the thread's values 16 floats apart.
    private static Float4 Every16th(ArrayView<float> tile, int at) =>
        new() { X = tile[at], Y = tile[at + 16], Z = tile[at + 32], W = tile[at + 48] };

    public int Output(int lane, int u) => lane + 16 * u;
}
