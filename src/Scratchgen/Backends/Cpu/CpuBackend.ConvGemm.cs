using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Scratchgen.Backends.Cpu.Gemm;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

// The three convolution GEMMs with their operands as indexed matrices of the packed GEMM
// (Gemm/CpuGemm.Indexed.cs), so that neither an im2col matrix nor a channels-first copy is ever written:
//   x: (N, C, H, W) copied once into xp: (N, C, Hp, Wp) with its zero padding (Hp = H + 2 Padding), so
//   every tap of every output lies inside xp and
//     im2col(x)[(c R + r) S + s, (n OH + oh) OW + ow] = xp[tap[(c, r, s)] + pos[(n, oh, ow)]]
//     tap[(c, r, s)]    = (c Hp + r Dilation) Wp + s Dilation
//     pos[(n, oh, ow)]  = n C Hp Wp + oh Stride Wp + ow Stride
//   an NCHW tensor t: (N, K, OH, OW) as the matrix T (K, N OH OW):
//     T[k, (n, p)] = t[k P + (n K P + p)]     rows k P, columns n K P + p   (P = OH OW)
//   forward          y (as Y^T) (+)= W (K, C R S) @ im2col(x)          one GEMM over the batch; a strided
//                    conv with a deep patch reads a phase-split copy of xp (PaddedImage)
//   weight gradient  dW (+)= dY^T @ im2col(x)^T                         one GEMM over the batch
//   input gradient   y += col2im(W^T @ X^T)                             each core its own images, in chunks
//                    whose columns fit its L2: a one-thread GEMM into its scratch (W^T packed once per
//                    call), then col2im of that scratch while it is in cache
// Without padding (and without a phase split) xp is x itself. The padded copy is rented from the shared
// array pool and every element of it is written (interior copied, border zeroed), so no zero-fill pass
// precedes it. kernels-docs/conv2d.md has the variants and their measurements (V5-V7).
internal sealed partial class CpuBackend : IConvGemm
{
    public void Im2ColMatMul(Tensor w, Tensor x, Tensor y, ConvGeometry g, bool accumulate) =>
        Im2ColMatMul(w, x, y, g, accumulate, splitPhases: g.Stride > 1 && g.PatchSize >= SplitPhasesMinPatch);

    // The phase split pays where packing B is a real part of the GEMM: a deep patch (the DCGAN's 64->128,
    // C R S = 1024). With a shallow one (1->64, C R S = 16) the GEMM is bound by writing its output and the
    // split copy costs more than it saves (ConvLayoutBench compares the two layouts).
    private const int SplitPhasesMinPatch = 64;

    // splitPhases: false reads the strided taps from the plain padded image, by AVX2 gathers (the layout
    // before the phase split; kept for bench/Scratchgen.Bench/ConvLayoutBench.cs).
    internal unsafe void Im2ColMatMul(Tensor w, Tensor x, Tensor y, ConvGeometry g, bool accumulate, bool splitPhases)
    {
        RequireContiguous("im2col_matmul", w, x, y);
        using var image = PaddedImage.Of(x, g, splitPhases);
        var (rows, cols) = ChannelsFirstTables(g.N, g.K, g.Positions);
        fixed (float* pw = Data(w), py = Data(y), pb = image.Data)
        fixed (int* taps = image.Taps, positions = image.Positions, yRows = rows, yCols = cols)
            CpuGemm.SgemmIndexed(g.K, g.Columns, g.PatchSize, pw + w.Offset, g.PatchSize, false, pb + image.Offset, 0, false,
                py + y.Offset, 0, accumulate, new GemmIndex(bRows: taps, bCols: positions, cRows: yRows, cCols: yCols));
    }

    public unsafe void MatMulIm2ColT(Tensor dy, Tensor x, Tensor dw, ConvGeometry g, bool accumulate)
    {
        RequireContiguous("matmul_im2col_t", dy, x, dw);
        using var image = PaddedImage.Of(x, g);
        var (rows, cols) = ChannelsFirstTables(g.N, g.K, g.Positions);
        fixed (float* pa = Data(dy), pc = Data(dw), pb = image.Data)
        fixed (int* taps = image.Taps, positions = image.Positions, dyRows = rows, dyCols = cols)
            CpuGemm.SgemmIndexed(g.K, g.PatchSize, g.Columns, pa + dy.Offset, 0, false, pb + image.Offset, 0, false,
                pc + dw.Offset, g.PatchSize, accumulate, new GemmIndex(aRows: dyRows, aCols: dyCols, bRows: positions, bCols: taps));
    }

    public void Col2ImMatMul(Tensor w, Tensor x, Tensor y, ConvGeometry g) => Col2ImMatMul(w, x, y, g, imagesPerCore: true);

    // imagesPerCore: each core takes its own run of images and works through them alone, in chunks whose
    // columns fit its L2 (PerCoreScratchFloats): a one-thread GEMM into its own scratch, then col2im of
    // that scratch while it is still in cache. No barriers, no scratch shared between cores, and the
    // images a core reads are mostly the ones it wrote in the elementwise op before (both cut the batch in
    // halves; a core done with its half takes the other's last chunks, CpuParallel.ForBalanced).
    // false: the batch in 8 MB chunks, each GEMM over both cores, then a col2im over both cores (the layout
    // before; kept for bench/Scratchgen.Bench/ConvLayoutBench.cs).
    internal unsafe void Col2ImMatMul(Tensor w, Tensor x, Tensor y, ConvGeometry g, bool imagesPerCore)
    {
        RequireContiguous("col2im_matmul", w, x, y);
        int p = g.Positions;
        if (!imagesPerCore)
        {
            Col2ImMatMulChunks(w, x, y, g, 0, g.N, Math.Clamp(Col2ImScratchFloats / Math.Max(1, g.PatchSize * p), 1, g.N), maxThreads: 0);
            return;
        }
        // As many chunks as fit the scratch, rounded up to a multiple of the cores so they share evenly.
        int most = Math.Clamp(PerCoreScratchFloats / Math.Max(1, g.PatchSize * p), 1, g.N);
        int chunks = Math.Min(g.N, ((g.N + most - 1) / most + CpuParallel.Threads - 1) / CpuParallel.Threads * CpuParallel.Threads);
        int chunk = (g.N + chunks - 1) / chunks;
        chunks = (g.N + chunk - 1) / chunk;
        // Every chunk multiplies the same Wᵀ: packed once here instead of once per chunk (at 5 images a
        // chunk, repacking it showed in a DCGAN step's profile: the conv2d log in kernels-docs/log/, V6).
        float[] packedW = ArrayPool<float>.Shared.Rent((int)CpuGemm.PackedASize(g.PatchSize, g.K));
        try
        {
            fixed (float* pw = Data(w), pp = packedW)
                CpuGemm.PackWholeA(g.PatchSize, g.K, pw + w.Offset, g.PatchSize, true, pp);
            var tables = ChannelsFirstTables(chunk, g.K, p);
            CpuParallel.ForBalanced(chunks, (long)g.PatchSize * chunk * p * g.K, (c0, c1) =>
                Col2ImMatMulChunks(w, x, y, g, c0 * chunk, Math.Min(g.N, c1 * chunk), chunk, maxThreads: 1, packedW, tables), grain: 1);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packedW);
        }
    }

    // Images [n0, n1) of y += col2im(W^T @ X^T), `chunk` images per GEMM (maxThreads 0: all cores);
    // packedW: W^T already packed by CpuGemm.PackWholeA, or null; tables: ChannelsFirstTables(chunk, K, P), or null.
    private unsafe void Col2ImMatMulChunks(Tensor w, Tensor x, Tensor y, ConvGeometry g, int n0, int n1, int chunk, int maxThreads, float[]? packedW = null,
        (int[] Rows, int[] Cols)? tables = null)
    {
        int p = g.Positions;
        var (rows, cols) = tables ?? ChannelsFirstTables(chunk, g.K, p); // relative to the chunk's first image
        float[] scratch = ArrayPool<float>.Shared.Rent(g.PatchSize * chunk * p);
        try
        {
            var scratchStorage = new HostStorage(this, scratch);
            for (int first = n0; first < n1; first += chunk)
            {
                int count = Math.Min(chunk, n1 - first);
                fixed (float* pw = Data(w), px = Data(x), pc = scratch, pp = packedW)
                fixed (int* xRows = rows, xCols = cols)
                    CpuGemm.SgemmIndexed(g.PatchSize, count * p, g.K, pw + w.Offset, g.PatchSize, true, px + x.Offset + (long)first * g.K * p, 0, false,
                        pc, count * p, false, new GemmIndex(bRows: xRows, bCols: xCols, aPacked: pp), maxThreads);
                var part = new Tensor(scratchStorage, [g.PatchSize, count * p]);
                int per = g.C * g.H * g.W;
                var images = new Tensor(y.Storage, [count, g.C, g.H, g.W], Shapes.ContiguousStrides([count, g.C, g.H, g.W]), y.Offset + first * per);
                Col2Im(part, images, g with { N = count }); // inside a CpuParallel part this runs on the part's own thread
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    // Columns per chunk of the per-core Col2ImMatMul: 1 MB of float32 (5 images for the DCGAN's 64->128 layer),
    // the L2 of one core; 512 KB and 2 MB were timed against it on that layer's dx
    // (the conv2d log in kernels-docs/log/, V6).
    private const int PerCoreScratchFloats = 1 << 18;

    // Columns per chunk of Col2ImMatMul: 8 MB of float32 (41 images for the DCGAN's 64->128 layer): fewer,
    // wider GEMMs win over a chunk that fits L2 (chunks of 5 to 64 images timed on that layer's dx:
    // the conv2d log in kernels-docs/log/, V5).
    private const int Col2ImScratchFloats = 1 << 21;

    // An NCHW tensor (n, k, p) as the matrix (k, n p): rows[k] = k p, cols[(n, q)] = n k p + q.
    private static (int[] Rows, int[] Cols) ChannelsFirstTables(int n, int k, int p)
    {
        var rows = new int[k];
        for (int i = 0; i < k; i++) rows[i] = i * p;
        var cols = new int[n * p];
        for (int image = 0, j = 0; image < n; image++)
            for (int q = 0; q < p; q++) cols[j++] = image * k * p + q;
        return (rows, cols);
    }

    // x with its zero border (or x itself when Padding is 0 and no phase split is asked for) and the
    // two offset tables into it. With splitPhases and Stride S > 1, each padded plane (Hp, Wp) is stored
    // as its S x S phases, plane (c) -> (c, a, b, Hq, Wq) with Hq = ceil(Hp / S), Wq = ceil(Wp / S):
    //   xq[n, c, a, b, i, j] = xp[n, c, i S + a, j S + b]
    // so that tap (c, r, s) is the phase (r D mod S, s D mod S) shifted by (r D div S, s D div S), and the
    // output positions (oh, ow) are consecutive offsets oh Wq + ow inside a phase: the 16 columns of a
    // forward GEMM panel then lie within a few floats of each other instead of S apart, and PackBIndexed
    // fills them with two loads and a permute instead of two gathers (kernels-docs/conv2d.md).
    // S = 1 is the plain padded layout (Hq = Hp, Wq = Wp).
    private sealed class PaddedImage : IDisposable
    {
        private bool _rented;

        public float[] Data { get; private init; } = [];
        public int Offset { get; private init; }
        public int[] Taps { get; private init; } = [];
        public int[] Positions { get; private init; } = [];

        public static unsafe PaddedImage Of(Tensor x, ConvGeometry g, bool splitPhases = false)
        {
            int ph = splitPhases ? g.Stride : 1; // phases per axis
            int hp = g.H + 2 * g.Padding, wp = g.W + 2 * g.Padding;
            int hq = (hp + ph - 1) / ph, wq = (wp + ph - 1) / ph, phase = hq * wq, plane = ph * ph * phase;
            var taps = new int[g.PatchSize];
            for (int c = 0; c < g.C; c++)
                for (int r = 0; r < g.R; r++)
                    for (int s = 0; s < g.S; s++)
                    {
                        int dr = r * g.Dilation, ds = s * g.Dilation;
                        taps[(c * g.R + r) * g.S + s] = c * plane + (dr % ph * ph + ds % ph) * phase + dr / ph * wq + ds / ph;
                    }
            int step = g.Stride / ph; // along a phase's rows and columns
            var positions = new int[g.Columns];
            for (int n = 0, j = 0; n < g.N; n++)
                for (int oh = 0; oh < g.OH; oh++)
                    for (int ow = 0; ow < g.OW; ow++)
                        positions[j++] = n * g.C * plane + oh * step * wq + ow * step;
            if (g.Padding == 0 && ph == 1)
                return new PaddedImage { Data = CpuBackend.Data(x), Offset = x.Offset, Taps = taps, Positions = positions };

            // PackBIndexed's window loads address floats past the last element a panel uses (up to 15 for a
            // half panel, 31 for a whole one); they are masked off and never read, and the 16 floats of slack
            // keep the half-panel windows inside the array all the same.
            float[] xs = CpuBackend.Data(x), xp = ArrayPool<float>.Shared.Rent(g.N * g.C * plane + 16);
            int xOffset = x.Offset, pad = g.Padding;
            bool byRows = ph > 1 && PermutePlaneFits(g, wq);
            int[] sourceOf = ph == 1 || byRows ? [] : PhaseSources(g, ph, hq, wq);
            CpuParallel.ForBalanced(g.N * g.C, plane, (p0, p1) =>
            {
                for (int index = p0; index < p1; index++)
                {
                    var dst = xp.AsSpan(index * plane, plane);
                    var src = xs.AsSpan(xOffset + index * g.H * g.W, g.H * g.W);
                    if (ph == 1)
                    {
                        dst[..(pad * wp)].Clear();
                        dst[((hp - pad) * wp)..].Clear();
                        for (int h = 0; h < g.H; h++)
                        {
                            var row = dst.Slice((h + pad) * wp, wp);
                            row[..pad].Clear();
                            row[(wp - pad)..].Clear();
                            src.Slice(h * g.W, g.W).CopyTo(row[pad..]);
                        }
                        continue;
                    }
                    fixed (float* from = src, to = dst)
                    fixed (int* map = sourceOf)
                    {
                        if (byRows) PermutePlane(from, to, g, ph, hq, wq);
                        else GatherPlane(from, to, map, plane);
                    }
                }
            });
            return new PaddedImage { Data = xp, Taps = taps, Positions = positions, _rented = true };
        }

        // For each element (a, b, i, j) of a phase-split plane, where it comes from in x's plane: (h, w) =
        // (i S + a - pad, j S + b - pad) as h W + w, or -1 for a zero of the border (or of rounding up to Hq x Wq).
        private static int[] PhaseSources(ConvGeometry g, int ph, int hq, int wq)
        {
            var sourceOf = new int[ph * ph * hq * wq];
            for (int a = 0, e = 0; a < ph; a++)
                for (int b = 0; b < ph; b++)
                    for (int i = 0; i < hq; i++)
                        for (int j = 0; j < wq; j++, e++)
                        {
                            int h = i * ph + a - g.Padding, w = j * ph + b - g.Padding;
                            sourceOf[e] = h >= 0 && h < g.H && w >= 0 && w < g.W ? h * g.W + w : -1;
                        }
            return sourceOf;
        }

        // to[e] = from[map[e]], or 0 where map[e] < 0, for e in [0, count): 8 at a time by masked gathers
        // (the source plane is a few KB, in L1 after the first touches).
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private static unsafe void GatherPlane(float* from, float* to, int* map, int count)
        {
            int e = 0;
            for (; e + 8 <= count; e += 8)
            {
                var index = Avx.LoadVector256(map + e);
                var live = Avx2.CompareGreaterThan(index, Vector256.Create(-1)).AsSingle();
                Avx.Store(to + e, Avx2.GatherMaskVector256(Vector256<float>.Zero, from, index, live, 4));
            }
            for (; e < count; e++) to[e] = map[e] >= 0 ? from[map[e]] : 0f;
        }

        // The same copy one phase row at a time, with AVX-512, where a row of x and a row of a phase fit one
        // zmm (W <= 16, Wq <= 16; the DCGAN's 14-wide planes): phase row (a, b, i) is x's row h = i S + a - pad
        // (zeros where h falls outside), its lane j the float w = j S + b - pad of that row (zero outside):
        // one masked load, one permute, one masked store per phase row, instead of one gather per 8 floats.
        private static bool PermutePlaneFits(ConvGeometry g, int wq) => Avx512F.IsSupported && g.W <= 16 && wq <= 16;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private static unsafe void PermutePlane(float* from, float* to, ConvGeometry g, int ph, int hq, int wq)
        {
            var lane = Vector512<int>.Indices;
            var rowOfX = Vector512.LessThan(lane, Vector512.Create(g.W)).AsSingle();
            var rowOfPhase = Vector512.LessThan(lane, Vector512.Create(wq)).AsSingle();
            for (int b = 0; b < ph; b++)
            {
                var w = lane * ph + Vector512.Create(b - g.Padding); // x's column for lane j
                var keep = (Vector512.GreaterThanOrEqual(w, Vector512<int>.Zero) & Vector512.LessThan(w, Vector512.Create(g.W))).AsSingle();
                var index = Vector512.Max(w, Vector512<int>.Zero) & Vector512.Create(15);
                for (int a = 0; a < ph; a++)
                {
                    float* dst = to + (a * ph + b) * hq * wq;
                    for (int i = 0; i < hq; i++, dst += wq)
                    {
                        int h = i * ph + a - g.Padding;
                        var row = h >= 0 && h < g.H
                            ? Avx512F.PermuteVar16x32(Avx512F.MaskLoad(from + h * g.W, rowOfX, Vector512<float>.Zero), index) & keep
                            : Vector512<float>.Zero;
                        Avx512F.MaskStore(dst, rowOfPhase, row);
                    }
                }
            }
        }

        public void Dispose()
        {
            if (_rented) ArrayPool<float>.Shared.Return(Data);
            _rented = false;
        }
    }
}
