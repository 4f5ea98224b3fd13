using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

// Max pooling's argmax (the op gathers with it, so its backward is a scatter-add):
//   x: (N, C, H, W) -> index[(n C + c) OH OW + oh OW + ow] = ih W + iw of the window's largest value.
// The image planes (n, c) are split over the cores; taps outside the image are skipped, so the
// padding is never chosen.
internal sealed partial class CpuBackend
{
    public void MaxPool2dIndices(Tensor x, int[] index, ConvGeometry g)
    {
        RequireContiguous("max_pool2d", x);
        float[] xs = Data(x);
        int xOffset = x.Offset;
        CpuParallel.For(g.N * g.C, (long)g.Positions * g.R * g.S, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++) MaxPoolPlane(xs, xOffset + p * g.H * g.W, index, p * g.Positions, g);
        });
    }

    private static void MaxPoolPlane(float[] xs, int plane, int[] index, int first, ConvGeometry g)
    {
        for (int oh = 0; oh < g.OH; oh++)
            for (int ow = 0; ow < g.OW; ow++)
            {
                int h0 = oh * g.Stride - g.Padding, w0 = ow * g.Stride - g.Padding;
                float best = float.NegativeInfinity;
                int arg = -1;
                for (int r = 0; r < g.R; r++)
                {
                    int ih = h0 + r * g.Dilation;
                    if (ih < 0 || ih >= g.H) continue;
                    for (int s = 0; s < g.S; s++)
                    {
                        int iw = w0 + s * g.Dilation;
                        if (iw < 0 || iw >= g.W) continue;
                        float v = xs[plane + ih * g.W + iw];
                        if (arg < 0 || v > best || float.IsNaN(v)) (best, arg) = (v, ih * g.W + iw);
                    }
                }
                index[first + oh * g.OW + ow] = arg;
            }
    }
}
