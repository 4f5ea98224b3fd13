using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

// im2col and col2im for the GEMM lowering of convolutions (Ops/Conv):
//   x: (N, C, H, W), cols: (C R S, N OH OW), tap (r, s) of output (oh, ow) reads x[n, c, ih, iw] with
//   ih = oh Stride + r Dilation - Padding, iw = ow Stride + s Dilation - Padding.
// For one tap the valid ow form one range [ow0, ow1) (the same for every row oh), so the inner loops
// carry no bounds tests: zeros left and right, and a straight copy (stride 1) or a strided gather.
// im2col splits the rows (c, r, s) over the cores; col2im splits the image planes (n, c), so no two
// threads ever add into the same element. Neither allocates beyond col2im's table of R S taps.
// (The Cpu conv ops no longer call Im2Col: their GEMMs read the image directly, CpuBackend.ConvGemm.cs.)
internal sealed partial class CpuBackend
{
    public void Im2Col(Tensor x, Tensor cols, ConvGeometry g)
    {
        RequireContiguous("im2col", x, cols);
        float[] xs = Data(x), cs = Data(cols);
        int xOffset = x.Offset, cOffset = cols.Offset;
        CpuParallel.For(g.PatchSize, g.Columns, (r0, r1) =>
        {
            for (int row = r0; row < r1; row++) Im2ColRow(xs, xOffset, cs, cOffset + row * g.Columns, g, row);
        });
    }

    // One row (c, r, s) of cols: N OH runs of OW values.
    private static void Im2ColRow(float[] xs, int xOffset, float[] cs, int rowStart, ConvGeometry g, int row)
    {
        int s = row % g.S, r = row / g.S % g.R, c = row / (g.S * g.R);
        int dh = r * g.Dilation - g.Padding, dw = s * g.Dilation - g.Padding;
        var (ow0, ow1) = ValidRange(dw, g.Stride, g.W, g.OW);
        var dst = cs.AsSpan(rowStart, g.Columns);
        for (int n = 0; n < g.N; n++)
        {
            int plane = xOffset + (n * g.C + c) * g.H * g.W;
            for (int oh = 0; oh < g.OH; oh++)
            {
                var seg = dst.Slice((n * g.OH + oh) * g.OW, g.OW);
                int ih = oh * g.Stride + dh;
                if (ih < 0 || ih >= g.H)
                {
                    seg.Clear();
                    continue;
                }
                seg[..ow0].Clear();
                seg[ow1..].Clear();
                int src = plane + ih * g.W + dw;
                if (g.Stride == 1) xs.AsSpan(src + ow0, ow1 - ow0).CopyTo(seg[ow0..]);
                else for (int ow = ow0; ow < ow1; ow++) seg[ow] = xs[src + ow * g.Stride];
            }
        }
    }

    public void Col2Im(Tensor cols, Tensor x, ConvGeometry g) => Col2Im(cols, x, g, tapPairs: true);

    // tapPairs: false keeps the scalar loop even where Col2ImPairs fits (for bench/Scratchgen.Bench/ConvLayoutBench.cs).
    internal unsafe void Col2Im(Tensor cols, Tensor x, ConvGeometry g, bool tapPairs)
    {
        RequireContiguous("col2im", x, cols);
        float[] xs = Data(x), cs = Data(cols);
        int xOffset = x.Offset, cOffset = cols.Offset;
        var taps = Col2ImTaps(g);
        bool pairs = tapPairs && Col2ImPairs.Fit(g);
        CpuParallel.For(g.N * g.C, (long)g.R * g.S * g.Positions, (p0, p1) =>
        {
            fixed (float* px = xs, pc = cs)
            fixed (Col2ImTap* pt = taps)
                for (int p = p0; p < p1; p++)
                {
                    int n = p / g.C, c = p % g.C;
                    float* src = pc + cOffset + (long)c * g.R * g.S * g.Columns + n * g.Positions, plane = px + xOffset + (long)p * g.H * g.W;
                    if (pairs) Col2ImPairs.AddPlane(src, plane, pt, g);
                    else Col2ImPlane(src, plane, pt, taps.Length, g);
                }
        });
    }

    // col2im for stride 2 (the DCGAN's 4x4 / stride 2 layers: dx of 64->128, the forward of conv_transpose
    // 128->64), where the scalar loop of Col2ImPlane adds one float at a time into every other float of a row.
    // Taps (r, s) and (r, s + 1) land on the two parities of the same row segment: tap s on
    // w = 2 ow + s - pad, tap s + 1 on w = 2 ow + s + 1 - pad. So their two rows of OW values, interleaved,
    // are 2 OW consecutive floats of the plane from w0 = s - pad on, added under a mask (which drops the lanes
    // that fall outside the plane, which are also the outputs a tap has no valid pixel for): two taps per
    // vector add instead of one float per add. Each float of the plane still gets its taps' shares one at a
    // time in tap order, so the sums are the scalar loop's bit for bit. AVX-512: one 16-lane two-source
    // permute, one masked add; AVX2: two unpacks and two lane swaps make the 16 floats as two 8-lane halves
    // (AddPlane256). Needs S even, dilation 1 and 2 OW <= 16.
    private static class Col2ImPairs
    {
        private static readonly Vector512<int> Interleave = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);

        public static bool Fit(ConvGeometry g) =>
            (Avx512F.IsSupported || Avx2.IsSupported) && g.Stride == 2 && g.Dilation == 1 && g.S % 2 == 0 && 2 * g.OW <= 16;

        public static unsafe void AddPlane(float* src, float* plane, Col2ImTap* taps, ConvGeometry g)
        {
            if (Avx512F.IsSupported) AddPlane512(src, plane, taps, g);
            else AddPlane256(src, plane, taps, g);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void AddPlane512(float* src, float* plane, Col2ImTap* taps, ConvGeometry g)
        {
            var lane = Vector512<int>.Indices;
            var rowMask = Vector512.LessThan(lane, Vector512.Create(g.OW)).AsSingle(); // the OW values of one tap row
            for (int r = 0; r < g.R; r++)
            {
                var tap = taps[r * g.S]; // oh range: the same for every s of this r
                for (int s = 0; s < g.S; s += 2)
                {
                    int w0 = s - g.Padding;
                    var w = lane + Vector512.Create(w0);
                    var live = (Vector512.GreaterThanOrEqual(w, Vector512<int>.Zero) & Vector512.LessThan(w, Vector512.Create(g.W))
                        & Vector512.LessThan(lane, Vector512.Create(2 * g.OW))).AsSingle();
                    float* even = src + (long)(r * g.S + s) * g.Columns + tap.Oh0 * g.OW, odd = even + g.Columns;
                    float* to = plane + (tap.Oh0 * 2 + r - g.Padding) * g.W + w0;
                    for (int oh = tap.Oh0; oh < tap.Oh1; oh++, even += g.OW, odd += g.OW, to += 2 * g.W)
                    {
                        var sum = Avx512F.PermuteVar16x32x2(Avx512F.MaskLoad(even, rowMask, Vector512<float>.Zero), Interleave,
                            Avx512F.MaskLoad(odd, rowMask, Vector512<float>.Zero));
                        Avx512F.MaskStore(to, live, sum + Avx512F.MaskLoad(to, live, Vector512<float>.Zero));
                    }
                }
            }
        }

        // AVX2 without masked stores, which AMD's cores run far slower than plain ones: a row whose 16-float window
        // lies inside the plane is read whole, the pair added under a blend (the lanes outside the pair keep their
        // bits) and written whole; the plane belongs to this thread, so the extra lanes are its own. A window that
        // reaches past either end of the plane (its first or last row) goes float by float.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void AddPlane256(float* src, float* plane, Col2ImTap* taps, ConvGeometry g)
        {
            var lane = Vector256<int>.Indices;
            var rowMask = Vector256.LessThan(lane, Vector256.Create(g.OW)).AsSingle(); // the OW values of one tap row
            float* planeEnd = plane + g.H * g.W;
            for (int r = 0; r < g.R; r++)
            {
                var tap = taps[r * g.S]; // oh range: the same for every s of this r
                for (int s = 0; s < g.S; s += 2)
                {
                    int w0 = s - g.Padding;
                    // Lanes 0-7 and 8-15 of the interleaved pair: w = w0 + lane, inside the plane and the pair's 2 OW floats.
                    var live0 = Live(lane, w0, g);
                    var live1 = Live(lane + Vector256.Create(8), w0, g);
                    float* even = src + (long)(r * g.S + s) * g.Columns + tap.Oh0 * g.OW, odd = even + g.Columns;
                    float* to = plane + (tap.Oh0 * 2 + r - g.Padding) * g.W + w0;
                    for (int oh = tap.Oh0; oh < tap.Oh1; oh++, even += g.OW, odd += g.OW, to += 2 * g.W)
                    {
                        if (to < plane || to + 16 > planeEnd)
                        {
                            for (int i = 0; i < 2 * g.OW; i++)
                                if (w0 + i >= 0 && w0 + i < g.W) to[i] += (i & 1) == 0 ? even[i >> 1] : odd[i >> 1];
                            continue;
                        }
                        var e = Avx.MaskLoad(even, rowMask);
                        var o = Avx.MaskLoad(odd, rowMask);
                        Vector256<float> lo = Avx.UnpackLow(e, o), hi = Avx.UnpackHigh(e, o); // e0 o0 e1 o1 | e4 o4 e5 o5, e2 o2 e3 o3 | e6 o6 e7 o7
                        var t0 = Avx.LoadVector256(to);
                        var t1 = Avx.LoadVector256(to + 8);
                        Avx.Store(to, Avx.BlendVariable(t0, Avx.Permute2x128(lo, hi, 0x20) + t0, live0));
                        Avx.Store(to + 8, Avx.BlendVariable(t1, Avx.Permute2x128(lo, hi, 0x31) + t1, live1));
                    }
                }
            }
        }

        private static Vector256<float> Live(Vector256<int> lane, int w0, ConvGeometry g)
        {
            var w = lane + Vector256.Create(w0);
            return (Vector256.GreaterThanOrEqual(w, Vector256<int>.Zero) & Vector256.LessThan(w, Vector256.Create(g.W))
                & Vector256.LessThan(lane, Vector256.Create(2 * g.OW))).AsSingle();
        }
    }

    // Tap (r, s) of every plane: its row of cols (relative to row (c, 0, 0)), where output (oh, ow) lands
    // in the plane (shift + oh Stride W + ow Stride) and the outputs that land inside it. The same for all
    // planes, so computed once per call (the divisions of ValidRange stay out of the plane loop).
    private readonly record struct Col2ImTap(int Row, int Shift, int Oh0, int Oh1, int Ow0, int Ow1);

    private static Col2ImTap[] Col2ImTaps(ConvGeometry g)
    {
        var taps = new Col2ImTap[g.R * g.S];
        for (int r = 0; r < g.R; r++)
            for (int s = 0; s < g.S; s++)
            {
                int dh = r * g.Dilation - g.Padding, dw = s * g.Dilation - g.Padding;
                var (oh0, oh1) = ValidRange(dh, g.Stride, g.H, g.OH);
                var (ow0, ow1) = ValidRange(dw, g.Stride, g.W, g.OW);
                taps[r * g.S + s] = new Col2ImTap((r * g.S + s) * g.Columns, dh * g.W + dw, oh0, oh1, ow0, ow1);
            }
        return taps;
    }

    // plane (an H x W plane of x) += the R S taps' shares; src: row (c, 0, 0) of cols at this image's first column.
    private static unsafe void Col2ImPlane(float* src, float* plane, Col2ImTap* taps, int tapCount, ConvGeometry g)
    {
        int stride = g.Stride, rowStep = g.Stride * g.W;
        for (int t = 0; t < tapCount; t++)
        {
            var tap = taps[t];
            float* from = src + tap.Row + tap.Oh0 * g.OW;
            float* to = plane + tap.Shift + tap.Oh0 * rowStep;
            int count = tap.Ow1 - tap.Ow0;
            for (int oh = tap.Oh0; oh < tap.Oh1; oh++, from += g.OW, to += rowStep)
            {
                if (stride == 1) AddInto(new ReadOnlySpan<float>(from + tap.Ow0, count), new Span<float>(to + tap.Ow0, count));
                else
                {
                    float* d = to + tap.Ow0 * stride;
                    for (int ow = tap.Ow0; ow < tap.Ow1; ow++, d += stride) *d += from[ow];
                }
            }
        }
    }

    // The outputs o in [0, count) whose tap o stride + shift lands in [0, size).
    private static (int Start, int End) ValidRange(int shift, int stride, int size, int count)
    {
        int start = Math.Max(0, CeilDiv(-shift, stride));
        int end = Math.Min(count, FloorDiv(size - 1 - shift, stride) + 1);
        return (start, Math.Max(start, end));
    }

    private static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static int CeilDiv(int a, int b) => -FloorDiv(-a, b);

    // dst += src, 8 lanes at a time.
    private static void AddInto(ReadOnlySpan<float> src, Span<float> dst)
    {
        int i = 0;
        for (; i + 8 <= src.Length; i += 8)
            (Vector256.Create(src[i..]) + Vector256.Create(dst[i..])).CopyTo(dst[i..]);
        for (; i < src.Length; i++) dst[i] += src[i];
    }

    private static void RequireContiguous(string kernel, params Tensor[] tensors)
    {
        foreach (var t in tensors)
            if (!t.IsContiguous) throw new InvalidOperationException($"{kernel}: {t.Describe()} must be contiguous");
    }
}
