using System.Runtime.CompilerServices;
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
    // Everything else (128 x 128 block, BK 8, double buffering, 64 accumulators, global loads) is V5's.
    // Launch: explicit, grid (ceil(N/128), ceil(M/128), B), group (16, 16). Limits: none (edges zero-filled).
    public static void V6ConflictFree(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatView va, MatView vb, MatView vc, MatDims d) =>
        DoubleBuffered<V6Layout>(a, b, c, va, vb, vc, d,
            SharedMemory.Allocate<Float4>(2 * V4Depth * V6PitchA / 4), SharedMemory.Allocate<Float4>(2 * V4Depth * V4Block / 4));
}

/// <summary>V6's layout: a's tile padded to 132 floats a k row, the split outputs (rows 4 ty + {0..3, 64..67},
/// columns likewise) read as Float4 at a 64-float distance, the K step a loop of 8.</summary>
internal readonly struct V6Layout : IBlockLayout
{
    public int PitchA => MatMulKernels.V6PitchA;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Slice(ref Accumulator8x8 acc, ArrayView<Float4> tileA4, ArrayView<Float4> tileB4, int buffer, int tx, int ty)
    {
        for (int p = 0; p < MatMulKernels.V4Depth; p++)
            acc.Step(tileA4, tileB4, buffer * (MatMulKernels.V4Depth * MatMulKernels.V6PitchA) / 4 + p * (MatMulKernels.V6PitchA / 4) + ty, buffer * (MatMulKernels.V4Depth * MatMulKernels.V4Block) / 4 + p * (MatMulKernels.V4Block / 4) + tx);
    }

    public int Output(int lane, int u) => SplitOutput(lane, u);

    /// <summary>The split layout's u-th row (column) of a thread: 4 lane + {0..3, 64..67} (V6, V7 and V8).</summary>
    public static int SplitOutput(int lane, int u) => 4 * lane + (u & 3) + (u >> 2) * 64;
}
