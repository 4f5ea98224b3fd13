using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// The weight gradient of the convolution with geometry g, as an op of its own so it can be differentiated:
//   dw[k, c, r, s] = sum_{n, oh, ow} dy[n, k, oh, ow] x[n, c, oh Stride - Padding + r Dilation, ow Stride - Padding + s Dilation]
//   x: (N, C, H, W), dy: (N, K, OH, OW) -> dw: (K, C, R, S)
//   computed as dW (K, C R S) = dY^T (K, N OH OW) @ im2col(x)^T (N OH OW, C R S): one GEMM.
// It is bilinear in (x, dy); with G = dL/d(dw):
//   dx = conv_transpose2d(dy, G),  d(dy) = conv2d(x, G)
// Takes im2col(x) and dY^T when the caller already has them (conv2d saves the first, reorders dy once
// for dx and dw; conv_transpose2d saves its reordered input), else builds them.
internal sealed class Conv2dWeightGradOp(Tensor x, Tensor dy, ConvGeometry g, Tensor? cols, Tensor? dyt = null) : Op(x, dy)
{
    public override string Name => "conv2d_weight_grad";
    public override string Rule => "dx = conv_transpose2d(dy, G), d(dy) = conv2d(x, G)";

    protected override Tensor Forward()
    {
        var dyT = dyt ?? ConvLowering.ChannelsFirst(dy);
        var dw = NewOutput([g.K, g.C, g.R, g.S]);
        var dwm = dw.ViewAs([g.K, g.PatchSize]);
        if (cols != null)
        {
            ConvLowering.Gemm(dyT, cols.Transpose(0, 1), dwm, accumulate: false);
            return dw;
        }
        // Chunks of images: dW += dY^T[:, chunk] @ im2col(x chunk)^T.
        var xd = ConvLowering.Dense(x);
        int chunk = ConvLowering.ChunkImages(g), p = g.Positions;
        var scratch = ConvLowering.Scratch(x, g, chunk);
        for (int n0 = 0; n0 < g.N; n0 += chunk)
        {
            int count = Math.Min(chunk, g.N - n0);
            var part = ConvLowering.Prefix(scratch, g.PatchSize, count * p);
            Backend.Im2Col(ConvLowering.Images(xd, n0, count), part, g with { N = count });
            ConvLowering.Gemm(ConvLowering.ColumnRange(dyT, n0 * p, count * p), part.Transpose(0, 1), dwm, accumulate: n0 > 0);
        }
        return dw;
    }

    public override Tensor?[] Backward(Tensor dOut) =>
    [
        x.RequiresGrad ? new ConvTranspose2dOp(dy, dOut, null, g).Run() : null,
        dy.RequiresGrad ? new Conv2dOp(x, dOut, null, g).Run() : null,
    ];
}
