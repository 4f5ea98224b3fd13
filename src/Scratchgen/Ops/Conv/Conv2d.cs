using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y[n, k, oh, ow] = b[k] + sum_{c, r, s} w[k, c, r, s] x[n, c, oh Stride - Padding + r Dilation, ow Stride - Padding + s Dilation]
//   x: (N, C, H, W), w: (K, C, R, S), b: (K) or none -> y: (N, K, OH, OW)   (taps in the padding read 0)
// Lowered to GEMMs over the whole batch (the batch is the GEMM's column dimension N OH OW), in
// ConvGemmLowering: Im2ColMatMul (this forward), MatMulIm2ColT (dw) and Col2ImMatMul (dx, through
// conv_transpose2d). A backend with IConvGemm (Cpu) reads and writes the NCHW tensors and the image
// directly; the others build im2col in chunks of images and reorder between (N, K, P) and (K, N P).
// dx = conv_transpose2d(dy, w)      the adjoint of this op in x: col2im(W^T @ dY^T)
// dw = conv2d_weight_grad(x, dy)    = dY^T (K, N OH OW) @ im2col(x)^T
// db = sum of dy over n, oh, ow
// All three are ops, so gradients of gradients work. Nothing is saved beyond the inputs.
internal sealed class Conv2dOp(Tensor x, Tensor w, Tensor? b, ConvGeometry g) : Op(b == null ? [x, w] : [x, w, b])
{
    public override string Name => "conv2d";
    public override string Rule => "dx = conv_transpose2d(dy, w), dw = dy^T @ im2col(x)^T, db = sum(dy)";

    protected override Tensor Forward()
    {
        var y = NewOverwrittenOutput([g.N, g.K, g.OH, g.OW]); // both write all of it
        if (b != null) Backend.Im2ColMatMulBias(ConvLowering.AsMatrix(w), ConvLowering.Dense(x), b.Detach(), y, g);
        else Backend.Im2ColMatMul(ConvLowering.AsMatrix(w), ConvLowering.Dense(x), y, g, accumulate: false);
        return y;
    }

    public override Tensor?[] Backward(Tensor dOut) => Gradients(x, w, b, g, dOut);

    /// <summary>[dx, dw, (db)] for dy = dL/dy, as ops (differentiable when recorded).</summary>
    internal static Tensor?[] Gradients(Tensor x, Tensor w, Tensor? b, ConvGeometry g, Tensor dOut) =>
    [
        x.RequiresGrad ? new ConvTranspose2dOp(dOut, w, null, g).Run() : null,
        w.RequiresGrad ? new Conv2dWeightGradOp(x, dOut, g).Run() : null,
        .. b != null ? [b.RequiresGrad ? dOut.Sum([0, 2, 3]) : null] : Array.Empty<Tensor?>(),
    ];
}
