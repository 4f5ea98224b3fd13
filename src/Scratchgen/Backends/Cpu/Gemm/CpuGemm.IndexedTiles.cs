using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Scratchgen.Backends.Cpu.Gemm;

// The A side, the macro-kernel and the C side of SgemmIndexed (CpuGemm.Indexed.cs, which also packs B):
// A panels read through the offset tables, tiles stored through C's tables, and the triple loop used
// without AVX2.
internal static partial class CpuGemm
{
    // Panels of mr rows of A (mc x kc), rows and cols already offset to the block: dst[r mr kc + p mr + ii] =
    // a[rows[r mr + ii] + cols[p]], zeros past the last row.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackAIndexed(int mr, int mc, int kc, float* a, int* rows, int* cols, float* dst)
    {
        if (mr == NR)
        {
            PackBIndexed(kc, mc, a, cols, rows, 0, 0, dst);
            return;
        }
        const int MR = 6; // the AVX2 kernel's panels from here on
        float** r = stackalloc float*[MR];
        for (int r0 = 0; r0 < mc; r0 += MR, dst += MR * kc)
        {
            int live = Math.Min(MR, mc - r0);
            for (int ii = 0; ii < MR; ii++) r[ii] = a + rows[r0 + Math.Min(ii, live - 1)];
            float* r0p = r[0], r1p = r[1], r2p = r[2], r3p = r[3], r4p = r[4], r5p = r[5];
            Vector256<float> zero = Vector256<float>.Zero;
            int p = 0;
            // Where 8 consecutive p are one run of every row (no image boundary inside), load 8 from each
            // row and transpose, as PackA does; p + 8 < kc keeps the 2 spare lanes of each store inside
            // this panel (see PackA).
            for (; p + 8 < kc; p += 8)
            {
                int o = cols[p];
                if (cols[p + 7] - o == 7)
                    Transpose8x8(Avx.LoadVector256(r0p + o), Avx.LoadVector256(r1p + o), Avx.LoadVector256(r2p + o),
                        Avx.LoadVector256(r3p + o), Avx.LoadVector256(r4p + o), Avx.LoadVector256(r5p + o), zero, zero, dst + p * MR, MR);
                else
                    for (int q = p; q < p + 8; q++) PackAColumn(r0p, r1p, r2p, r3p, r4p, r5p, cols[q], dst + q * MR);
            }
            for (; p < kc; p++) PackAColumn(r0p, r1p, r2p, r3p, r4p, r5p, cols[p], dst + p * MR);
            for (int ii = live; ii < MR; ii++) // rows past the edge: zeros, as PackA writes them
                for (int q = 0; q < kc; q++) dst[q * MR + ii] = 0f;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PackAColumn(float* r0, float* r1, float* r2, float* r3, float* r4, float* r5, int o, float* d)
    {
        d[0] = r0[o]; d[1] = r1[o]; d[2] = r2[o]; d[3] = r3[o]; d[4] = r4[o]; d[5] = r5[o];
    }

    // C block (mc x nc) (+)= packed A block * packed B block, tile by tile through a stack tile, with C
    // addressed by its tables (rows, cols already offset to the block's first row and column).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MacroKernelIndexed(int mr, int mc, int nc, int kc, float* aPack, float* bPack, float* c, int* rows, int* cols, bool add)
    {
        float* tile = stackalloc float[MaxMR * NR];
        int* runStart = stackalloc int[MaxRuns];
        int* runFirst = stackalloc int[MaxRuns + 1];
        Vector512<float>* runLanes = stackalloc Vector512<float>[MaxRuns];
        bool masked = Avx512F.IsSupported;
        for (int jr = 0; jr < nc; jr += NR)
        {
            int nr = Math.Min(NR, nc - jr);
            float* bp = bPack + (long)jr * kc;
            int* tileCols = cols + jr;
            bool contiguous = nr == NR && tileCols[NR - 1] - tileCols[0] == NR - 1;
            int runs = contiguous ? 0 : Runs(tileCols, nr, runStart, runFirst, masked ? runLanes : null);
            for (int ir = 0; ir < mc; ir += mr)
            {
                int live = Math.Min(mr, mc - ir);
                Tile(mr, kc, aPack + (long)ir * kc, bp, tile, NR, add: false, live);
                for (int i = 0; i < live; i++)
                {
                    float* row = c + rows[ir + i];
                    float* t = tile + i * NR;
                    if (contiguous)
                    {
                        // The 16 columns are one run of C (no image boundary inside the tile): two vectors.
                        float* dst = row + tileCols[0];
                        Vector256<float> lo = Avx.LoadVector256(t), hi = Avx.LoadVector256(t + 8);
                        if (add)
                        {
                            lo = Avx.Add(lo, Avx.LoadVector256(dst));
                            hi = Avx.Add(hi, Avx.LoadVector256(dst + 8));
                        }
                        Avx.Store(dst, lo);
                        Avx.Store(dst + 8, hi);
                    }
                    else if (runs > 0 && !masked)
                    {
                        // Without AVX-512: each run as whole vectors that stay inside it (StoreRun).
                        for (int q = 0; q < runs; q++)
                            StoreRun(row + runStart[q] + runFirst[q], t + runFirst[q], runFirst[q + 1] - runFirst[q], add);
                    }
                    else if (runs > 0)
                    {
                        // A few runs (an image boundary inside the tile): each run of lanes is written to its
                        // window of C, row + (offset of its first column - its first lane), under a lane mask.
                        var value = Avx512F.LoadVector512(t);
                        for (int q = 0; q < runs; q++)
                        {
                            float* dst = row + runStart[q];
                            var lanes = runLanes[q];
                            Avx512F.MaskStore(dst, lanes, add ? value + Avx512F.MaskLoad(dst, lanes, Vector512<float>.Zero) : value);
                        }
                    }
                    else
                    {
                        for (int j = 0; j < nr; j++)
                        {
                            float* e = row + tileCols[j];
                            *e = add ? *e + t[j] : t[j];
                        }
                    }
                }
            }
        }
    }

    // Runs of consecutive offsets in a tile's columns worth writing as vectors: a tile that straddles two
    // images (a third of the D 64->128 forward's, at 49 columns per image) is a few runs, each a few vector
    // stores (AVX2) or one masked store (AVX-512) instead of one store per float.
    private const int MaxRuns = 4;

    // Cuts cols[0 .. nr) into runs of consecutive offsets: run q is lanes first[q] .. first[q + 1] - 1, which
    // go to start[q] + lane; with lanes (AVX-512), lanes[q] is the mask of its lanes. Returns the number of
    // runs, or 0 when there are more than MaxRuns (the scalar stores are then as cheap).
    private static unsafe int Runs(int* cols, int nr, int* start, int* first, Vector512<float>* lanes)
    {
        var lane = Vector512<int>.Indices;
        int runs = 0;
        for (int j = 0; j < nr;)
        {
            int end = j + 1;
            while (end < nr && cols[end] == cols[end - 1] + 1) end++;
            if (runs == MaxRuns) return 0;
            start[runs] = cols[j] - j;
            first[runs] = j;
            if (lanes != null)
                lanes[runs] = (Vector512.GreaterThanOrEqual(lane, Vector512.Create(j)) & Vector512.LessThan(lane, Vector512.Create(end))).AsSingle();
            runs++;
            j = end;
        }
        first[runs] = nr;
        return runs;
    }

    // dst[0 .. length) (+)= src[0 .. length) for length <= 16 (one run of a tile row). From 8 floats on, by two
    // vectors that never reach outside the run: 8 floats from each end, overlapping in the middle, both loaded
    // before either is stored (a float in both gets the same sum twice, not the sum added twice); shorter runs
    // float by float. The floats beside a run belong to other tiles, maybe another thread's: masked stores
    // would also keep off them, but AMD runs those slowly (kernels-docs/conv2d.md, V8).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRun(float* dst, float* src, int length, bool add)
    {
        if (length < 8)
        {
            for (int j = 0; j < length; j++) dst[j] = add ? dst[j] + src[j] : src[j];
            return;
        }
        int last = length - 8;
        Vector256<float> lo = Avx.LoadVector256(src), hi = Avx.LoadVector256(src + last);
        if (add)
        {
            lo = Avx.Add(lo, Avx.LoadVector256(dst));
            hi = Avx.Add(hi, Avx.LoadVector256(dst + last));
        }
        Avx.Store(dst, lo);
        Avx.Store(dst + last, hi);
    }

    // Without AVX2: the triple loop (as V1Naive), every operand read through its tables or leading dimension.
    internal static unsafe void IndexedNaive(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB,
        float* c, int ldc, bool accumulate, GemmIndex index)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                {
                    float av = index.ARows != null ? a[index.ARows[i] + index.ACols[p]] : transA ? a[(long)p * lda + i] : a[(long)i * lda + p];
                    float bv = index.BRows != null ? b[index.BRows[p] + index.BCols[j]] : transB ? b[(long)j * ldb + p] : b[(long)p * ldb + j];
                    sum += av * bv;
                }
                float* cij = index.CRows != null ? c + index.CRows[i] + index.CCols[j] : c + (long)i * ldc + j;
                *cij = accumulate ? *cij + sum : sum;
            }
    }
}
