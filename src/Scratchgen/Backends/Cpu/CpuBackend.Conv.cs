using System.Runtime.Intrinsics;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

// im2col and col2im for the GEMM lowering of convolutions (Ops/Conv):
//   x: (N, C, H, W), cols: (C R S, N OH OW), tap (r, s) of output (oh, ow) reads x[n, c, ih, iw] with
//   ih = oh Stride + r Dilation - Padding, iw = ow Stride + s Dilation - Padding.
// For one tap the valid ow form one range [ow0, ow1) (the same for every row oh), so the inner loops
// carry no bounds tests: zeros left and right, and a straight copy (stride 1) or a strided gather.
// im2col splits the rows (c, r, s) over the cores; col2im splits the image planes (n, c), so no two
// threads ever add into the same element. Neither allocates.
public sealed partial class CpuBackend
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

    public void Col2Im(Tensor cols, Tensor x, ConvGeometry g)
    {
        RequireContiguous("col2im", x, cols);
        float[] xs = Data(x), cs = Data(cols);
        int xOffset = x.Offset, cOffset = cols.Offset;
        CpuParallel.For(g.N * g.C, (long)g.R * g.S * g.Positions, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++) Col2ImPlane(cs, cOffset, xs, xOffset + p * g.H * g.W, g, p / g.C, p % g.C);
        });
    }

    // x[n, c] (an H x W plane) += the R S taps' shares from cols.
    private static void Col2ImPlane(float[] cs, int cOffset, float[] xs, int plane, ConvGeometry g, int n, int c)
    {
        for (int r = 0; r < g.R; r++)
            for (int s = 0; s < g.S; s++)
            {
                int dh = r * g.Dilation - g.Padding, dw = s * g.Dilation - g.Padding;
                var (ow0, ow1) = ValidRange(dw, g.Stride, g.W, g.OW);
                var (oh0, oh1) = ValidRange(dh, g.Stride, g.H, g.OH);
                int rowStart = cOffset + ((c * g.R + r) * g.S + s) * g.Columns + n * g.Positions;
                for (int oh = oh0; oh < oh1; oh++)
                {
                    int src = rowStart + oh * g.OW, dst = plane + (oh * g.Stride + dh) * g.W + dw;
                    if (g.Stride == 1) AddInto(cs.AsSpan(src + ow0, ow1 - ow0), xs.AsSpan(dst + ow0, ow1 - ow0));
                    else for (int ow = ow0; ow < ow1; ow++) xs[dst + ow * g.Stride] += cs[src + ow];
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
