using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Scratchgen.Backends.Cpu.Gemm;

// Packing for V3. The micro-kernel reads both operands as unit-stride streams, whatever transA/transB:
//   PackA: block op(A)[i0..i0+mc, p0..p0+kc] -> ceil(mc/MR) panels, panel r holds dst[r*MR*kc + p*MR + ii]
//   PackB: block op(B)[p0..p0+kc, j0..j0+nc] -> ceil(nc/16) panels, panel q holds dst[q*16*kc + p*16 + jj]
// With MR = 16 (the AVX-512 kernel) an A panel is a B panel of op(A)ᵀ: op(A)ᵀ[p, i] = op(A)[i, p] is op(B)
// for b = a, ldb = lda, transB = !transA, so PackA hands the block to PackB (and PackAIndexed to PackBIndexed).
// Rows/columns past the edge are written as zeros, so ragged tiles compute garbage-free zeros.
// Stores are unaligned (as fast as aligned ones where the address is aligned): the pack buffers are 64-byte
// aligned, but a caller's PackWholeA target (a pooled managed array) need not be.
// The strided directions (A not transposed: rows of A are lda apart; B transposed: columns of op(B) are
// ldb apart) are packed 8 values of p at a time through an 8x8 in-register transpose.
internal static partial class CpuGemm
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackA(int mr, int mc, int kc, float* a, long lda, bool transA, int i0, int p0, float* dst)
    {
        if (mr == NR)
        {
            PackB(kc, mc, a, lda, !transA, p0, i0, dst);
            return;
        }
        const int MR = 6; // the AVX2 kernel's panels from here on
        for (int r0 = 0; r0 < mc; r0 += MR, dst += MR * kc)
        {
            int rows = Math.Min(MR, mc - r0);
            int i = i0 + r0;
            if (transA)
            {
                // op(A)[i+ii, p] = a[p*lda + i + ii]: contiguous in ii.
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (p0 + p) * lda + i;
                    float* d = dst + p * MR;
                    int ii = 0;
                    for (; ii < rows; ii++) d[ii] = src[ii];
                    for (; ii < MR; ii++) d[ii] = 0f;
                }
            }
            else if (rows == MR)
            {
                // op(A)[i+ii, p] = a[(i+ii)*lda + p]: six strided rows, transposed 8 columns at a time.
                float* s0 = a + i * lda + p0;
                int p = 0;
                if (Avx.IsSupported)
                {
                    Vector256<float> zero = Vector256<float>.Zero;
                    // p + 8 < kc, not <=: each output row is stored as 8 lanes of which 6 are live, and the
                    // 2 extra lanes must land on a later row of this panel (rewritten next), never on the
                    // next panel, which another thread may be packing.
                    for (; p + 8 < kc; p += 8)
                    {
                        Transpose8x8(Avx.LoadVector256(s0 + p), Avx.LoadVector256(s0 + lda + p),
                            Avx.LoadVector256(s0 + 2 * lda + p), Avx.LoadVector256(s0 + 3 * lda + p),
                            Avx.LoadVector256(s0 + 4 * lda + p), Avx.LoadVector256(s0 + 5 * lda + p), zero, zero,
                            dst + p * MR, MR);
                    }
                }
                for (; p < kc; p++)
                    for (int ii = 0; ii < MR; ii++)
                        dst[p * MR + ii] = s0[ii * lda + p];
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    int ii = 0;
                    for (; ii < rows; ii++) dst[p * MR + ii] = a[(i + ii) * lda + p0 + p];
                    for (; ii < MR; ii++) dst[p * MR + ii] = 0f;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackB(int kc, int nc, float* b, long ldb, bool transB, int p0, int j0, float* dst)
    {
        int q0 = 0;
        if (!transB && Avx.IsSupported && nc >= NR)
        {
            // op(B)[p, j+jj] = b[p*ldb + j + jj]: the full panels row by row, so each row of the block is read
            // front to back, which the hardware prefetchers follow. Panel by panel, a panel's kc rows lie ldb
            // floats apart, a page or more for a wide B, and no prefetcher crosses pages: each row then waits
            // for memory, which shows where few rows of A share the packed block (m = 128; kernels-docs/matmul.md).
            int full = nc / NR;
            for (int p = 0; p < kc; p++)
            {
                float* src = b + (p0 + p) * ldb + j0, d = dst + p * NR;
                for (int q = 0; q < full; q++, src += NR, d += NR * kc)
                {
                    Avx.Store(d, Avx.LoadVector256(src));
                    Avx.Store(d + 8, Avx.LoadVector256(src + 8));
                }
            }
            q0 = full * NR;
            dst += (long)full * NR * kc;
        }
        for (; q0 < nc; q0 += NR, dst += NR * kc)
        {
            int cols = Math.Min(NR, nc - q0);
            int j = j0 + q0;
            if (transB && cols == NR && Avx.IsSupported)
            {
                // op(B)[p, j+jj] = b[(j+jj)*ldb + p]: sixteen strided rows of b, two 8x8 transposes per 8 p.
                float* s0 = b + j * ldb + p0;
                float* s8 = s0 + 8 * ldb;
                int p = 0;
                for (; p <= kc - 8; p += 8)
                {
                    Transpose8x8(Avx.LoadVector256(s0 + p), Avx.LoadVector256(s0 + ldb + p),
                        Avx.LoadVector256(s0 + 2 * ldb + p), Avx.LoadVector256(s0 + 3 * ldb + p),
                        Avx.LoadVector256(s0 + 4 * ldb + p), Avx.LoadVector256(s0 + 5 * ldb + p),
                        Avx.LoadVector256(s0 + 6 * ldb + p), Avx.LoadVector256(s0 + 7 * ldb + p),
                        dst + p * NR, NR);
                    Transpose8x8(Avx.LoadVector256(s8 + p), Avx.LoadVector256(s8 + ldb + p),
                        Avx.LoadVector256(s8 + 2 * ldb + p), Avx.LoadVector256(s8 + 3 * ldb + p),
                        Avx.LoadVector256(s8 + 4 * ldb + p), Avx.LoadVector256(s8 + 5 * ldb + p),
                        Avx.LoadVector256(s8 + 6 * ldb + p), Avx.LoadVector256(s8 + 7 * ldb + p),
                        dst + p * NR + 8, NR);
                }
                for (; p < kc; p++)
                    for (int jj = 0; jj < NR; jj++)
                        dst[p * NR + jj] = s0[jj * ldb + p];
            }
            else
            {
                long sp = transB ? 1 : ldb, sj = transB ? ldb : 1;
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + (p0 + p) * sp + j * sj;
                    int jj = 0;
                    for (; jj < cols; jj++) dst[p * NR + jj] = src[jj * sj];
                    for (; jj < NR; jj++) dst[p * NR + jj] = 0f;
                }
            }
        }
    }

    // Writes the transpose of the 8x8 block whose rows are r0..r7: row t of the result (lane t of every
    // input row) goes to dst + t*stride (8 floats; unaligned store).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Transpose8x8(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7, float* dst, int stride)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + stride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * stride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * stride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * stride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * stride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * stride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * stride, Avx.Permute2x128(s3, s7, 0x31));
    }
}
