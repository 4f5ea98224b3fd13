using System.Runtime.Intrinsics.X86;

namespace Scratchgen.Backends.Cpu.Gemm;

// Single-precision GEMM for the CPU backend, written as a ladder of variants (kernels-docs/matmul.md):
//   V1Naive   i-j-p triple loop, scalar: the readable baseline.
//   V2Simd    i-p-j loop, A[i,p] broadcast against 8-wide rows of B: SIMD without cache blocking.
//   V3Packed  GotoBLAS/BLIS blocking + packing + a 16x16 AVX-512 or 6x16 AVX2/FMA micro-kernel + 2-core split.
// Sgemm runs V3Packed, except where C is one row or one column (matrix-vector products: CpuGemm.Vector.cs).
//
// Shapes (row-major, leading dimensions in elements):
//   C: (m, n) at c[i*ldc + j]
//   op(A): (m, k), op(A)[i,p] = transA ? a[p*lda + i] : a[i*lda + p]
//   op(B): (k, n), op(B)[p,j] = transB ? b[j*ldb + p] : b[p*ldb + j]
//   C = op(A) op(B)            (accumulate = false)
//   C += op(A) op(B)           (accumulate = true)
// k == 0 with accumulate = false zeroes C; m == 0 or n == 0 does nothing.
internal static partial class CpuGemm
{
    /// <summary>True when the SIMD variants (V2, V3) can run on this CPU.</summary>
    internal static bool SimdSupported => Avx2.IsSupported && Fma.IsSupported;

    // C (m x n) (+)= op(A) (m x k) * op(B) (k x n), row-major with leading dimensions.
    // op(A)[i,p] = transA ? a[p*lda + i] : a[i*lda + p];  op(B)[p,j] = transB ? b[j*ldb + p] : b[p*ldb + j]
    // accumulate=false overwrites C, true adds into it. Must handle m, n or k == 0 (k==0 and !accumulate => zero C).
    internal static unsafe void Sgemm(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB, float* c, int ldc, bool accumulate)
    {
        if (SimdSupported && IsVectorShape(m, n))
        {
            if (!HandleEmpty(m, n, k, c, ldc, accumulate))
                VectorGemm(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate);
        }
        else if (SimdSupported)
            V3Packed(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate);
        else
            V1Naive(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate);
    }

    // Shared by all variants: the cases where no multiply happens. Returns true when the call is done.
    private static unsafe bool HandleEmpty(int m, int n, int k, float* c, int ldc, bool accumulate)
    {
        if (m <= 0 || n <= 0)
            return true;
        if (k > 0)
            return false;
        if (!accumulate)
        {
            for (int i = 0; i < m; i++)
                new Span<float>(c + (long)i * ldc, n).Clear();
        }
        return true;
    }
}
