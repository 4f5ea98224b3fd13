using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

internal static partial class MatMulKernels
{
    /// <summary>
    /// Split-K's second half: dst[i] = sum over p = 0..partCount-1 of parts[p * count + i], in that order
    /// (deterministic), one thread per output element. parts: (partCount, count) contiguous, the partial
    /// products of the K chunks; dst: count contiguous. A plain loop, not a reduction tree: partCount is
    /// small (at most K / 256) and the outputs are many.
    /// </summary>
    public static void SumParts(Index1D i, ArrayView<float> parts, ArrayView<float> dst, int dstOffset, int count, int partCount)
    {
        float sum = 0;
        for (int p = 0; p < partCount; p++) sum += parts[p * count + i];
        dst[dstOffset + i] = sum;
    }
}
