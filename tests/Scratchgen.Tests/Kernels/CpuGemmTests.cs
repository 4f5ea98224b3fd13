using System.Runtime.InteropServices;
using Scratchgen.Backends.Cpu.Gemm;

namespace Scratchgen.Tests.Kernels;

// Every CpuGemm variant against a double-precision triple-loop oracle (GemmProblem):
//   C (m x n) (+)= op(A) (m x k) * op(B) (k x n), op = transpose or not, row-major with leading dims.
// Views: lda/ldb/ldc are often larger than the minimum; the padding of A and B holds NaN (a kernel
// that reads outside the view poisons its result) and the padding of C a sentinel that must survive.
// Tolerance per element: ParityCheck's sqrt(k) u sum_p |A[i,p] B[p,j]| rule (GemmTolerance), with a negative
// control on every problem: a result missing one product must fail it.
// The variants run the best micro-kernel this CPU has (GemmKernel.Auto); the same tests run each named kernel's
// packed paths too, reported as skipped where the CPU lacks its instruction set (AVX-512 on an AVX2 machine).
public sealed unsafe class CpuGemmTests
{
    private static readonly int[] Sizes = [1, 5, 6, 7, 15, 16, 17, 33, 64, 65, 100, 128];

    private static readonly (string Name, GemmProblem.GemmFn Fn)[] AutoVariants =
    [
        ("V1Naive", CpuGemm.V1Naive),
        ("V2Simd", CpuGemm.V2Simd),
        ("V3Packed", CpuGemm.V3Packed),
        ("V3Packed-1T", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => CpuGemm.V3Packed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, maxThreads: 1)),
        ("Sgemm", CpuGemm.Sgemm),
        ("IndexedB", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => Indexed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, "B")),
        ("IndexedAC", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => Indexed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, "AC")),
        ("IndexedABC-1T", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => Indexed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, "ABC", maxThreads: 1)),
        ("IndexedNaive", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => Indexed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, "ABC", naive: true)),
        ("PrepackedA", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => PrepackedA(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, maxThreads: 0)),
        ("PrepackedA-1T", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => PrepackedA(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, maxThreads: 1)),
    ];

    // The packed paths with a micro-kernel named: every A packing (strided, indexed, prepacked) in that kernel's
    // panel height.
    private static (string Name, GemmProblem.GemmFn Fn)[] KernelVariants(GemmKernel kernel) =>
    [
        ($"V3Packed[{kernel}]", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => CpuGemm.V3Packed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, Environment.ProcessorCount, kernel)),
        ($"V3Packed-1T[{kernel}]", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => CpuGemm.V3Packed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, 1, kernel)),
        ($"IndexedABC[{kernel}]", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => Indexed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, "ABC", kernel: kernel)),
        ($"IndexedAC-1T[{kernel}]", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => Indexed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, "AC", maxThreads: 1, kernel: kernel)),
        ($"PrepackedA[{kernel}]", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => PrepackedA(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, maxThreads: 0, kernel)),
    ];

    // The variants a case named by `kernel` runs ("Auto": the default variants), after skipping, with the
    // reason, a kernel this CPU cannot run.
    private static (string Name, GemmProblem.GemmFn Fn)[] VariantsOn(string kernel)
    {
        var named = Supported(kernel);
        return named == GemmKernel.Auto ? AutoVariants : KernelVariants(named);
    }

    // The kernel named, after skipping the case, with the reason, where this CPU cannot run it.
    private static GemmKernel Supported(string kernel)
    {
        var named = Enum.Parse<GemmKernel>(kernel);
        Skip.IfNot(CpuGemm.Supports(named), $"this CPU lacks the instruction set of the {named} micro-kernel (AVX-512F): it is tested where the CPU has it");
        return named;
    }

    public static TheoryData<string> Kernels => new() { nameof(GemmKernel.Auto), nameof(GemmKernel.Avx2x6x16), nameof(GemmKernel.Avx512x16x16) };

    public static TheoryData<string, bool, bool> KernelsAndTransposes()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (string kernel in Kernels)
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    data.Add(kernel, transA, transB);
        return data;
    }

    // A packed whole first (CpuGemm.PackWholeA), then the indexed GEMM told so (GemmIndex.APacked): it must
    // find every block of A where PackWholeA put it, for every shape, transpose and block boundary.
    private static void PrepackedA(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB, float* c, int ldc, bool accumulate, int maxThreads,
        GemmKernel kernel = GemmKernel.Auto)
    {
        long size = Math.Max(1, CpuGemm.PackedASize(Math.Max(m, 0), Math.Max(k, 0), kernel));
        float* packed = (float*)NativeMemory.AlignedAlloc((nuint)(size * sizeof(float)), 64);
        try
        {
            if (m > 0 && n > 0 && k > 0) CpuGemm.PackWholeA(m, k, a, lda, transA, packed, kernel); // (the tests pass no A when C is empty)
            CpuGemm.SgemmIndexed(m, n, k, null, 0, false, b, ldb, transB, c, ldc, accumulate, new GemmIndex(aPacked: packed), maxThreads, kernel);
        }
        finally
        {
            NativeMemory.AlignedFree(packed);
        }
    }

    // The strided operands named in `which` given as offset tables instead, X[i, j] = x[rows[i] + cols[j]],
    // so the indexed GEMM meets every shape and transpose above (the convolution tables themselves are
    // tested in CpuConvGemmTests).
    private static void Indexed(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB, float* c, int ldc, bool accumulate,
        string which, int maxThreads = 0, bool naive = false, GemmKernel kernel = GemmKernel.Auto)
    {
        int[] Steps(int count, int step) => Enumerable.Range(0, count).Select(i => i * step).ToArray();
        int[] aRows = transA ? Steps(m, 1) : Steps(m, lda), aCols = transA ? Steps(k, lda) : Steps(k, 1);
        int[] bRows = transB ? Steps(k, 1) : Steps(k, ldb), bCols = transB ? Steps(n, ldb) : Steps(n, 1);
        int[] cRows = Steps(m, ldc), cCols = Steps(n, 1);
        fixed (int* ar = aRows, ac = aCols, br = bRows, bc = bCols, cr = cRows, cc = cCols)
        {
            var index = new GemmIndex(which.Contains('A') ? ar : null, which.Contains('A') ? ac : null, which.Contains('B') ? br : null,
                which.Contains('B') ? bc : null, which.Contains('C') ? cr : null, which.Contains('C') ? cc : null);
            if (naive) CpuGemm.IndexedNaive(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate, index);
            else CpuGemm.SgemmIndexed(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate, index, maxThreads, kernel);
        }
    }

    public static TheoryData<bool, bool> Transposes => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    // 144 (m, n) pairs from Sizes x Sizes, k rotating through Sizes, padding and accumulate alternating.
    [SkippableTheory, MemberData(nameof(KernelsAndTransposes))]
    public void AllVariants_AwkwardAndRoundSizes_MatchOracle(string kernel, bool transA, bool transB)
    {
        var variants = VariantsOn(kernel);
        int index = 0;
        for (int im = 0; im < Sizes.Length; im++)
        {
            for (int jn = 0; jn < Sizes.Length; jn++, index++)
            {
                int k = Sizes[(im + 5 * jn) % Sizes.Length];
                int pad = index % 3 == 0 ? 0 : 1 + index % 7;
                CheckVariants(variants, Sizes[im], Sizes[jn], k, transA, transB, pad, accumulate: index % 2 == 1, seed: index);
            }
        }
    }

    // Shapes that straddle the packed variant's blocks (KC, MC, NC) and both thread splits (m <= n
    // splits along n, m > n along m), in every transpose combination.
    [SkippableTheory, MemberData(nameof(KernelsAndTransposes))]
    public void V3Packed_BlockBoundaries_MatchOracle(string kernel, bool transA, bool transB)
    {
        var variants = VariantsOn(kernel).Where(v => v.Name.Split('[')[0] is "V3Packed" or "IndexedB" or "IndexedAC" or "PrepackedA" or "IndexedABC").ToArray();
        (int M, int N, int K)[] shapes =
        [
            (13, 40, CpuGemm.KC - 1), (13, 40, CpuGemm.KC), (13, 40, CpuGemm.KC + 1), (7, 21, 2 * CpuGemm.KC + 3),
            (CpuGemm.MC - 1, 37, 29), (CpuGemm.MC, 37, 29), (CpuGemm.MC + 1, 37, 29), (2 * CpuGemm.MC + 5, 20, CpuGemm.KC + 1),
            (5, CpuGemm.NC - 1, 9), (5, CpuGemm.NC + 1, 9), (3, 2 * CpuGemm.NC + 17, 3),
            (128, 400, 300), (301, 33, 129), (97, 333, 70),
            // A packed whole (6-row panels: 66 rows) just under and just over what one half of the shared pack buffer
            // holds (a packed B block): the column chunks with A there, and in the buffer grown for a larger A.
            (64, 64, (CpuGemm.NC + CpuGemm.NR) * CpuGemm.KC / 66), (64, 64, (CpuGemm.NC + CpuGemm.NR) * CpuGemm.KC / 66 + 1),
        ];
        for (int s = 0; s < shapes.Length; s++)
            foreach (bool accumulate in new[] { false, true })
                CheckVariants(variants, shapes[s].M, shapes[s].N, shapes[s].K, transA, transB, pad: s % 2 == 0 ? 0 : 3, accumulate, seed: 1000 + s);
    }

    // The column-chunk schedule packs A by claims: where a group of panels that another thread claimed is not
    // packed in time (the host took that thread off its core), the thread that needs the block packs all of it
    // into its own buffer, and never writes the claimed group in the shared copy (a packing store spills, for a
    // moment, into later rows of its panel). Here every other group of every block is claimed by nobody that will
    // pack it and the shared buffer starts as NaN: the result must still be V3Packed's on one thread, bit for
    // bit (and within the oracle's tolerance), and the stranded groups must still hold NaN.
    [Fact]
    public void ColumnChunks_GroupsClaimedAndNeverPacked_AreNotWaitedFor_NorWrittenByOthers()
    {
        int m = CpuGemm.MC + 50, n = 70, k = CpuGemm.KC + 9;
        using var problem = new GemmProblem(m, n, k, transA: false, transB: false, pad: 3, accumulate: false, seed: 5);
        float[] expected = problem.Run((m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => CpuGemm.V3Packed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, maxThreads: 1));
        long packed = CpuGemm.PackedASize(m, k) + 64;
        float* aWhole = (float*)NativeMemory.AlignedAlloc((nuint)(packed * sizeof(float)), 64);
        try
        {
            new Span<float>(aWhole, (int)packed).Fill(float.NaN);
            var stranded = new List<(int Block, int Row0, int Rows, int Kc, long Start)>();
            float[] got = problem.Run((m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) =>
            {
                var job = new CpuGemm.GemmJob(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc);
                var claims = new CpuGemm.ColumnChunkClaims(m, k, job.MR);
                int groupRows = CpuGemm.GemmJob.ClaimPanels * job.MR, block = 0;
                for (int pc0 = 0; pc0 < k; pc0 += CpuGemm.KC)
                    for (int ic = 0; ic < m; ic += CpuGemm.MC, block++)
                    {
                        int kc = Math.Min(CpuGemm.KC, k - pc0), mc = Math.Min(CpuGemm.MC, m - ic);
                        long start = (long)pc0 * ((m + job.MR - 1) / job.MR * job.MR) + (long)ic * kc;
                        for (int g = 0; g * groupRows < mc; g += 2)
                        {
                            Assert.True(claims.TryClaim(block, g));
                            stranded.Add((block, g * groupRows, Math.Min(groupRows, mc - g * groupRows), kc, start));
                        }
                    }
                job.RunColumnChunks(1, aWhole, claims);
            });
            Assert.True(stranded.Count >= 4);
            foreach (var (blk, row0, rows, kc, start) in stranded)
                for (long i = start + (long)row0 * kc; i < start + (long)(row0 + rows) * kc; i++)
                    Assert.True(float.IsNaN(aWhole[i]), $"block {blk}: a stranded group (rows {row0}..) was written in the shared copy at float {i}");
            problem.Check("ColumnChunks with stranded claims", got);
            Assert.True(expected.SequenceEqual(got), "the column chunks with stranded claims differ from V3Packed on one thread");
        }
        finally
        {
            NativeMemory.AlignedFree(aWhole);
        }
    }

    // The fixed halves of an n split (RunSplitN), which V3Packed takes only for an A over 64 MB: two threads pack
    // each A block cooperatively and meet at a barrier per block. Run here directly on two threads, across
    // several A blocks and k-blocks, it must give V3Packed's one-thread result bit for bit (and within the
    // oracle's tolerance).
    [Fact]
    public void RunSplitN_TwoThreadsPackingATogether_MatchOneThreadBitForBit()
    {
        int m = 2 * CpuGemm.MC + 7, n = 3 * CpuGemm.NR * 5 + 3, k = CpuGemm.KC + 29;
        using var problem = new GemmProblem(m, n, k, transA: false, transB: false, pad: 3, accumulate: false, seed: 9);
        float[] expected = problem.Run((m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => CpuGemm.V3Packed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, maxThreads: 1));
        long blockFloats = (long)CpuGemm.MC * CpuGemm.KC + 64;
        float* a0 = (float*)NativeMemory.AlignedAlloc((nuint)(blockFloats * sizeof(float)), 64);
        float* a1 = (float*)NativeMemory.AlignedAlloc((nuint)(blockFloats * sizeof(float)), 64);
        try
        {
            nint s0 = (nint)a0, s1 = (nint)a1;
            float[] got = problem.Run((m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) =>
            {
                var job = new CpuGemm.GemmJob(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc);
                var barrier = new CpuGemm.SpinBarrier(2);
                var other = new Thread(() => job.RunSplitN(1, 2, (float*)s0, (float*)s1, barrier));
                other.Start();
                job.RunSplitN(0, 2, (float*)s0, (float*)s1, barrier);
                other.Join();
            });
            problem.Check("RunSplitN on two threads", got);
            Assert.True(expected.SequenceEqual(got), "RunSplitN on two threads differs from V3Packed on one");
        }
        finally
        {
            NativeMemory.AlignedFree(a0);
            NativeMemory.AlignedFree(a1);
        }
    }

    // Sgemm's matrix-vector and outer-product paths (m, n or k = 1) at sizes that split over the cores
    // (the DCGAN's 6272 -> 1 linear layer and its gradients) and awkward ones, every transpose, padded
    // views, with and without accumulate.
    [Theory, MemberData(nameof(Transposes))]
    public void Sgemm_VectorShapes_MatchOracle(bool transA, bool transB)
    {
        (int M, int N, int K)[] shapes = [(128, 1, 6272), (1, 6272, 128), (128, 6272, 1), (3001, 1, 37), (1, 3001, 37), (33, 1, 1), (1, 1, 4099), (1, 7, 1)];
        for (int s = 0; s < shapes.Length; s++)
            foreach (bool accumulate in new[] { false, true })
                CheckVariants([("Sgemm", CpuGemm.Sgemm)], shapes[s].M, shapes[s].N, shapes[s].K, transA, transB, pad: s % 2 == 0 ? 3 : 0, accumulate, seed: 2000 + s);
    }

    [SkippableTheory, MemberData(nameof(Kernels))]
    public void AllVariants_KIsZero_ZeroesOrKeepsC(string kernel)
    {
        foreach ((string name, GemmProblem.GemmFn fn) in VariantsOn(kernel))
        {
            foreach (bool accumulate in new[] { false, true })
            {
                float[] c = [1, 2, 3, 4, 5, 6, 99];
                fixed (float* pc = c)
                    fn(2, 3, 0, null, 1, false, null, 3, false, pc, 3, accumulate);
                float[] expected = accumulate ? [1, 2, 3, 4, 5, 6, 99] : [0, 0, 0, 0, 0, 0, 99];
                Assert.True(expected.SequenceEqual(c), $"{name} accumulate={accumulate}: got [{string.Join(", ", c)}]");

                fixed (float* pc = c)
                {
                    fn(0, 3, 4, null, 4, false, null, 3, false, pc, 3, accumulate); // m == 0: no writes
                    fn(2, 0, 4, null, 4, false, null, 1, false, pc, 1, accumulate); // n == 0: no writes
                }
                Assert.True(expected.SequenceEqual(c), $"{name} m or n == 0 wrote into C");
            }
        }
    }

    // [1 2 3; 4 5 6] * [7 8; 9 10; 11 12] = [58 64; 139 154]; with accumulate onto ones: +1.
    [SkippableTheory, MemberData(nameof(Kernels))]
    public void AllVariants_2x3By3x2_KnownAnswer(string kernel)
    {
        float[] a = [1, 2, 3, 4, 5, 6];
        float[] b = [7, 8, 9, 10, 11, 12];
        foreach ((string name, GemmProblem.GemmFn fn) in VariantsOn(kernel))
        {
            float[] c = [1, 1, 1, 1];
            fixed (float* pa = a, pb = b, pc = c)
                fn(2, 2, 3, pa, 3, false, pb, 2, false, pc, 2, accumulate: false);
            Assert.True(new float[] { 58, 64, 139, 154 }.SequenceEqual(c), $"{name}: [{string.Join(", ", c)}]");

            c = [1, 1, 1, 1];
            fixed (float* pa = a, pb = b, pc = c)
                fn(2, 2, 3, pa, 3, false, pb, 2, false, pc, 2, accumulate: true);
            Assert.True(new float[] { 59, 65, 140, 155 }.SequenceEqual(c), $"{name} accumulate: [{string.Join(", ", c)}]");
        }
    }

    // Same inputs twice, and one thread versus all threads: bit-identical, since every element is
    // summed in the same order whatever the partition.
    [Theory, InlineData(300, 200, 500, false, false), InlineData(128, 784, 400, false, true), InlineData(784, 400, 128, true, false)]
    public void V3Packed_RepeatedAndSingleThreaded_BitIdentical(int m, int n, int k, bool transA, bool transB)
    {
        using var p = new GemmProblem(m, n, k, transA, transB, pad: 0, accumulate: false, seed: 7);
        float[] first = p.Run(CpuGemm.V3Packed);
        float[] second = p.Run(CpuGemm.V3Packed);
        float[] single = p.Run((m2, n2, k2, a, lda, ta, b, ldb, tb, c, ldc, acc) =>
            CpuGemm.V3Packed(m2, n2, k2, a, lda, ta, b, ldb, tb, c, ldc, acc, maxThreads: 1));
        p.Check("V3Packed", first);
        Assert.True(first.AsSpan().SequenceEqual(second), "two runs differ");
        Assert.True(first.AsSpan().SequenceEqual(single), "one thread and all threads differ");
    }

    // Both micro-kernels run each element's chain of FMAs in the same order, so a named kernel gives the
    // default's bits.
    [SkippableTheory, InlineData("Avx2x6x16"), InlineData("Avx512x16x16")]
    public void NamedKernel_IsBitIdenticalToTheDefault(string kernel)
    {
        var named = Supported(kernel);
        using var p = new GemmProblem(300, 200, 500, transA: false, transB: true, pad: 0, accumulate: false, seed: 7);
        float[] withDefault = p.Run(CpuGemm.V3Packed);
        float[] withKernel = p.Run((m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) =>
            CpuGemm.V3Packed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, Environment.ProcessorCount, named));
        p.Check($"V3Packed[{kernel}]", withKernel);
        Assert.True(withDefault.AsSpan().SequenceEqual(withKernel), $"the {kernel} kernel differs from the default ({CpuGemm.BestKernel})");
    }

    // A last panel of 1-5 live rows (m = 6 + rows) runs the AVX2 kernel on 2, 4 or 6 of its rows; the same
    // rows of A inside a 12-row GEMM, where every panel is full, run it on all 6. Each element is the same
    // chain of FMAs either way, so the rows agree bit for bit (a remainder kernel that multiplied and added
    // separately, or summed p in another order, would pass the oracle's tolerance but not this).
    [SkippableTheory, InlineData(1, 1), InlineData(2, 1), InlineData(3, 2), InlineData(4, 2), InlineData(5, 1)]
    public void Avx2EdgePanels_MatchTheSameRowsInFullPanels_BitForBit(int rows, int threads)
    {
        var kernel = Supported(nameof(GemmKernel.Avx2x6x16));
        const int n = 37, k = 400; // k crosses KC, n leaves a ragged column tile too
        var rng = new Random(rows);
        float[] a = Enumerable.Range(0, 12 * k).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] full = new float[12 * n], edge = new float[(6 + rows) * n];
        fixed (float* pa = a, pb = b, pFull = full, pEdge = edge)
        {
            CpuGemm.V3Packed(12, n, k, pa, k, false, pb, n, false, pFull, n, false, threads, kernel);
            CpuGemm.V3Packed(6 + rows, n, k, pa, k, false, pb, n, false, pEdge, n, false, threads, kernel);
        }
        for (int i = 0; i < edge.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(edge[i]) == BitConverter.SingleToInt32Bits(full[i]),
                $"C[{i / n}, {i % n}]: {edge[i]:R} with a {rows}-row last panel, {full[i]:R} in full panels");
    }

    public static TheoryData<string, int, int, int> NamedKernelsAndShapesOfA()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (string kernel in new[] { "Avx2x6x16", "Avx512x16x16" })
            foreach ((int m, int n, int threads) in new[] { (37, 19, 1), (16, 40, 2), (128, 33, 2) })
                data.Add(kernel, m, n, threads);
        return data;
    }

    // A given by offset tables as the convolutions give dY to the weight gradient: an NCHW tensor (N, M, P)
    // read as the matrix (M, N P), A[i, (n, q)] = a[i P + n M P + q] (plus a gap between images), with P = 13
    // so that some groups of 8 consecutive columns are one run and others cross an image boundary (the 16x16
    // kernel packs the first kind with 8x8 transposes, the second one column at a time). Every float of the
    // buffer that no table names is NaN. Each kernel against a float64 oracle.
    [SkippableTheory, MemberData(nameof(NamedKernelsAndShapesOfA))]
    public void IndexedA_RunsBrokenAtImageBoundaries_MatchOracle(string kernel, int m, int n, int threads)
    {
        var named = Supported(kernel);
        const int images = 7, positions = 13, k = images * positions;
        var rng = new Random(9);
        int gap = 3; // NaN floats between images
        int imageStride = m * positions + gap;
        var aRows = Enumerable.Range(0, m).Select(i => i * positions).ToArray();
        var aCols = Enumerable.Range(0, k).Select(j => j / positions * imageStride + j % positions).ToArray();
        float[] a = new float[images * imageStride];
        Array.Fill(a, float.NaN);
        foreach (int row in aRows)
            foreach (int col in aCols)
                a[row + col] = (float)(rng.NextDouble() - 0.5);
        var b = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var c = new float[m * n];
        fixed (float* pa = a, pb = b, pc = c)
        fixed (int* ar = aRows, ac = aCols)
            CpuGemm.SgemmIndexed(m, n, k, pa, 0, false, pb, n, false, pc, n, false, new GemmIndex(aRows: ar, aCols: ac), threads, named);
        double[] Terms(int i, int j) => Enumerable.Range(0, k).Select(p => (double)a[aRows[i] + aCols[p]] * b[p * n + j]).ToArray();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                GemmTolerance.AssertElement(c[i * n + j], Terms(i, j), $"{kernel}: C[{i},{j}]");
        GemmTolerance.AssertSeesADroppedProduct(Terms(m - 1, n - 1), $"{kernel}: C[{m - 1},{n - 1}]");
    }

    // The indexed B packing reads a half panel (8 columns) whose offsets all lie within 16 floats by two
    // masked loads and a permute. Here the 8 offsets of a half are shuffled and may repeat; some halves
    // span exactly 16 floats, some 9, some fall back to gathers, and the last half ends at the last float
    // of the buffer. Every float of B that no column names is NaN, so a lane taken from the wrong place
    // of the window (or from the wrong half) shows.
    // Where two such halves together lie within 32 floats, AVX-512 reads the whole panel by one window
    // (WindowPanel); with n = 80 the last full panel is such a window and ends at the buffer's last float.
    [Theory, InlineData(13, 1, 16 * 5 + 7), InlineData(6, 2, 16 * 5 + 7), InlineData(1, 1, 16 * 5 + 7), InlineData(5, 1, 16 * 5)]
    public void IndexedB_CompactColumnOffsets_MatchOracle(int m, int threads, int n)
    {
        const int k = 37, rowStride = 40 * 16;
        var rng = new Random(5);
        var cols = new int[n];
        for (int h = 0, next = 0; h * 8 < n; h++)
        {
            int span = (h % 4) switch { 0 => 16, 1 => 9, 2 => 40, _ => 12 }; // 40: too wide, gathered
            int live = Math.Min(8, n - h * 8);
            for (int j = 0; j < live; j++) cols[h * 8 + j] = next + (j == 0 ? 0 : j == 1 ? span - 1 : rng.Next(span));
            next += span;
        }
        int width = cols.Max() + 1;
        long length = (long)(k - 1) * rowStride + width; // the last column of the last row is the buffer's last float
        var bRows = Enumerable.Range(0, k).Select(p => p * rowStride).ToArray();
        float[] b = new float[length];
        Array.Fill(b, float.NaN);
        var aValues = Enumerable.Range(0, m * k).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        foreach (int row in bRows)
            foreach (int col in cols)
                b[row + col] = (float)(rng.NextDouble() - 0.5);
        var c = new float[m * n];
        fixed (float* pa = aValues, pc = c)
        fixed (int* br = bRows, bc = cols)
        {
            float* pb = (float*)NativeMemory.Alloc((nuint)(length * sizeof(float)));
            try
            {
                b.AsSpan().CopyTo(new Span<float>(pb, (int)length));
                CpuGemm.SgemmIndexed(m, n, k, pa, k, false, pb, 0, false, pc, n, false, new GemmIndex(bRows: br, bCols: bc), maxThreads: threads);
            }
            finally
            {
                NativeMemory.Free(pb);
            }
        }
        double[] Terms(int i, int j) => Enumerable.Range(0, k).Select(p => (double)aValues[i * k + p] * b[bRows[p] + cols[j]]).ToArray();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                GemmTolerance.AssertElement(c[i * n + j], Terms(i, j), $"C[{i},{j}] (column offset {cols[j]})");
        GemmTolerance.AssertSeesADroppedProduct(Terms(m - 1, n - 1), $"C[{m - 1},{n - 1}]");
    }

    // Every variant on one problem, after the check's own controls on it (GemmProblem.CheckSeesADroppedProduct).
    private static void CheckVariants((string Name, GemmProblem.GemmFn Fn)[] variants, int m, int n, int k, bool transA, bool transB, int pad, bool accumulate, int seed)
    {
        using var p = new GemmProblem(m, n, k, transA, transB, pad, accumulate, seed);
        p.CheckSeesADroppedProduct();
        foreach (var (name, fn) in variants)
            p.Check(name, p.Run(fn));
    }
}
