using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Scratchgen.Backends.Cpu.Gemm;

// V3: GotoBLAS/BLIS. Cut the problem into blocks that fit the caches, copy ("pack") each block into
// the exact order the micro-kernel reads it, and run the micro-kernel over the packed blocks:
//
//   for jc in n step NC                     B block  KC x NC  (packed, lives in L3)
//     for pc in k step KC                   pack op(B)[pc.., jc..]
//       for ic in m step MC                 A block  MC x KC  (packed, lives in L2)
//         pack op(A)[ic.., pc..]
//         for jr in nc step NR              B panel  KC x 16  (lives in L1 while A panels stream)
//           for ir in mc step MR            MR x 16 tile of C += Apanel * Bpanel
//
// The micro-kernel (CpuGemm.MicroKernels.cs) is 16x16 on AVX-512 (MR = 16) and 6x16 on AVX2 (MR = 6).
//
// Block sizes for Zen 4 (32 KiB L1d, 1 MiB L2 per core, 32 MiB shared L3):
//   KC = 384: the B panel is 384*16*4 = 24 KiB of the 32 KiB L1; the A panels stream past it from L2.
//             C is read and written once per k-block, so a longer block does that less often (faster than
//             KC = 256 on the large squares, the same on the conv and MLP shapes; KC = 512 no better than 384:
//             the matmul log in kernels-docs/log/, "KC = 384").
//   MC = 144: the packed A block is 144*384*4 = 216 KiB, inside L2 next to the streaming B panels
//             (a multiple of both MRs, so a padded block never outgrows its buffer).
//   NC = 2720: the packed B block is 384*2720*4 ~ 4 MiB, in the shared L3 (the size it had with KC = 256
//             and NC = 4080; every thread that runs a GEMM holds one).
// The first k-block overwrites C (unless accumulate), later ones add, so C is never zeroed separately.
//
// Threads (CpuGemm.Threads.cs): along n (whole 16-column panels) when m <= n, else along m (whole
// 6-row panels). An n split whose packed A is at most 64 MB deals out chunks of C's columns
// (RunColumnChunks), with no barrier: A is packed whole by the threads that first need each block.
// Otherwise C is cut into one strip per core and the operand both strips need (A for an n split,
// B for an m split) is packed once, cooperatively: each thread packs a share of its panels into a
// shared double buffer, then all meet at a spin barrier and compute. Tile boundaries do not move
// with the thread count, so every C element is summed in the same order: results are bit-identical
// for any number of threads. A caller that multiplies one A by many B can pack A once (PackWholeA) and
// pass it as GemmIndex.APacked: the threads then skip packing A and the barrier after it.
// Limits: needs AVX2+FMA (Sgemm falls back to V1); problems under
// 64^3 multiply-adds run on the calling thread alone.
// The hot methods are [AggressiveOptimization]: left to tiered JIT, packing and the loops ran as
// unoptimised tier-0 code for the first ~30 calls, which measured 1.5-2x slower at n <= 256.
internal static partial class CpuGemm
{
    internal const int KC = 384;
    internal const int MC = 144;
    internal const int NC = 2720;

    // Below this many multiply-adds (m*n*k) the fork-join costs more than the second core saves.
    private const long ParallelThreshold = 64L * 64 * 64;

    internal static unsafe void V3Packed(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB, float* c, int ldc, bool accumulate)
        => V3Packed(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate, Environment.ProcessorCount);

    internal static unsafe void V3Packed(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB, float* c, int ldc, bool accumulate, int maxThreads,
        GemmKernel kernel = GemmKernel.Auto)
    {
        if (HandleEmpty(m, n, k, c, ldc, accumulate))
            return;

        Run(new GemmJob(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate, kernel: kernel), maxThreads);
    }

    // Picks the split and the thread count for one job and runs it (shared by V3Packed and the
    // indexed entry of CpuGemm.Indexed.cs).
    private static unsafe void Run(GemmJob job, int maxThreads)
    {
        int m = job.M, n = job.N, k = job.K;
        int mPanels = (m + job.MR - 1) / job.MR, nPanels = (n + NR - 1) / NR;
        bool splitN = m <= n ? nPanels >= 2 : mPanels < 2;
        int threads = (long)m * n * k < ParallelThreshold ? 1 : Math.Min(maxThreads, splitN ? nPanels : mPanels);

        if (threads > 1 && GemmThreads.TryRun(job, threads, splitN ? (job.SuitsColumnChunks ? GemmSplit.ColumnChunks : GemmSplit.N) : GemmSplit.M))
            return;
        PackBuffers own = PackBuffers.ForCurrentThread();
        job.RunSplitN(0, 1, own.A, own.A, barrier: null);
    }

    // One GEMM call's arguments, as a value each thread of the fork-join gets a copy of.
    // index: offset tables for the operands given as indexed matrices (CpuGemm.Indexed.cs); an operand
    // with tables ignores its leading dimension and transpose flag. kernel: the micro-kernel, whose MR sets
    // the height of the packed A panels.
    internal readonly unsafe struct GemmJob(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB, float* c, int ldc, bool accumulate,
        GemmIndex index = default, GemmKernel kernel = GemmKernel.Auto)
    {
        private readonly int _mr = RowsOf(kernel);

        internal int M => m;
        internal int N => n;
        internal int K => k;
        internal int MR => _mr;

        // Where A's block (ic, pc) already lies when A came packed whole (PackWholeA), else null.
        private float* PrepackedA(int ic, int pc, int kc) =>
            index.APacked == null ? null : index.APacked + WholeABlock(m, _mr, ic, pc, kc);

        // Packs op(A)[i0.., p0..] (mc x kc) into MR-row panels, from whichever form A was given in.
        private void PackBlockA(int mc, int kc, int i0, int p0, float* dst)
        {
            if (index.ARows != null) PackAIndexed(_mr, mc, kc, a, index.ARows + i0, index.ACols + p0, dst);
            else PackA(_mr, mc, kc, a, lda, transA, i0, p0, dst);
        }

        // Packs op(B)[p0.., j0..] (kc x nc) into 16-column panels, from whichever form B was given in.
        private void PackBlockB(int kc, int nc, int p0, int j0, float* dst)
        {
            if (index.BRows != null) PackBIndexed(kc, nc, b, index.BRows, index.BCols, p0, j0, dst);
            else PackB(kc, nc, b, ldb, transB, p0, j0, dst);
        }

        // C[i0.., j0..] (mc x nc) (+)= packed A block @ packed B block, into C's strided or indexed form.
        private void Compute(int mc, int nc, int kc, float* aPack, float* bPack, int i0, int j0, bool add)
        {
            if (index.CRows != null) MacroKernelIndexed(_mr, mc, nc, kc, aPack, bPack, c, index.CRows + i0, index.CCols + j0, add);
            else MacroKernel(_mr, mc, nc, kc, aPack, bPack, c + (long)i0 * ldc + j0, ldc, add);
        }

        // Whether the column-chunk schedule (RunColumnChunks) fits: A not prepacked by the caller and, packed
        // whole, no larger than ColumnChunksMaxAFloats (below).
        internal bool SuitsColumnChunks => index.APacked == null && PackedAFloats <= ColumnChunksMaxAFloats;

        // Floats of op(A) packed whole for this job's kernel.
        internal long PackedAFloats => PackedASize(m, k, kernel);

        // The column-chunk schedule for an n split (m <= n) with a small A (the conv forward W @ im2col(x) and
        // weight gradient dY @ im2col(x)ᵀ, the MLP layers' x @ Wᵀ): each thread takes the next chunk of C's
        // columns from the shared claims until none is left, and for each k-block packs that chunk of B and runs
        // it against every block of A. A is packed once, whole, into aWhole (the layout PackWholeA writes), by
        // whichever threads first need each block: a thread claims the block's unclaimed groups of panels and
        // packs them (ColumnChunkClaims). No thread waits for another for long: a thread the host slows down
        // (another process on its core) takes fewer chunks, and where a group another thread claimed is still
        // not packed after a short wait, the thread packs the whole block into its own buffer for this chunk.
        // Only a group's claimer ever writes it in aWhole: packing stores spill, for a moment, into later rows
        // of the same panel, which a reader of a finished group must never see. Each C element is still summed
        // in the same order (k-blocks in order), whoever runs its chunk, from the same packed values.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal void RunColumnChunks(int count, float* aWhole, ColumnChunkClaims claims)
        {
            var own = PackBuffers.ForCurrentThread();
            int chunkColumns = ChunkColumns(count);
            int chunks = (n + chunkColumns - 1) / chunkColumns;
            for (int q = claims.TakeChunk(); q < chunks; q = claims.TakeChunk())
            {
                int j0 = q * chunkColumns, nc = Math.Min(chunkColumns, n - j0);
                int block = 0;
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    PackBlockB(kc, nc, pc, j0, own.B);
                    for (int ic = 0; ic < m; ic += MC, block++)
                    {
                        int mc = Math.Min(MC, m - ic);
                        float* aBlock = aWhole + WholeABlock(m, _mr, ic, pc, kc);
                        if (!claims.IsReady(block) && !PackShared(mc, kc, ic, pc, aBlock, block, claims))
                            PackBlockA(mc, kc, ic, pc, aBlock = own.A);
                        Compute(mc, nc, kc, aBlock, own.B, ic, j0, accumulate || pc > 0);
                    }
                }
            }
        }

        // About four chunks per thread, each 2-16 panels wide (32-256 columns): 128x3136x1024 (the DCGAN's
        // 64->128 forward) 1.03-1.10x against RunSplitN in one process, the MLP shapes within +-2 %.
        internal int ChunkColumns(int threads) => Math.Clamp((n + NR - 1) / NR / (threads * 4), 2, 16) * NR;

        // Groups of this many MR-row panels are the unit that threads claim when they pack A's blocks.
        internal const int ClaimPanels = 4;

        // Packs the groups of block (ic, pc) that no thread has claimed into aBlock, then waits a little for the
        // groups other threads claimed. True when the whole block is packed there (and marked ready).
        private bool PackShared(int mc, int kc, int ic, int pc, float* aBlock, int block, ColumnChunkClaims claims)
        {
            int groupRows = ClaimPanels * _mr;
            int groups = (mc + groupRows - 1) / groupRows;
            for (int g = 0; g < groups; g++)
            {
                if (!claims.TryClaim(block, g)) continue;
                int r0 = g * groupRows;
                PackBlockA(Math.Min(groupRows, mc - r0), kc, ic + r0, pc, aBlock + (long)r0 * kc);
                claims.MarkPacked(block, g);
            }
            if (!claims.AwaitPacked(block, groups)) return false;
            claims.MarkReady(block);
            return true;
        }

        // Thread t of `count` owns whole 16-column panels of C and packs its own B; the packed A block
        // is shared: thread t packs its share of the MR-row panels into a0/a1 (alternating, so a thread
        // may pack block s+1 while another still computes on block s), then all meet at the barrier.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal void RunSplitN(int t, int count, float* a0, float* a1, SpinBarrier? barrier)
        {
            float* bPack = PackBuffers.ForCurrentThread().B;
            int block = 0;
            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc);
                (int j0, int j1) = Share(nc, NR, t, count);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    bool add = accumulate || pc > 0;
                    if (j1 > j0)
                        PackBlockB(kc, j1 - j0, pc, jc + j0, bPack);
                    for (int ic = 0; ic < m; ic += MC, block++)
                    {
                        int mc = Math.Min(MC, m - ic);
                        float* aPack = PrepackedA(ic, pc, kc);
                        if (aPack == null)
                        {
                            aPack = (block & 1) == 0 ? a0 : a1;
                            (int r0, int r1) = Share(mc, _mr, t, count);
                            if (r1 > r0)
                                PackBlockA(r1 - r0, kc, ic + r0, pc, aPack + (long)r0 * kc);
                            barrier?.SignalAndWait(block); // (the same branch on every thread: A came packed or not)
                        }
                        if (j1 > j0)
                            Compute(mc, j1 - j0, kc, aPack, bPack, ic, jc + j0, add);
                    }
                }
            }
        }

        // Thread t of `count` owns whole MR-row panels of C and packs its own A; the packed B block is
        // shared and double-buffered in b0/b1, as A is in RunSplitN.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal void RunSplitM(int t, int count, float* b0, float* b1, SpinBarrier? barrier)
        {
            float* aPack = PackBuffers.ForCurrentThread().A;
            (int i0, int i1) = Share(m, _mr, t, count);
            int block = 0;
            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc);
                for (int pc = 0; pc < k; pc += KC, block++)
                {
                    int kc = Math.Min(KC, k - pc);
                    bool add = accumulate || pc > 0;
                    float* bPack = (block & 1) == 0 ? b0 : b1;
                    (int q0, int q1) = Share(nc, NR, t, count);
                    if (q1 > q0)
                        PackBlockB(kc, q1 - q0, pc, jc + q0, bPack + (long)q0 * kc);
                    barrier?.SignalAndWait(block);
                    for (int ic = i0; ic < i1; ic += MC)
                    {
                        int mc = Math.Min(MC, i1 - ic);
                        float* aBlock = PrepackedA(ic, pc, kc);
                        if (aBlock == null)
                            PackBlockA(mc, kc, ic, pc, aBlock = aPack);
                        Compute(mc, nc, kc, aBlock, bPack, ic, jc, add);
                    }
                }
            }
        }
    }

    // Largest packed A (floats) for the column-chunk schedule: 64 MB (A up to 4096 x 4096). Up to what one half of
    // the shared pack buffer holds (a packed B block, about 4 MB) A goes there; a larger one goes to a buffer
    // grown for it and kept (SharedPackBuffers.WholeA). Every chunk reads all of A again, from L2, L3 or memory
    // (at n = 2048, 16 MB of A for about 2 GFLOP per chunk). On two quiet cores the chunks run about as fast as
    // the fixed halves of RunSplitN (0.95-1.10x at n = 1024-2048); with one core busy they keep going where
    // RunSplitN waits at every block's barrier (1.4-1.5x; kernels-docs/matmul.md, "Two cores with one of
    // them busy"). Larger A keeps RunSplitN, whose packing buffers stay the size of one block.
    internal const long ColumnChunksMaxAFloats = 1L << 24;

    // Rows of A rounded up to whole mr-row panels.
    private static int PaddedRows(int m, int mr) => (m + mr - 1) / mr * mr;

    // Where block (ic, pc) of an m-row A packed whole in mr-row panels starts (floats): the k-blocks one after
    // another, each PaddedRows(m) x kc, and within one the MC-row blocks as PackA lays them out. The layout of
    // PackWholeA, of GemmIndex.APacked and of RunColumnChunks' shared copy.
    private static long WholeABlock(int m, int mr, int ic, int pc, int kc) => (long)pc * PaddedRows(m, mr) + (long)ic * kc;

    // Floats that PackWholeA writes for an m x k op(A) packed for the kernel.
    internal static long PackedASize(int m, int k, GemmKernel kernel = GemmKernel.Auto) => (long)PaddedRows(m, RowsOf(kernel)) * k;

    // op(A) (m x k) packed whole, in the order the GEMM walks its blocks: block (ic, pc) (rows ic.. of MC,
    // columns pc.. of KC, as PackA lays it out) at dst + WholeABlock(ic, pc). A GEMM given this
    // through GemmIndex.APacked (and the same kernel) skips its packing of A (and the barrier after it).
    internal static unsafe void PackWholeA(int m, int k, float* a, int lda, bool transA, float* dst, GemmKernel kernel = GemmKernel.Auto)
    {
        int mr = RowsOf(kernel);
        for (int pc = 0; pc < k; pc += KC)
        {
            int kc = Math.Min(KC, k - pc);
            for (int ic = 0; ic < m; ic += MC)
                PackA(mr, Math.Min(MC, m - ic), kc, a, lda, transA, ic, pc, dst + WholeABlock(m, mr, ic, pc, kc));
        }
    }

    // Part t of `count` of [0, length), cut at multiples of `unit` (whole panels), as [lo, hi).
    private static (int Lo, int Hi) Share(int length, int unit, int t, int count)
    {
        int panels = (length + unit - 1) / unit;
        int lo = (int)((long)t * panels / count) * unit;
        int hi = (int)((long)(t + 1) * panels / count) * unit;
        return (Math.Min(lo, length), Math.Min(hi, length));
    }

    // C's tile is asked for (prefetched) before its kernel runs, so that its rows arrive while the k loop runs
    // instead of stalling the loads and stores at its end. The tile's rows lie ldc floats apart, each on its
    // own cache line (and, for wide C, its own page), where no hardware prefetcher follows; once C is larger
    // than L2 they come from L3 or memory. Not below this k: a shorter loop ends before the lines arrive, and
    // the prefetches would only add to it. (The indexed form, MacroKernelIndexed, stores conv outputs, whose
    // rows lie one image plane apart, close enough that they do not miss this way.)
    private const int PrefetchCMinK = 128;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchTile(float* c, long ldc, int rows, int cols)
    {
        for (int r = 0; r < rows; r++, c += ldc)
        {
            Sse.Prefetch0(c);
            Sse.Prefetch0(c + cols - 1);
        }
    }

    // C block (mc x nc) (+)= packed A block (mc x kc) * packed B block (kc x nc), tile by tile.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MacroKernel(int mr, int mc, int nc, int kc, float* aPack, float* bPack, float* c, long ldc, bool add)
    {
        for (int jr = 0; jr < nc; jr += NR)
        {
            int nr = Math.Min(NR, nc - jr);
            float* bp = bPack + (long)jr * kc;
            for (int ir = 0; ir < mc; ir += mr)
            {
                int rows = Math.Min(mr, mc - ir);
                float* ap = aPack + (long)ir * kc;
                float* cTile = c + ir * ldc + jr;
                if (kc >= PrefetchCMinK)
                    PrefetchTile(cTile, ldc, rows, nr);
                if (rows == mr && nr == NR)
                    Tile(mr, kc, ap, bp, cTile, ldc, add, mr);
                else
                    KernelEdge(mr, kc, ap, bp, cTile, ldc, add, rows, nr);
            }
        }
    }
}
