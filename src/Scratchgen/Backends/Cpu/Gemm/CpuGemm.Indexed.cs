using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Scratchgen.Backends.Cpu.Gemm;

// The forms of GEMM operands other than strided matrices: offset tables, X[i, j] = x[xRows[i] + xCols[j]]
// (null tables: that operand is the usual strided matrix), or, for A, a copy already packed by
// CpuGemm.PackWholeA (aPacked: then a, lda, transA and A's tables are not read), for a caller that
// multiplies the same A by many B (the chunks of CpuBackend.Col2ImMatMul).
internal readonly unsafe struct GemmIndex(int* aRows = null, int* aCols = null, int* bRows = null, int* bCols = null, int* cRows = null, int* cCols = null,
    float* aPacked = null)
{
    public int* ARows => aRows;
    public int* ACols => aCols;
    public int* BRows => bRows;
    public int* BCols => bCols;
    public int* CRows => cRows;
    public int* CCols => cCols;
    public float* APacked => aPacked;
}

// V3 with indexed operands: C (m x n) (+)= A (m x k) * B (k x n), where any of A, B and C may be given by
// two offset tables into its buffer instead of a leading dimension:
//   A[i, p] = a[aRows[i] + aCols[p]],  B[p, j] = b[bRows[p] + bCols[j]],  C[i, j] = c[cRows[i] + cCols[j]]
// A strided matrix is the case rows[i] = i ld, cols[j] = j; the point is the matrices that are not
// strided views, which the convolutions need (CpuBackend.ConvGemm.cs builds the tables):
//   im2col of a zero-padded image batch (rows (c, r, s), columns (n, oh, ow)) and its transpose as B,
//   so the im2col matrix is never written;
//   an NCHW tensor (N, K, P) read or written as the (K, N P) matrix (rows k P, columns n K P + p) as A, B
//   or C, so no reorder to channels-first and back.
// Only packing and the final store change; the blocking, threads and micro-kernel are V3's.
//   B: each 16-column panel looks at its 16 column offsets once. One run of 16 (an NCHW tensor between
//      image boundaries): each of its kc rows is two plain loads at b + bRows[p] + cols[0]; four runs of
//      4 (one channel's taps of a 4x4 kernel in im2col^T): four 128-bit loads; otherwise each half of 8
//      columns whose offsets lie within 16 floats (a forward conv over a phase-split image) is two masked
//      loads and a permute (HalfPanel; with AVX-512 the whole panel at once where its 16 offsets lie within
//      32 floats: WindowPanel), any other half an AVX2 gather; a ragged last panel gathers under a mask.
//   A: for the 16x16 kernel, PackBIndexed with rows and columns swapped (an A panel is a B panel of Aᵀ);
//      for the 6x16 kernel each 6-row panel keeps six row pointers and reads a[row + aCols[p]]; in both,
//      where 8 consecutive p are one run in memory (an NCHW tensor between image boundaries) 8 of each row
//      are read at once through an 8x8 transpose, as PackA does, else one p at a time.
//   C: each tile is computed into a stack tile and then added or stored through the tables: a row of 16
//      consecutive columns as two vectors, a row of up to 4 runs (an image boundary inside) run by run (one
//      masked store each with AVX-512, whole vectors inside the run with AVX2), any other one float at a time.
// Offsets are int32 and must stay inside their buffers.
internal static partial class CpuGemm
{
    internal static unsafe void SgemmIndexed(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB,
        float* c, int ldc, bool accumulate, GemmIndex index, int maxThreads = 0, GemmKernel kernel = GemmKernel.Auto)
    {
        if (m <= 0 || n <= 0)
            return;
        if (index.CRows != null && k <= 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) c[index.CRows[i] + index.CCols[j]] = 0f;
            return;
        }
        if (HandleEmpty(m, n, k, c, ldc, accumulate))
            return;
        if (!SimdSupported)
        {
            IndexedNaive(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate, index);
            return;
        }
        Run(new GemmJob(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate, index, kernel), maxThreads > 0 ? maxThreads : Environment.ProcessorCount);
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
                if (IsRun(colOffsets, NR))
                {
                    // The 16 columns are one run in memory (an NCHW tensor read as (K, N P) between image
                    // boundaries): two plain loads per row.
                    float* first = b + colOffsets[0];
                    for (int p = 0; p < kc; p++)
                    {
                        float* src = first + rows[p];
                        Avx.Store(dst + p * NR, Avx.LoadVector256(src));
                        Avx.Store(dst + p * NR + 8, Avx.LoadVector256(src + 8));
                    }
                }
                else if (IsRun(colOffsets, 4) && IsRun(colOffsets + 4, 4) && IsRun(colOffsets + 8, 4) && IsRun(colOffsets + 12, 4))
                {
                    // Four runs of 4 (the 16 taps (r, s) of one channel of a 4x4 kernel in im2col(x)^T): four
                    // 128-bit loads per row instead of two gathers.
                    int o0 = colOffsets[0], o1 = colOffsets[4], o2 = colOffsets[8], o3 = colOffsets[12];
                    for (int p = 0; p < kc; p++)
                    {
                        float* row = b + rows[p];
                        Avx.Store(dst + p * NR, Vector256.Create(Sse.LoadVector128(row + o0), Sse.LoadVector128(row + o1)));
                        Avx.Store(dst + p * NR + 8, Vector256.Create(Sse.LoadVector128(row + o2), Sse.LoadVector128(row + o3)));
                    }
                }
                else
                {
                    // Where 8 consecutive rows are one run of every column (an NCHW tensor packed as A for the
                    // 16x16 kernel, whose "columns" are then its channels, between image boundaries): 8 floats
                    // of each column and two 8x8 transposes. Elsewhere, each half (8 columns) whose offsets lie
                    // within 16 consecutive floats (a forward conv panel over a phase-split image,
                    // CpuBackend.ConvGemm.cs) is read as two masked loads and a permute; any other half is gathered.
                    if (Avx512F.IsSupported && WindowPanel.Of(colOffsets) is { } window)
                    {
                        // All 16 offsets within 32 floats (with AVX-512): two masked loads and one permute per row.
                        for (int p = 0; p < kc; p++)
                            Avx512F.Store(dst + p * NR, window.Read(b + rows[p]));
                        continue;
                    }
                    var first = HalfPanel.Of(colOffsets);
                    var second = HalfPanel.Of(colOffsets + 8);
                    for (int p = 0; p < kc;)
                    {
                        if (p + 8 <= kc && IsRun(rows + p, 8))
                        {
                            TransposeColumns(b + rows[p], colOffsets, dst + p * NR);
                            TransposeColumns(b + rows[p], colOffsets + 8, dst + p * NR + 8);
                            p += 8;
                            continue;
                        }
                        float* row = b + rows[p];
                        Avx.Store(dst + p * NR, first.Read(row));
                        Avx.Store(dst + p * NR + 8, second.Read(row));
                        p++;
                    }
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
                    Avx.Store(dst + p * NR, Avx2.GatherMaskVector256(Vector256<float>.Zero, row, lo, maskLo, 4));
                    Avx.Store(dst + p * NR + 8, Avx2.GatherMaskVector256(Vector256<float>.Zero, row, hi, maskHi, 4));
                }
            }
        }
    }

    // All sixteen columns of a B panel by their offsets o[j] into a row, when every o[j] lies in [lo, lo + 32)
    // (a forward conv panel over a phase-split image that does not cross an image boundary): two masked
    // loads of the window's halves (only the floats used are read) and one two-source permute,
    // lane j = window[o[j] - lo]. AVX-512 only; null when the offsets spread wider.
    private readonly struct WindowPanel
    {
        private readonly int _lo;
        private readonly Vector512<int> _index;            // o[j] - lo
        private readonly Vector512<float> _used0, _used1;  // which floats of each half of the window are read

        private WindowPanel(int lo, Vector512<int> index, Vector512<float> used0, Vector512<float> used1) =>
            (_lo, _index, _used0, _used1) = (lo, index, used0, used1);

        public static unsafe WindowPanel? Of(int* o)
        {
            int lo = o[0], hi = o[0];
            for (int j = 1; j < NR; j++)
            {
                lo = Math.Min(lo, o[j]);
                hi = Math.Max(hi, o[j]);
            }
            if (hi - lo >= 32)
                return null;
            int* index = stackalloc int[NR];
            int* used = stackalloc int[32];
            for (int i = 0; i < 32; i++) used[i] = 0;
            for (int j = 0; j < NR; j++)
            {
                index[j] = o[j] - lo;
                used[o[j] - lo] = -1;
            }
            return new WindowPanel(lo, Avx512F.LoadVector512(index), Avx512F.LoadVector512(used).AsSingle(), Avx512F.LoadVector512(used + 16).AsSingle());
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public unsafe Vector512<float> Read(float* row) =>
            Avx512F.PermuteVar16x32x2(Avx512F.MaskLoad(row + _lo, _used0, Vector512<float>.Zero), _index,
                Avx512F.MaskLoad(row + _lo + 16, _used1, Vector512<float>.Zero));
    }

    // Eight columns of a B panel by their offsets o[j] into a row: row[o[j]] for j = 0..7.
    // When every o[j] lies in [lo, lo + 16), two masked loads of the window (only the floats used are
    // read, so the window may hang past the buffer) and one permute of each, blended, give the eight
    // values: lane j = window[o[j] - lo]. Otherwise one AVX2 gather.
    private readonly struct HalfPanel
    {
        private readonly bool _window;
        private readonly int _lo;
        private readonly Vector256<int> _offsets;  // o[j], for the gather
        private readonly Vector256<int> _lane;     // (o[j] - lo) mod 8: the lane of its 8-float half of the window
        private readonly Vector256<float> _upper;  // o[j] - lo >= 8: take it from the window's upper half
        private readonly Vector256<float> _used0, _used1; // which floats of each half of the window are read

        private HalfPanel(bool window, int lo, Vector256<int> offsets, Vector256<int> lane, Vector256<float> upper, Vector256<float> used0, Vector256<float> used1) =>
            (_window, _lo, _offsets, _lane, _upper, _used0, _used1) = (window, lo, offsets, lane, upper, used0, used1);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe HalfPanel Of(int* o)
        {
            var offsets = Avx.LoadVector256(o);
            int lo = o[0], hi = o[0];
            for (int j = 1; j < 8; j++)
            {
                lo = Math.Min(lo, o[j]);
                hi = Math.Max(hi, o[j]);
            }
            if (hi - lo >= 16)
                return new HalfPanel(false, 0, offsets, default, default, default, default);
            int* lane = stackalloc int[8];
            int* upper = stackalloc int[8];
            int* used = stackalloc int[16];
            for (int i = 0; i < 16; i++) used[i] = 0;
            for (int j = 0; j < 8; j++)
            {
                int d = o[j] - lo;
                lane[j] = d & 7;
                upper[j] = d >= 8 ? -1 : 0;
                used[d] = -1;
            }
            return new HalfPanel(true, lo, offsets, Avx.LoadVector256(lane), Avx.LoadVector256(upper).AsSingle(),
                Avx.LoadVector256(used).AsSingle(), Avx.LoadVector256(used + 8).AsSingle());
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public unsafe Vector256<float> Read(float* row)
        {
            if (!_window)
                return Avx2.GatherVector256(row, _offsets, 4);
            var low = Avx2.PermuteVar8x32(Avx.MaskLoad(row + _lo, _used0), _lane);
            var high = Avx2.PermuteVar8x32(Avx.MaskLoad(row + _lo + 8, _used1), _lane);
            return Avx.BlendVariable(low, high, _upper);
        }
    }

    // dst[t NR + j] = start[o[j] + t] for t, j in 0..8: eight runs of 8 floats, one per column offset, transposed.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void TransposeColumns(float* start, int* o, float* dst) =>
        Transpose8x8(Avx.LoadVector256(start + o[0]), Avx.LoadVector256(start + o[1]), Avx.LoadVector256(start + o[2]), Avx.LoadVector256(start + o[3]),
            Avx.LoadVector256(start + o[4]), Avx.LoadVector256(start + o[5]), Avx.LoadVector256(start + o[6]), Avx.LoadVector256(start + o[7]), dst, NR);

    // Whether offsets[0 .. length) are consecutive integers (one contiguous run of the buffer).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe bool IsRun(int* offsets, int length)
    {
        for (int j = 1; j < length; j++)
            if (offsets[j] != offsets[0] + j) return false;
        return true;
    }
}
