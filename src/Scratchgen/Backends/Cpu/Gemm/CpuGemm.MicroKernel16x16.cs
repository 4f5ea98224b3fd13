using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Scratchgen.Backends.Cpu.Gemm;

// The 16x16 AVX-512 micro-kernel: C[0..16, 0..16] (+)= Apanel (16 x kc) * Bpanel (kc x 16).
// Register budget (32 zmm with AVX-512): 16 rows x 1 vector of 16 = 16 accumulators, 1 for the current row
// of B, the broadcasts of A[r, p] folded into the FMAs. Per p: 1 load of B, 16 broadcasts, 16 FMAs (512 flops),
// against the 6x16 AVX2 kernel's 2 loads, 6 broadcasts and 12 FMAs (192 flops).
// Zen 4 runs a 512-bit FMA as two 256-bit halves, so the peak is the same as AVX2's; what the wider registers
// buy is fewer loads and instructions per flop, C tiles that cover the m = 64, 128, 256, ... of the models
// without a ragged 6-row panel, and an A panel in the same layout as a B panel (16 floats per p), so A is
// packed by the B packing routines (CpuGemm.Pack.cs). Alone on packed operands it outruns the 6x16 kernel
// (the matmul log in kernels-docs/log/, "V3 micro-kernels").
// Packed layouts: Apanel[p*16 + r], Bpanel[p*16 + j], both 64-byte aligned and zero-padded.
internal static partial class CpuGemm
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel16x16(int kc, float* ap, float* bp, float* c, long ldc, bool add)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<float> c8 = default, c9 = default, c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default;

        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b = Avx512F.LoadAlignedVector512(bp);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[0]), b, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[1]), b, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[2]), b, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[3]), b, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[4]), b, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[5]), b, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[6]), b, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[7]), b, c7);
            c8 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[8]), b, c8);
            c9 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[9]), b, c9);
            c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[10]), b, c10);
            c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[11]), b, c11);
            c12 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[12]), b, c12);
            c13 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[13]), b, c13);
            c14 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[14]), b, c14);
            c15 = Avx512F.FusedMultiplyAdd(Vector512.Create(ap[15]), b, c15);
            ap += 16;
            bp += 16;
        }

        StoreRow(c, c0, add); c += ldc; StoreRow(c, c1, add); c += ldc; StoreRow(c, c2, add); c += ldc; StoreRow(c, c3, add); c += ldc;
        StoreRow(c, c4, add); c += ldc; StoreRow(c, c5, add); c += ldc; StoreRow(c, c6, add); c += ldc; StoreRow(c, c7, add); c += ldc;
        StoreRow(c, c8, add); c += ldc; StoreRow(c, c9, add); c += ldc; StoreRow(c, c10, add); c += ldc; StoreRow(c, c11, add); c += ldc;
        StoreRow(c, c12, add); c += ldc; StoreRow(c, c13, add); c += ldc; StoreRow(c, c14, add); c += ldc; StoreRow(c, c15, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow(float* c, Vector512<float> row, bool add)
    {
        if (add)
            row = Avx512F.Add(row, Avx512F.LoadVector512(c));
        Avx512F.Store(c, row);
    }
}
