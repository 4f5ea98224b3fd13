using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y[n, k, oh, ow] = b[k] + sum_{c, r, s} w[k, c, r, s] x[n, c, oh Stride - Padding + r Dilation, ow Stride - Padding + s Dilation]
//   x: (N, C, H, W), w: (K, C, R, S), b: (K) or none -> y: (N, K, OH, OW)   (taps in the padding read 0)
// Lowered to one GEMM over the whole batch:
//   Y^T (K, N OH OW) = b + W (K, C R S) @ im2col(x) (C R S, N OH OW),  then reordered to (N, K, OH, OW).
// dx = conv_transpose2d(dy, w)      the adjoint of this op in x: GEMM W^T @ dY^T, then col2im
// dw = conv2d_weight_grad(x, dy)    = dY^T (K, N OH OW) @ im2col(x)^T
// db = sum of dy over n, oh, ow
// All three are ops, so gradients of gradients work. The GEMMs with im2col(x) as an operand are backend
// primitives (IBackend.Im2ColMatMul, MatMulIm2ColT): the default builds im2col in chunks of images, the
// Cpu backend reads x directly, so nothing of im2col is saved for dw. Backward reorders dy to
// (K, N OH OW) once for both dx and dw.
internal sealed class Conv2dOp(Tensor x, Tensor w, Tensor? b, ConvGeometry g) : Op(b == null ? [x, w] : [x, w, b])
{
    public override string Name => "conv2d";
    public override string Rule => "dx = conv_transpose2d(dy, w), dw = dy^T @ im2col(x)^T, db = sum(dy)";

    protected override Tensor Forward()
    {
        var wm = ConvLowering.AsMatrix(w);
        var yt = NewOutput([g.K, g.Columns]);
        if (b != null) Backend.Copy(ConvLowering.BiasRows(b, g.Columns), yt);
        Backend.Im2ColMatMul(wm, ConvLowering.Dense(x), yt, g, accumulate: b != null);
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
            w.RequiresGrad ? new Conv2dWeightGradOp(x, dOut, g, dyt).Run() : null,
            .. b != null ? [b.RequiresGrad ? dOut.Sum([0, 2, 3]) : null] : Array.Empty<Tensor?>(),
        ];
    }
}
