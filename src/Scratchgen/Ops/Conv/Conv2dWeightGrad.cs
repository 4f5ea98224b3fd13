using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// The weight gradient of the convolution with geometry g, as an op of its own so it can be differentiated:
//   dw[k, c, r, s] = sum_{n, oh, ow} dy[n, k, oh, ow] x[n, c, oh Stride - Padding + r Dilation, ow Stride - Padding + s Dilation]
//   x: (N, C, H, W), dy: (N, K, OH, OW) -> dw: (K, C, R, S)
//   computed as dW (K, C R S) = dY^T (K, N OH OW) @ im2col(x)^T (N OH OW, C R S): one GEMM,
//   ConvGemmLowering.MatMulIm2ColT.
// It is bilinear in (x, dy); with G = dL/d(dw):
//   dx = conv_transpose2d(dy, G),  d(dy) = conv2d(x, G)
internal sealed class Conv2dWeightGradOp(Tensor x, Tensor dy, ConvGeometry g) : Op(x, dy)
{
    public override string Name => "conv2d_weight_grad";
    public override string Rule => "dx = conv_transpose2d(dy, G), d(dy) = conv2d(x, G)";

    protected override Tensor Forward()
    {
        var dw = NewOverwrittenOutput([g.K, g.C, g.R, g.S]); // the GEMM (accumulate: false) writes all of it
        Backend.MatMulIm2ColT(ConvLowering.Dense(dy), ConvLowering.Dense(x), dw.ViewAs([g.K, g.PatchSize]), g, accumulate: false);
        return dw;
    }

    public override Tensor?[] Backward(Tensor dOut) =>
    [
        x.RequiresGrad ? new ConvTranspose2dOp(dy, dOut, null, g).Run() : null,
        dy.RequiresGrad ? new Conv2dOp(x, dOut, null, g).Run() : null,
    ];
}
