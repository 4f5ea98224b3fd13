using System.Runtime.CompilerServices;
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
    public static void V7Unrolled(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatView va, MatView vb, MatView vc, MatDims d) =>
        DoubleBuffered<V7Layout>(a, b, c, va, vb, vc, d,
            SharedMemory.Allocate<Float4>(2 * V4Depth * V6PitchA / 4), SharedMemory.Allocate<Float4>(2 * V4Depth * V4Block / 4));
}

/// <summary>V7's layout: V6's, with the K step's 8 rank-1 updates written out.</summary>
internal readonly struct V7Layout : IBlockLayout
{
    public int PitchA => MatMulKernels.V6PitchA;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Slice(ref Accumulator8x8 acc, ArrayView<Float4> tileA4, ArrayView<Float4> tileB4, int buffer, int tx, int ty)
    {
        // This K step's rows of the tiles, from the thread's first Float4: each rank-1 step then reads at
        // constant offsets, which ptxas folds into the LDS instructions' immediates.
        acc.Slice(tileA4.SubView(buffer * (MatMulKernels.V4Depth * MatMulKernels.V6PitchA) / 4 + ty), tileB4.SubView(buffer * (MatMulKernels.V4Depth * MatMulKernels.V4Block) / 4 + tx), MatMulKernels.V6PitchA / 4, MatMulKernels.V4Block / 4);
    }

    public int Output(int lane, int u) => V6Layout.SplitOutput(lane, u);
}
