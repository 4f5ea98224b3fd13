using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Scratchgen.Backends.Cpu.Gemm;

// The 6x16 AVX2/FMA micro-kernel of V3: C[0..6, 0..16] (+)= Apanel (6 x kc) * Bpanel (kc x 16).
// Register budget (16 ymm without AVX-512): 6 rows x 2 vectors of 8 = 12 accumulators, 2 for the
// current row of B, 1 for the broadcast of A[r,p]. Per p: 2 loads of B, 6 broadcasts, 12 FMAs
// (192 flops) -> compute-bound as long as both panels sit in L1/L2.
// Packed layouts (written by CpuGemm.Pack.cs): Apanel[p*6 + r], Bpanel[p*16 + j], both zero-padded,
// so the kernel never sees a transpose or a ragged edge; edges go through a tile on the stack
// (CpuGemm.MicroKernels.cs, which also picks between this kernel and the 16x16 AVX-512 one).
// A panel with only 1-4 live rows (the last one when m is not a multiple of 6: 2 rows at m = 128, 4 at
// m = 256) runs the same kernel on its first 4 or 2 rows (TRows): the same chain of FMAs per element, so
// the same bits, in 4 or 2 cycles per p instead of 6 spent partly on zero padding.
internal static partial class CpuGemm
{
    // How many rows of the 6-row panel the kernel computes; a constant of each instantiation, so the JIT
    // drops the rows past it.
    private interface IPanelRows { static abstract int Count { get; } }
    private struct SixRows : IPanelRows { public static int Count => 6; }
    private struct FourRows : IPanelRows { public static int Count => 4; }
    private struct TwoRows : IPanelRows { public static int Count => 2; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel6x16<TRows>(int kc, float* ap, float* bp, float* c, long ldc, bool add) where TRows : struct, IPanelRows
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;

        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Avx.LoadAlignedVector256(bp);
            Vector256<float> b1 = Avx.LoadAlignedVector256(bp + 8);
            Vector256<float> ar = Vector256.Create(ap[0]);
            c00 = Fma.MultiplyAdd(ar, b0, c00); c01 = Fma.MultiplyAdd(ar, b1, c01);
            ar = Vector256.Create(ap[1]);
            c10 = Fma.MultiplyAdd(ar, b0, c10); c11 = Fma.MultiplyAdd(ar, b1, c11);
            if (TRows.Count > 2)
            {
                ar = Vector256.Create(ap[2]);
                c20 = Fma.MultiplyAdd(ar, b0, c20); c21 = Fma.MultiplyAdd(ar, b1, c21);
                ar = Vector256.Create(ap[3]);
                c30 = Fma.MultiplyAdd(ar, b0, c30); c31 = Fma.MultiplyAdd(ar, b1, c31);
            }
            if (TRows.Count > 4)
            {
                ar = Vector256.Create(ap[4]);
                c40 = Fma.MultiplyAdd(ar, b0, c40); c41 = Fma.MultiplyAdd(ar, b1, c41);
                ar = Vector256.Create(ap[5]);
                c50 = Fma.MultiplyAdd(ar, b0, c50); c51 = Fma.MultiplyAdd(ar, b1, c51);
            }
            ap += 6;
            bp += 16;
        }

        StoreRow(c, c00, c01, add); c += ldc;
        StoreRow(c, c10, c11, add);
        if (TRows.Count > 2)
        {
            c += ldc; StoreRow(c, c20, c21, add);
            c += ldc; StoreRow(c, c30, c31, add);
        }
        if (TRows.Count > 4)
        {
            c += ldc; StoreRow(c, c40, c41, add);
            c += ldc; StoreRow(c, c50, c51, add);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow(float* c, Vector256<float> lo, Vector256<float> hi, bool add)
    {
        if (add)
        {
            lo = Avx.Add(lo, Avx.LoadVector256(c));
            hi = Avx.Add(hi, Avx.LoadVector256(c + 8));
        }
        Avx.Store(c, lo);
        Avx.Store(c + 8, hi);
    }
}
