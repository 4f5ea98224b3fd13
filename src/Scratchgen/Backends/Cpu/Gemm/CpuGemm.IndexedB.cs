using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Scratchgen.Backends.Cpu.Gemm;

// V3 with an indexed B operand: C (m x n) (+)= op(A) (m x k) * B (k x n), where B is never stored but
// given by two offset tables into one buffer:
//   B[p, j] = b[bRows[p] + bCols[j]]
// A strided matrix is the case bRows[p] = p ldb, bCols[j] = j; the point is the matrices that are not
// strided views: im2col of a zero-padded image batch (rows (c, r, s), columns (n, oh, ow)) and its
// transpose. So a convolution's GEMM reads the image directly and the im2col matrix is never written
// (CpuBackend.ConvGemm.cs builds the tables). Only packing changes: each 16-column panel loads its 16
// column offsets once as two int vectors, and each of its kc rows is two AVX2 gathers at b + bRows[p];
// a ragged last panel gathers under a mask and packs zeros past the edge, as PackB does. The blocking,
// threads and micro-kernel are V3's. Offsets are int32: b + bRows[p] + bCols[j] must stay inside b.
internal static partial class CpuGemm
{
    internal static unsafe void SgemmIndexedB(int m, int n, int k, float* a, int lda, bool transA, float* b, int* bRows, int* bCols,
        float* c, int ldc, bool accumulate, int maxThreads = 0)
    {
        if (HandleEmpty(m, n, k, c, ldc, accumulate))
            return;
        if (!SimdSupported)
        {
            IndexedBNaive(m, n, k, a, lda, transA, b, bRows, bCols, c, ldc, accumulate);
            return;
        }
        var job = new GemmJob(m, n, k, a, lda, transA, b, ldb: 0, transB: false, c, ldc, accumulate, bRows, bCols);
        Run(job, maxThreads > 0 ? maxThreads : Environment.ProcessorCount);
    }

    // Panels of 16 columns of B[p0.., j0..] (kc x nc): dst[q 16 kc + p 16 + jj] = b[bRows[p0 + p] + bCols[j0 + q 16 + jj]].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackBIndexed(int kc, int nc, float* b, int* bRows, int* bCols, int p0, int j0, float* dst)
    {
        int* rows = bRows + p0;
        int* offsets = stackalloc int[NR];
        int* live = stackalloc int[NR];
        for (int q0 = 0; q0 < nc; q0 += NR, dst += NR * kc)
        {
            int cols = Math.Min(NR, nc - q0);
            int* colOffsets = bCols + j0 + q0;
            if (cols == NR)
            {
                Vector256<int> lo = Avx.LoadVector256(colOffsets), hi = Avx.LoadVector256(colOffsets + 8);
                for (int p = 0; p < kc; p++)
                {
                    float* row = b + rows[p];
                    Avx.StoreAligned(dst + p * NR, Avx2.GatherVector256(row, lo, 4));
                    Avx.StoreAligned(dst + p * NR + 8, Avx2.GatherVector256(row, hi, 4));
                }
            }
            else
            {
                for (int jj = 0; jj < NR; jj++)
                {
                    offsets[jj] = jj < cols ? colOffsets[jj] : 0;
                    live[jj] = jj < cols ? -1 : 0;
                }
                Vector256<int> lo = Avx.LoadVector256(offsets), hi = Avx.LoadVector256(offsets + 8);
                Vector256<float> maskLo = Avx.LoadVector256(live).AsSingle(), maskHi = Avx.LoadVector256(live + 8).AsSingle();
                for (int p = 0; p < kc; p++)
                {
                    float* row = b + rows[p];
                    Avx.StoreAligned(dst + p * NR, Avx2.GatherMaskVector256(Vector256<float>.Zero, row, lo, maskLo, 4));
                    Avx.StoreAligned(dst + p * NR + 8, Avx2.GatherMaskVector256(Vector256<float>.Zero, row, hi, maskHi, 4));
                }
            }
        }
    }

    // Without AVX2: the triple loop (as V1Naive), reading B through its tables.
    internal static unsafe void IndexedBNaive(int m, int n, int k, float* a, int lda, bool transA, float* b, int* bRows, int* bCols,
        float* c, int ldc, bool accumulate)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                    sum += (transA ? a[(long)p * lda + i] : a[(long)i * lda + p]) * b[bRows[p] + bCols[j]];
                float* cij = c + (long)i * ldc + j;
                *cij = accumulate ? *cij + sum : sum;
            }
    }
}
