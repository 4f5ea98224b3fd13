using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Scratchgen.Backends.Cpu.Gemm;

// The degenerate shapes of Sgemm, where C is one column or one row and the packed GEMM would pad a
// 6 x 16 micro-tile around a vector (a 16x waste for n = 1, 6x for m = 1) and pack a whole operand for
// one use:
//   n = 1   c[i]    (+)= sum_p op(A)[i,p] v[p]      matrix-vector (a linear layer with one output)
//   m = 1   c[j]    (+)= sum_p u[p] op(B)[p,j]      vector-matrix (its weight gradient)
// (k = 1, an outer product, stays with V3Packed, which writes its big C faster than a row-by-row loop:
// its micro-tiles keep C's rows in registers.)
// Each is one pass over the big operand, 8 lanes at a time, split over the cores (CpuParallel).
// A dot product runs along a contiguous row when there is one (row of A for n = 1, row of B^T for m = 1);
// otherwise the sum is built as scaled rows added into C (axpy), so every load is contiguous. The vector
// operand, possibly strided, is copied once into a contiguous buffer. Sums run in a fixed order per
// element whatever the thread count, so results are the same for 1 or 2 threads.
// The shapes that come here are the discriminators' last layers (the DCGAN's 6272 -> 1, the MLP GAN's 256 -> 1)
// and their weight gradients, where the padded micro-tile would be mostly zeros.
internal static partial class CpuGemm
{
    // Whether C is one column or one row: Sgemm sends these here.
    private static bool IsVectorShape(int m, int n) => m == 1 || n == 1;

    private static unsafe void VectorGemm(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB, float* c, int ldc, bool accumulate)
    {
        if (n == 1)
        {
            // c[i ldc] (+)= op(A)[i, :] . v, v[p] = op(B)[p, 0].
            float[] v = Gathered(k, b, transB ? 1 : ldb);
            fixed (float* pv = v)
            {
                float* vp = pv;
                if (!transA)
                    Split(m, (long)k, (i0, i1) => { for (int i = i0; i < i1; i++) Store(c + (long)i * ldc, Dot(a + (long)i * lda, vp, k), accumulate); });
                else
                    Split(m, (long)k, (i0, i1) => AxpyColumn(i1 - i0, k, a + i0, lda, vp, c + (long)i0 * ldc, ldc, accumulate));
            }
            return;
        }
        // m == 1 (one row of C)
        // c[j] (+)= u . op(B)[:, j], u[p] = op(A)[0, p].
        float[] u = Gathered(k, a, transA ? lda : 1);
        fixed (float* pu = u)
        {
            float* up = pu;
            if (transB)
                Split(n, (long)k, (j0, j1) => { for (int j = j0; j < j1; j++) Store(c + j, Dot(b + (long)j * ldb, up, k), accumulate); });
            else
                Split(n, (long)k, (j0, j1) => AxpyRow(j1 - j0, k, b + j0, ldb, up, c + j0, accumulate));
        }
    }

    // x[p stride] for p in [0, count), as a contiguous array.
    private static unsafe float[] Gathered(int count, float* x, long stride)
    {
        var v = GC.AllocateUninitializedArray<float>(count);
        for (int p = 0; p < count; p++) v[p] = x[p * stride];
        return v;
    }

    // body(lo, hi) over [0, count), split over the cores when count * costPerItem is worth it.
    private static void Split(int count, long costPerItem, Action<int, int> body) => CpuParallel.For(count, costPerItem, body);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(float* c, float value, bool accumulate) => *c = accumulate ? *c + value : value;

    // sum_p x[p] y[p], four 8-lane accumulators, then the tail.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe float Dot(float* x, float* y, int count)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int p = 0;
        for (; p + 32 <= count; p += 32)
        {
            s0 = Fma.MultiplyAdd(Avx.LoadVector256(x + p), Avx.LoadVector256(y + p), s0);
            s1 = Fma.MultiplyAdd(Avx.LoadVector256(x + p + 8), Avx.LoadVector256(y + p + 8), s1);
            s2 = Fma.MultiplyAdd(Avx.LoadVector256(x + p + 16), Avx.LoadVector256(y + p + 16), s2);
            s3 = Fma.MultiplyAdd(Avx.LoadVector256(x + p + 24), Avx.LoadVector256(y + p + 24), s3);
        }
        for (; p + 8 <= count; p += 8)
            s0 = Fma.MultiplyAdd(Avx.LoadVector256(x + p), Avx.LoadVector256(y + p), s0);
        float sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        for (; p < count; p++) sum += x[p] * y[p];
        return sum;
    }

    // c[r ldc] (+)= sum_p x[p ldx + r] v[p] for r in [0, rows): op(A) = A^T read row by row of A.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AxpyColumn(int rows, int k, float* x, int ldx, float* v, float* c, int ldc, bool accumulate)
    {
        float* sum = stackalloc float[Math.Min(rows, 1024)];
        for (int r0 = 0; r0 < rows; r0 += 1024)
        {
            int count = Math.Min(1024, rows - r0);
            new Span<float>(sum, count).Clear();
            for (int p = 0; p < k; p++) AddScaled(count, v[p], x + (long)p * ldx + r0, sum);
            for (int r = 0; r < count; r++) Store(c + (long)(r0 + r) * ldc, sum[r], accumulate);
        }
    }

    // c[j] (+)= sum_p u[p] x[p ldx + j] for j in [0, cols): rows of B scaled and added.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AxpyRow(int cols, int k, float* x, int ldx, float* u, float* c, bool accumulate)
    {
        if (!accumulate) new Span<float>(c, cols).Clear();
        for (int p = 0; p < k; p++) AddScaled(cols, u[p], x + (long)p * ldx, c);
    }

    // y[j] += s x[j] for j in [0, count).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void AddScaled(int count, float s, float* x, float* y)
    {
        var sv = Vector256.Create(s);
        int j = 0;
        for (; j + 8 <= count; j += 8)
            Avx.Store(y + j, Fma.MultiplyAdd(sv, Avx.LoadVector256(x + j), Avx.LoadVector256(y + j)));
        for (; j < count; j++) y[j] += s * x[j];
    }
}
