using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

// Convolution lowering and pooling (ConvGeometry's notation, all tensors contiguous):
//   x: (N, C, H, W), cols: (C R S, N OH OW)
//   tap (r, s) of output (oh, ow) reads x[n, c, oh Stride - Padding + r Dilation, ow Stride - Padding + s Dilation]
internal static class ConvKernels
{
    // cols[(c R + r) S + s, (n OH + oh) OW + ow] = x[tap], 0 in the padding.
    // Launch: implicit, extent C R S N OH OW (one thread per element of cols).
    public static void Im2Col(Index1D i, ArrayView<float> x, ArrayView<float> cols, ConvParams g)
    {
        int columns = g.N * g.OH * g.OW;
        int row = i / columns, col = i % columns;
        int s = row % g.S, r = row / g.S % g.R, c = row / (g.S * g.R);
        int ow = col % g.OW, oh = col / g.OW % g.OH, n = col / (g.OW * g.OH);
        int ih = oh * g.Stride - g.Padding + r * g.Dilation;
        int iw = ow * g.Stride - g.Padding + s * g.Dilation;
        bool inside = ih >= 0 && ih < g.H && iw >= 0 && iw < g.W;
        cols[i] = inside ? x[((n * g.C + c) * g.H + ih) * g.W + iw] : 0f;
    }

    // col2im as a gather, so it needs no atomics and is deterministic: one thread per x element
    // (n, c, ih, iw) adds, in (r, s) order, every cols entry whose tap lands on it:
    //   oh = (ih + Padding - r Dilation) / Stride when that divides exactly and 0 <= oh < OH (ow likewise).
    // Mode Col2ImAdd adds the sum onto x (IBackend.Col2Im); Col2ImWrite writes it, and Col2ImWriteBias writes
    // bias[c] + sum, so x needs no zero fill or bias copy first (the same bits: one add onto 0 or the bias either way).
    // Launch: implicit, extent N C H W.
    public const int Col2ImAdd = 0, Col2ImWrite = 1, Col2ImWriteBias = 2;

    public static void Col2Im(Index1D i, ArrayView<float> cols, ArrayView<float> x, ArrayView<float> bias, ConvParams g, int mode)
    {
        int iw = i % g.W, ih = i / g.W % g.H, c = i / (g.W * g.H) % g.C, n = i / (g.W * g.H * g.C);
        int columns = g.N * g.OH * g.OW;
        float sum = 0f;
        for (int r = 0; r < g.R; r++)
        {
            int hh = ih + g.Padding - r * g.Dilation;
            if (hh < 0 || hh % g.Stride != 0 || hh / g.Stride >= g.OH) continue;
            int oh = hh / g.Stride;
            for (int s = 0; s < g.S; s++)
            {
                int ww = iw + g.Padding - s * g.Dilation;
                if (ww < 0 || ww % g.Stride != 0 || ww / g.Stride >= g.OW) continue;
                int ow = ww / g.Stride;
                sum += cols[((c * g.R + r) * g.S + s) * columns + (n * g.OH + oh) * g.OW + ow];
            }
        }
        if (mode == Col2ImAdd) x[i] += sum;
        else if (mode == Col2ImWriteBias) x[i] = bias[c] + sum;
        else x[i] = sum;
    }

    // index[(n C + c) OH OW + oh OW + ow] = ih W + iw of the largest x in the window (inside the
    // image; the first of equal values wins, a NaN wins). Window K = C, (R, S) the pooling size.
    // Launch: implicit, extent N C OH OW.
    public static void MaxPoolIndices(Index1D i, ArrayView<float> x, ArrayView<int> index, ConvParams g)
    {
        int ow = i % g.OW, oh = i / g.OW % g.OH, nc = i / (g.OW * g.OH);
        float best = float.NegativeInfinity;
        int arg = -1;
        for (int r = 0; r < g.R; r++)
            for (int s = 0; s < g.S; s++)
            {
                int ih = oh * g.Stride - g.Padding + r * g.Dilation;
                int iw = ow * g.Stride - g.Padding + s * g.Dilation;
                if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                float v = x[(nc * g.H + ih) * g.W + iw];
                if (arg < 0 || v > best || float.IsNaN(v)) { best = v; arg = ih * g.W + iw; }
            }
        index[i] = arg;
    }
}

// ConvGeometry flattened to plain fields for the kernels (OH and OW precomputed on the host).
internal readonly struct ConvParams(ConvGeometry g)
{
    public readonly int N = g.N, C = g.C, H = g.H, W = g.W, R = g.R, S = g.S;
    public readonly int Stride = g.Stride, Padding = g.Padding, Dilation = g.Dilation, OH = g.OH, OW = g.OW;
}
