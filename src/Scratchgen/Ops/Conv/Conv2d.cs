using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y[n, k, oh, ow] = b[k] + sum_{c, r, s} w[k, c, r, s] x[n, c, oh Stride - Padding + r Dilation, ow Stride - Padding + s Dilation]
//   x: (N, C, H, W), w: (K, C, R, S), b: (K) or none -> y: (N, K, OH, OW)   (taps in the padding read 0)
// Lowered to one GEMM over the whole batch (ConvLowering):
//   Y^T (K, N OH OW) = b + W (K, C R S) @ im2col(x) (C R S, N OH OW),  then reordered to (N, K, OH, OW).
// dx = conv_transpose2d(dy, w)      the adjoint of this op in x: GEMM W^T @ dY^T, then col2im
// dw = conv2d_weight_grad(x, dy)    = dY^T (K, N OH OW) @ im2col(x)^T
// db = sum of dy over n, oh, ow
// All three are ops, so gradients of gradients work. The batch is lowered in chunks of images
// (ConvLowering.ChunkImages); when one chunk holds the whole batch its im2col(x) is saved for dw,
// else dw rebuilds it chunk by chunk (cheaper than holding 13 MB per layer for the DCGAN's 64->128).
// Backward reorders dy to (K, N OH OW) once for both dx and dw.
internal sealed class Conv2dOp(Tensor x, Tensor w, Tensor? b, ConvGeometry g) : Op(b == null ? [x, w] : [x, w, b])
{
    private Tensor? _cols;

    public override string Name => "conv2d";
    public override string Rule => "dx = conv_transpose2d(dy, w), dw = dy^T @ im2col(x)^T, db = sum(dy)";

    protected override Tensor Forward()
    {
        var wm = ConvLowering.AsMatrix(w);
        var yt = NewOutput([g.K, g.Columns]);
        bool withBias = b != null;
        if (b != null) Backend.Copy(ConvLowering.BiasRows(b, g.Columns), yt);
        // Chunks of images: im2col into the scratch, then Y^T[:, chunk] = W @ cols.
        var xd = ConvLowering.Dense(x);
        int chunk = ConvLowering.ChunkImages(g), p = g.Positions;
        var scratch = ConvLowering.Scratch(x, g, chunk);
        for (int n0 = 0; n0 < g.N; n0 += chunk)
        {
            int count = Math.Min(chunk, g.N - n0);
            var part = ConvLowering.Prefix(scratch, g.PatchSize, count * p);
            Backend.Im2Col(ConvLowering.Images(xd, n0, count), part, g with { N = count });
            ConvLowering.Gemm(wm, part, ConvLowering.ColumnRange(yt, n0 * p, count * p), accumulate: withBias);
        }
        // When one chunk is the whole im2col matrix (small by construction), keep it for dw.
        if (chunk == g.N && GradMode.IsEnabled && w.RequiresGrad) _cols = scratch.ViewAs([g.PatchSize, g.Columns]);
        var y = NewOutput([g.N, g.K, g.OH, g.OW]);
        ConvLowering.BatchFirst(yt, y);
        return y;
    }

    public override Tensor?[] Backward(Tensor dOut)
    {
        var dyt = x.RequiresGrad || w.RequiresGrad ? ConvLowering.ChannelsFirst(dOut) : null;
        return
        [
            x.RequiresGrad ? new ConvTranspose2dOp(dOut, w, null, g, dyt).Run() : null,
            w.RequiresGrad ? new Conv2dWeightGradOp(x, dOut, g, _cols, dyt).Run() : null,
            .. b != null ? [b.RequiresGrad ? dOut.Sum([0, 2, 3]) : null] : Array.Empty<Tensor?>(),
        ];
    }
}
