using System.Numerics;
using Scratchgen.Tensors;
using static Scratchgen.Backends.HostLayout;

namespace Scratchgen.Backends.Reference;

// Convolution and pooling kernels as the plainest loops (the oracle for CpuBackend.Conv/.Pool):
//   x: (N, C, H, W), cols: (C R S, N OH OW), window tap (r, s) of output (oh, ow) reads
//   x[n, c, oh Stride - Padding + r Dilation, ow Stride - Padding + s Dilation]  (0 outside the image)
internal sealed partial class ReferenceBackend
{
    public void Im2Col(Tensor x, Tensor cols, ConvGeometry g)
    {
        if (x.DType == DType.Float32) Im2Col<float>(x, cols, g, adjoint: false); else Im2Col<double>(x, cols, g, adjoint: false);
    }

    public void Col2Im(Tensor cols, Tensor x, ConvGeometry g)
    {
        if (x.DType == DType.Float32) Im2Col<float>(x, cols, g, adjoint: true); else Im2Col<double>(x, cols, g, adjoint: true);
    }

    // adjoint = false: cols[row, col] = x[tap]  (0 in the padding)
    // adjoint = true:  x[tap] += cols[row, col] (the padding's share is dropped)
    private static void Im2Col<T>(Tensor x, Tensor cols, ConvGeometry g, bool adjoint) where T : struct, IFloatingPointIeee754<T>
    {
        T[] xs = Array<T>(x), cs = Array<T>(cols);
        for (int c = 0; c < g.C; c++)
            for (int r = 0; r < g.R; r++)
                for (int s = 0; s < g.S; s++)
                {
                    int row = (c * g.R + r) * g.S + s;
                    for (int n = 0; n < g.N; n++)
                        for (int oh = 0; oh < g.OH; oh++)
                            for (int ow = 0; ow < g.OW; ow++)
                            {
                                int col = (n * g.OH + oh) * g.OW + ow;
                                int ih = oh * g.Stride - g.Padding + r * g.Dilation;
                                int iw = ow * g.Stride - g.Padding + s * g.Dilation;
                                bool inside = ih >= 0 && ih < g.H && iw >= 0 && iw < g.W;
                                int co = OffsetOf(cols, [row, col]);
                                if (adjoint)
                                {
                                    if (inside) xs[OffsetOf(x, [n, c, ih, iw])] += cs[co];
                                }
                                else cs[co] = inside ? xs[OffsetOf(x, [n, c, ih, iw])] : T.Zero;
                            }
                }
    }

    public void MaxPool2dIndices(Tensor x, int[] index, ConvGeometry g)
    {
        if (x.DType == DType.Float32) MaxPool2dIndices<float>(x, index, g); else MaxPool2dIndices<double>(x, index, g);
    }

    // index[n, c, oh, ow] = ih W + iw maximizing x[n, c, ih, iw] over the window inside the image
    private static void MaxPool2dIndices<T>(Tensor x, int[] index, ConvGeometry g) where T : struct, IFloatingPointIeee754<T>
    {
        var xs = Array<T>(x);
        for (int n = 0; n < g.N; n++)
            for (int c = 0; c < g.C; c++)
                for (int oh = 0; oh < g.OH; oh++)
                    for (int ow = 0; ow < g.OW; ow++)
                    {
                        T best = T.NegativeInfinity;
                        int arg = -1;
                        for (int r = 0; r < g.R; r++)
                            for (int s = 0; s < g.S; s++)
                            {
                                int ih = oh * g.Stride - g.Padding + r * g.Dilation;
                                int iw = ow * g.Stride - g.Padding + s * g.Dilation;
                                if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                                T v = xs[OffsetOf(x, [n, c, ih, iw])];
                                if (arg < 0 || v > best || T.IsNaN(v)) (best, arg) = (v, ih * g.W + iw);
                            }
                        index[((n * g.C + c) * g.OH + oh) * g.OW + ow] = arg;
                    }
    }
}
