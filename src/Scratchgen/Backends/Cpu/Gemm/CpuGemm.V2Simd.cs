using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Scratchgen.Backends.Cpu.Gemm;

// V2: SIMD alone, no cache blocking. For each row i of C and each p, broadcast op(A)[i,p] and FMA it
// against 8-wide slices of row p of op(B): C[i, j..j+8] += A[i,p] * B[p, j..j+8]  (i-p-j order).
// Shape: one thread; rows of C stay in L1 while all of B streams past for every i (k*n floats per row).
// Limits: needs AVX2+FMA. When transB, rows of op(B) are strided, so it switches to dot products
// along p (columns of op(B) are contiguous there), with strided scalar loads of A if transA too.
// Memory-bound once B no longer fits in L2: each B element is reloaded m times.
internal static partial class CpuGemm
{
    internal static unsafe void V2Simd(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB, float* c, int ldc, bool accumulate)
    {
        if (HandleEmpty(m, n, k, c, ldc, accumulate))
            return;
        long aI = transA ? 1 : lda, aP = transA ? lda : 1;

        if (transB)
        {
            V2DotRows(m, n, k, a, aI, aP, b, ldb, c, ldc, accumulate);
            return;
        }

        for (int i = 0; i < m; i++)
        {
            float* ci = c + (long)i * ldc;
            if (!accumulate)
                new Span<float>(ci, n).Clear();

            for (int p = 0; p < k; p++)
            {
                float aip = a[i * aI + p * aP];
                Vector256<float> av = Vector256.Create(aip);
                float* bp = b + (long)p * ldb;
                int j = 0;
                for (; j <= n - 8; j += 8)
                    Avx.Store(ci + j, Fma.MultiplyAdd(av, Avx.LoadVector256(bp + j), Avx.LoadVector256(ci + j)));
                for (; j < n; j++)
                    ci[j] += aip * bp[j];
            }
        }
    }

    // transB: C[i,j] = sum_p op(A)[i,p] * b[j*ldb + p]; the column of op(B) is contiguous in p.
    private static unsafe void V2DotRows(int m, int n, int k, float* a, long aI, long aP, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            float* ai = a + i * aI;
            for (int j = 0; j < n; j++)
            {
                float* bj = b + (long)j * ldb;
                Vector256<float> acc = Vector256<float>.Zero;
                int p = 0;
                for (; p <= k - 8; p += 8)
                {
                    Vector256<float> av = aP == 1
                        ? Avx.LoadVector256(ai + p)
                        : Vector256.Create(ai[p * aP], ai[(p + 1) * aP], ai[(p + 2) * aP], ai[(p + 3) * aP],
                                           ai[(p + 4) * aP], ai[(p + 5) * aP], ai[(p + 6) * aP], ai[(p + 7) * aP]);
                    acc = Fma.MultiplyAdd(av, Avx.LoadVector256(bj + p), acc);
                }
                float sum = Vector256.Sum(acc);
                for (; p < k; p++)
                    sum += ai[p * aP] * bj[p];

                float* cij = c + (long)i * ldc + j;
                *cij = accumulate ? *cij + sum : sum;
            }
        }
    }
}
