namespace Scratchgen.Backends.Cpu.Gemm;

// V1: the textbook i-j-p triple loop, one output element at a time, scalar float accumulation.
// Shape: for every (i, j), a dot product of row i of op(A) with column j of op(B) (2k flops).
// Limits: none on shapes; slow (~1-3 GFLOPS), since the inner loop walks op(B) down a column
// (stride ldb when !transB) and nothing is vectorised. It is also the scalar fallback of Sgemm.
internal static partial class CpuGemm
{
    internal static unsafe void V1Naive(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB, float* c, int ldc, bool accumulate)
    {
        if (HandleEmpty(m, n, k, c, ldc, accumulate))
            return;

        // Element strides of op(A) along i and p, and of op(B) along p and j.
        long aI = transA ? 1 : lda, aP = transA ? lda : 1;
        long bP = transB ? 1 : ldb, bJ = transB ? ldb : 1;

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                    sum += a[i * aI + p * aP] * b[p * bP + j * bJ];

                float* cij = c + (long)i * ldc + j;
                *cij = accumulate ? *cij + sum : sum;
            }
        }
    }
}
