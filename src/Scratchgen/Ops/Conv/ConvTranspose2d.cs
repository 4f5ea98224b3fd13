using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// The transposed convolution: the adjoint in x of the convolution with geometry g, so that
//   y[n, c, ih, iw] = b[c] + sum over (k, oh, ow, r, s) with oh Stride - Padding + r Dilation = ih
//                                                    and ow Stride - Padding + s Dilation = iw  of  w[k, c, r, s] x[n, k, oh, ow]
//   x: (N, K, OH, OW), w: (K, C, R, S) (PyTorch's (Cin, Cout, kH, kW)), b: (C) or none -> y: (N, C, H, W)
// Lowered to the conv input-gradient path, never a scatter loop over x:
//   cols (C R S, N OH OW) = W^T (C R S, K) @ X^T (K, N OH OW),  y = b + col2im(cols)
//   ConvGemmLowering.Col2ImMatMul (chunks of images, so the columns stay a small, cached scratch).
// dx = conv2d(dy, w)                 (this op's adjoint is the convolution)
// dw = conv2d_weight_grad(dy, x)     = X^T (K, N OH OW) @ im2col(dy)^T
// db = sum of dy over n, ih, iw
// Nothing is saved beyond the inputs.
internal sealed class ConvTranspose2dOp(Tensor x, Tensor w, Tensor? b, ConvGeometry g) : Op(b == null ? [x, w] : [x, w, b])
{
    public override string Name => "conv_transpose2d";
    public override string Rule => "dx = conv2d(dy, w), dw = x^T @ im2col(dy)^T, db = sum(dy)";

    protected override Tensor Forward()
    {
        var y = NewOverwrittenOutput([g.N, g.C, g.H, g.W]); // written in full, with the bias or from zero
        Backend.Col2ImMatMulInto(ConvLowering.AsMatrix(w), ConvLowering.Dense(x), b?.Detach(), y, g);
        return y;
    }

    public override Tensor?[] Backward(Tensor dOut) =>
    [
        x.RequiresGrad ? new Conv2dOp(dOut, w, null, g).Run() : null,
        w.RequiresGrad ? new Conv2dWeightGradOp(dOut, x, g).Run() : null,
        .. b != null ? [b.RequiresGrad ? dOut.Sum([0, 2, 3]) : null] : Array.Empty<Tensor?>(),
    ];
}
