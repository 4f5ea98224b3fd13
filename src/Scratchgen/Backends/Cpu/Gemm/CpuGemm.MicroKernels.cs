using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Scratchgen.Backends.Cpu.Gemm;

/// <summary>The micro-kernel of the packed GEMM (V3): its tile is MR rows by 16 columns.</summary>
internal enum GemmKernel
{
    /// <summary>The best this CPU runs: <see cref="Avx512x16x16"/> where AVX-512F is supported, else <see cref="Avx2x6x16"/>.</summary>
    Auto = 0,
    /// <summary>6x16 tile in 12 ymm accumulators (AVX2 + FMA): CpuGemm.MicroKernel6x16.cs.</summary>
    Avx2x6x16,
    /// <summary>16x16 tile in 16 zmm accumulators (AVX-512F): CpuGemm.MicroKernel16x16.cs.</summary>
    Avx512x16x16,
}

// Every tile of C is 16 columns wide (NR, one B panel); its height MR is the micro-kernel's: 6 rows for the
// AVX2 kernel (what 16 ymm registers hold), 16 for the AVX-512 one. Packed A panels are MR rows high, so
// the kernel is chosen once per GEMM call (GemmJob) and the packing of A, the blocking and the thread split
// follow its MR. Both kernels compute each C element as the same chain of fused multiply-adds (one accumulator
// per element, p in order within a KC block, blocks added in order), so they agree bit for bit (tested).
internal static partial class CpuGemm
{
    internal const int NR = 16;
    private const int MaxMR = 16;

    /// <summary>The kernel Auto resolves to on this CPU.</summary>
    internal static GemmKernel BestKernel { get; } = Avx512F.IsSupported ? GemmKernel.Avx512x16x16 : GemmKernel.Avx2x6x16;

    /// <summary>Whether this CPU can run the kernel.</summary>
    internal static bool Supports(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Avx512x16x16 => Avx512F.IsSupported,
        _ => SimdSupported,
    };

    // Rows of a packed A panel (MR) for the kernel the call runs.
    internal static int RowsOf(GemmKernel kernel) => Resolve(kernel) == GemmKernel.Avx512x16x16 ? 16 : 6;

    private static GemmKernel Resolve(GemmKernel kernel)
    {
        if (kernel == GemmKernel.Auto)
            return BestKernel;
        if (!Supports(kernel))
            throw new PlatformNotSupportedException($"GEMM kernel {kernel} needs an instruction set this CPU lacks");
        return kernel;
    }

    // One mr x 16 tile: C (+)= Apanel * Bpanel. rows: how many of the panel's rows are live (the rest is zero
    // padding); the AVX2 kernel then computes and writes only the first 2 or 4 rows where that is all.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Tile(int mr, int kc, float* ap, float* bp, float* c, long ldc, bool add, int rows)
    {
        if (mr == 16) Kernel16x16(kc, ap, bp, c, ldc, add);
        else if (rows > 4) Kernel6x16<SixRows>(kc, ap, bp, c, ldc, add);
        else if (rows > 2) Kernel6x16<FourRows>(kc, ap, bp, c, ldc, add);
        else Kernel6x16<TwoRows>(kc, ap, bp, c, ldc, add);
    }

    // Ragged tile (rows < mr or cols < 16): the kernel for its live rows into a stack tile, then the live rows x cols part.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void KernelEdge(int mr, int kc, float* ap, float* bp, float* c, long ldc, bool add, int rows, int cols)
    {
        float* tile = stackalloc float[MaxMR * NR];
        Tile(mr, kc, ap, bp, tile, NR, add: false, rows);
        for (int r = 0; r < rows; r++)
        {
            float* cr = c + r * ldc;
            float* tr = tile + r * NR;
            for (int j = 0; j < cols; j++)
                cr[j] = add ? cr[j] + tr[j] : tr[j];
        }
    }
}
