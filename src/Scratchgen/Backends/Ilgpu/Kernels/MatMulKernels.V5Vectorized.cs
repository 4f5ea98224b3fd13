using System.Runtime.CompilerServices;
using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

internal static partial class MatMulKernels
{
    // V5: V4 with 16-byte shared-memory reads. Each thread now owns a contiguous 8 x 8 block of c
    // (rows 8 ty .. 8 ty + 7, columns 8 tx .. 8 tx + 7), so its 8 values of a and of b per k are
    // adjacent in the k-major tiles and come in as two 4-float loads each (ld.shared.v4): 4 shared
    // load instructions per 64 FMAs instead of 16, which frees issue slots for the FMAs.
    // Launch: explicit, grid (ceil(N/128), ceil(M/128), B), group (16, 16). Limits: none (edges zero-filled).
    public static void V5Vectorized(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatView va, MatView vb, MatView vc, MatDims d) =>
        DoubleBuffered<V5Layout>(a, b, c, va, vb, vc, d,
            SharedMemory.Allocate<Float4>(2 * V4Depth * V4Block / 4), SharedMemory.Allocate<Float4>(2 * V4Depth * V4Block / 4));
}

/// <summary>V5's layout: unpadded tiles, Float4 shared reads, the thread's rows 8 ty + u (columns likewise).</summary>
internal readonly struct V5Layout : IBlockLayout
{
    public int PitchA => MatMulKernels.V4Block;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Slice(ref Accumulator8x8 acc, ArrayView<Float4> tileA4, ArrayView<Float4> tileB4, int buffer, int tx, int ty)
    {
        int base4 = buffer * (MatMulKernels.V4Depth * MatMulKernels.V4Block) / 4; // a's and b's tiles have the same pitch
        for (int p = 0; p < MatMulKernels.V4Depth; p++)
        {
            int r4 = base4 + p * (MatMulKernels.V4Block / 4);
            acc.Rank1(tileA4[r4 + 2 * ty], tileA4[r4 + 2 * ty + 1], tileB4[r4 + 2 * tx], tileB4[r4 + 2 * tx + 1]);
        }
    }

    public int Output(int lane, int u) => 8 * lane + u;
}
