using System.Runtime.InteropServices;
using Scratchgen.Backends.Cpu.Gemm;

namespace Scratchgen.Tests.Kernels;

// Every CpuGemm variant against a double-precision triple-loop oracle written here:
//   C (m x n) (+)= op(A) (m x k) * op(B) (k x n), op = transpose or not, row-major with leading dims.
// Views: lda/ldb/ldc are often larger than the minimum; the padding of A and B holds NaN (a kernel
// that reads outside the view poisons its result) and the padding of C a sentinel that must survive.
// Tolerance per element: 1e-5 + 2.5e-7 * k * sum_p |A[i,p] B[p,j]| (about 4 float ulps per term).
public sealed unsafe class CpuGemmTests
{
    private delegate void GemmFn(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB, float* c, int ldc, bool accumulate);

    private static readonly int[] Sizes = [1, 5, 6, 7, 15, 16, 17, 33, 64, 65, 100, 128];

    private static readonly (string Name, GemmFn Fn)[] Variants =
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
        .. KernelVariants(GemmKernel.Avx2x6x16),
        .. KernelVariants(GemmKernel.Avx512x16x16),
    ];

    // The packed paths with a micro-kernel named (the ones above run the best this CPU has): every A packing
    // (strided, indexed, prepacked) in that kernel's panel height. None where the CPU lacks the kernel's ISA.
    private static (string Name, GemmFn Fn)[] KernelVariants(GemmKernel kernel) => !CpuGemm.Supports(kernel) ? [] :
    [
        ($"V3Packed[{kernel}]", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => CpuGemm.V3Packed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, Environment.ProcessorCount, kernel)),
        ($"V3Packed-1T[{kernel}]", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => CpuGemm.V3Packed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, 1, kernel)),
        ($"IndexedABC[{kernel}]", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => Indexed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, "ABC", kernel: kernel)),
        ($"IndexedAC-1T[{kernel}]", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => Indexed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, "AC", maxThreads: 1, kernel: kernel)),
        ($"PrepackedA[{kernel}]", (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc) => PrepackedA(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, maxThreads: 0, kernel)),
    ];

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
    [Theory, MemberData(nameof(Transposes))]
    public void AllVariants_AwkwardAndRoundSizes_MatchOracle(bool transA, bool transB)
    {
        int index = 0;
        for (int im = 0; im < Sizes.Length; im++)
        {
            for (int jn = 0; jn < Sizes.Length; jn++, index++)
            {
                int k = Sizes[(im + 5 * jn) % Sizes.Length];
                int pad = index % 3 == 0 ? 0 : 1 + index % 7;
                CheckAllVariants(Sizes[im], Sizes[jn], k, transA, transB, pad, accumulate: index % 2 == 1, seed: index);
            }
        }
    }

    // Shapes that straddle the packed variant's blocks (KC, MC, NC) and both thread splits (m <= n
    // splits along n, m > n along m), in every transpose combination.
    [Theory, MemberData(nameof(Transposes))]
    public void V3Packed_BlockBoundaries_MatchOracle(bool transA, bool transB)
    {
        (int M, int N, int K)[] shapes =
        [
            (13, 40, CpuGemm.KC - 1), (13, 40, CpuGemm.KC), (13, 40, CpuGemm.KC + 1), (7, 21, 2 * CpuGemm.KC + 3),
            (CpuGemm.MC - 1, 37, 29), (CpuGemm.MC, 37, 29), (CpuGemm.MC + 1, 37, 29), (2 * CpuGemm.MC + 5, 20, CpuGemm.KC + 1),
            (5, CpuGemm.NC - 1, 9), (5, CpuGemm.NC + 1, 9), (3, 2 * CpuGemm.NC + 17, 3),
            (128, 400, 300), (301, 33, 129), (97, 333, 70),
        ];
        for (int s = 0; s < shapes.Length; s++)
        {
            (int m, int n, int k) = shapes[s];
            foreach (bool accumulate in new[] { false, true })
                foreach (var variant in Variants.Where(v => v.Name.Split('[')[0] is "V3Packed" or "IndexedB" or "IndexedAC" or "PrepackedA" or "IndexedABC"))
                    CheckVariant(variant, m, n, k, transA, transB, pad: s % 2 == 0 ? 0 : 3, accumulate, seed: 1000 + s);
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
                CheckVariant(("Sgemm", CpuGemm.Sgemm), shapes[s].M, shapes[s].N, shapes[s].K, transA, transB, pad: s % 2 == 0 ? 3 : 0, accumulate, seed: 2000 + s);
    }

    [Fact]
    public void AllVariants_KIsZero_ZeroesOrKeepsC()
    {
        foreach ((string name, GemmFn fn) in Variants)
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
    [Fact]
    public void AllVariants_2x3By3x2_KnownAnswer()
    {
        float[] a = [1, 2, 3, 4, 5, 6];
        float[] b = [7, 8, 9, 10, 11, 12];
        foreach ((string name, GemmFn fn) in Variants)
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
        using var p = new Problem(m, n, k, transA, transB, pad: 0, seed: 7);
        float[] first = p.Run(CpuGemm.V3Packed, accumulate: false);
        float[] second = p.Run(CpuGemm.V3Packed, accumulate: false);
        float[] single = p.Run((m2, n2, k2, a, lda, ta, b, ldb, tb, c, ldc, acc) =>
            CpuGemm.V3Packed(m2, n2, k2, a, lda, ta, b, ldb, tb, c, ldc, acc, maxThreads: 1), accumulate: false);
        Assert.True(first.AsSpan().SequenceEqual(second), "two runs differ");
        Assert.True(first.AsSpan().SequenceEqual(single), "one thread and all threads differ");
        // Both micro-kernels run each element's chain of FMAs in the same order (where this CPU has both).
        foreach (var kernel in new[] { GemmKernel.Avx2x6x16, GemmKernel.Avx512x16x16 }.Where(CpuGemm.Supports))
        {
            float[] withKernel = p.Run((m2, n2, k2, a, lda, ta, b, ldb, tb, c, ldc, acc) =>
                CpuGemm.V3Packed(m2, n2, k2, a, lda, ta, b, ldb, tb, c, ldc, acc, Environment.ProcessorCount, kernel), accumulate: false);
            Assert.True(first.AsSpan().SequenceEqual(withKernel), $"the {kernel} kernel differs from the default ({CpuGemm.BestKernel})");
        }
    }

    // A given by offset tables as the convolutions give dY to the weight gradient: an NCHW tensor (N, M, P)
    // read as the matrix (M, N P), A[i, (n, q)] = a[i P + n M P + q] (plus a gap between images), with P = 13
    // so that some groups of 8 consecutive columns are one run and others cross an image boundary (the 16x16
    // kernel packs the first kind with 8x8 transposes, the second one column at a time). Every float of the
    // buffer that no table names is NaN. Each kernel against a float64 oracle.
    [Theory, InlineData(37, 19, 1), InlineData(16, 40, 2), InlineData(128, 33, 2)]
    public void IndexedA_RunsBrokenAtImageBoundaries_MatchOracle(int m, int n, int threads)
    {
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
        foreach (var kernel in new[] { GemmKernel.Avx2x6x16, GemmKernel.Avx512x16x16 }.Where(CpuGemm.Supports))
        {
            var c = new float[m * n];
            fixed (float* pa = a, pb = b, pc = c)
            fixed (int* ar = aRows, ac = aCols)
                CpuGemm.SgemmIndexed(m, n, k, pa, 0, false, pb, n, false, pc, n, false, new GemmIndex(aRows: ar, aCols: ac), threads, kernel);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double want = 0, scale = 0;
                    for (int p = 0; p < k; p++)
                    {
                        double term = (double)a[aRows[i] + aCols[p]] * b[p * n + j];
                        want += term;
                        scale += Math.Abs(term);
                    }
                    Assert.True(Math.Abs(c[i * n + j] - want) <= 1e-5 + 1e-6 * k * scale, $"{kernel}: C[{i},{j}] = {c[i * n + j]}, want {want}");
                }
        }
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
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double want = 0, scale = 0;
                for (int p = 0; p < k; p++)
                {
                    double term = (double)aValues[i * k + p] * b[bRows[p] + cols[j]];
                    want += term;
                    scale += Math.Abs(term);
                }
                Assert.True(Math.Abs(c[i * n + j] - want) <= 1e-5 + 1e-6 * k * scale, $"C[{i},{j}] = {c[i * n + j]}, want {want} (column offset {cols[j]})");
            }
    }

    private static void CheckAllVariants(int m, int n, int k, bool transA, bool transB, int pad, bool accumulate, int seed)
    {
        using var p = new Problem(m, n, k, transA, transB, pad, seed);
        (double[] expected, double[] tolerance) = p.Oracle(accumulate);
        foreach ((string Name, GemmFn Fn) variant in Variants)
            p.Check(variant.Name, p.Run(variant.Fn, accumulate), expected, tolerance, accumulate);
    }

    private static void CheckVariant((string Name, GemmFn Fn) variant, int m, int n, int k, bool transA, bool transB, int pad, bool accumulate, int seed)
    {
        using var p = new Problem(m, n, k, transA, transB, pad, seed);
        (double[] expected, double[] tolerance) = p.Oracle(accumulate);
        p.Check(variant.Name, p.Run(variant.Fn, accumulate), expected, tolerance, accumulate);
    }

    // One test problem in native memory: A and B views with NaN padding, a C start value, the oracle.
    private sealed class Problem : IDisposable
    {
        private const float Sentinel = 12345f;
        private readonly int _m, _n, _k, _lda, _ldb, _ldc;
        private readonly bool _transA, _transB;
        private readonly float* _a, _b, _c0, _c;
        private readonly long _aLen, _bLen, _cLen;

        internal Problem(int m, int n, int k, bool transA, bool transB, int pad, int seed)
        {
            (_m, _n, _k, _transA, _transB) = (m, n, k, transA, transB);
            _lda = (transA ? m : k) + pad;
            _ldb = (transB ? k : n) + pad;
            _ldc = n + pad;
            _aLen = (long)(transA ? k : m) * _lda;
            _bLen = (long)(transB ? n : k) * _ldb;
            _cLen = (long)m * _ldc;
            var rng = new Random(seed);
            _a = Fill(_aLen, _lda, transA ? m : k, rng, float.NaN);
            _b = Fill(_bLen, _ldb, transB ? k : n, rng, float.NaN);
            _c0 = Fill(_cLen, _ldc, n, rng, Sentinel);
            _c = (float*)NativeMemory.Alloc((nuint)Math.Max(1, _cLen), sizeof(float));
        }

        private float A(int i, int p) => _transA ? _a[(long)p * _lda + i] : _a[(long)i * _lda + p];
        private float B(int p, int j) => _transB ? _b[(long)j * _ldb + p] : _b[(long)p * _ldb + j];

        internal (double[] Expected, double[] Tolerance) Oracle(bool accumulate)
        {
            var expected = new double[_m * _n];
            var tolerance = new double[_m * _n];
            for (int i = 0; i < _m; i++)
            {
                for (int j = 0; j < _n; j++)
                {
                    double sum = 0, abs = 0;
                    for (int p = 0; p < _k; p++)
                    {
                        double t = (double)A(i, p) * B(p, j);
                        sum += t;
                        abs += Math.Abs(t);
                    }
                    double c0 = accumulate ? _c0[(long)i * _ldc + j] : 0;
                    expected[i * _n + j] = c0 + sum;
                    tolerance[i * _n + j] = 1e-5 + 2.5e-7 * Math.Max(_k, 1) * (abs + Math.Abs(c0));
                }
            }
            return (expected, tolerance);
        }

        internal float[] Run(GemmFn fn, bool accumulate)
        {
            Buffer.MemoryCopy(_c0, _c, _cLen * sizeof(float), _cLen * sizeof(float));
            fn(_m, _n, _k, _a, _lda, _transA, _b, _ldb, _transB, _c, _ldc, accumulate);
            return new ReadOnlySpan<float>(_c, (int)_cLen).ToArray();
        }

        internal void Check(string variant, float[] got, double[] expected, double[] tolerance, bool accumulate)
        {
            string where = $"{variant} m={_m} n={_n} k={_k} transA={_transA} transB={_transB} lda={_lda} ldb={_ldb} ldc={_ldc} accumulate={accumulate}";
            for (int i = 0; i < _m; i++)
            {
                for (int j = 0; j < _ldc; j++)
                {
                    float g = got[(long)i * _ldc + j];
                    if (j >= _n)
                    {
                        if (g != Sentinel)
                            Assert.Fail($"{where}: wrote into C padding at ({i},{j}): {g}");
                        continue;
                    }
                    double e = expected[i * _n + j];
                    if (!(Math.Abs(g - e) <= tolerance[i * _n + j]))
                        Assert.Fail($"{where}: first mismatch at ({i},{j}): got {g}, expected {e} (tolerance {tolerance[i * _n + j]:G3})");
                }
            }
        }

        // rows x ld floats; the first `cols` of each row uniform in [-1, 1], the rest `padValue`.
        private static float* Fill(long length, int ld, int cols, Random rng, float padValue)
        {
            float* p = (float*)NativeMemory.Alloc((nuint)Math.Max(1, length), sizeof(float));
            for (long x = 0; x < length; x++)
                p[x] = x % ld < cols ? (float)(rng.NextDouble() * 2 - 1) : padValue;
            return p;
        }

        public void Dispose()
        {
            NativeMemory.Free(_a);
            NativeMemory.Free(_b);
            NativeMemory.Free(_c0);
            NativeMemory.Free(_c);
        }
    }
}
