using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = f(conv2d(x, w) + b): a convolution with a bias and the activation after it as one op.
//   x: (N, C, H, W), w: (K, C, R, S), b: (K) -> y: (N, K, OH, OW)
//   forward:  z = conv2d(x, w) (the conv GEMM, accumulate: false),  z += b and y = f(z) in one pass
//             (BiasLowering.BiasMap: IFusedBias, with b broadcast over the planes; z kept)
//   backward: dz = dy * f'(z, y) (one MapBackward pass), then conv2d's own gradients with dz:
//             dx = conv_transpose2d(dz, w), dw = conv2d_weight_grad(x, dz), db = sum(dz)
// Against Conv2dOp then the activation op: no bias copy before the GEMM (and on the default lowering no
// reorder of it into the GEMM's layout), no separate activation pass. The sum is (sum of products) + b
// instead of b + (sum of products): the same value where the GEMM takes C R S in one block (the Cpu
// backend: up to 384), else equal up to rounding. Nn.Fusion runs it for Conv2d + activation. Recorded
// backwards go through the activation op's differentiable rule on a recorded recomputation of z.
internal sealed class Conv2dActivationOp<TFn>(Tensor x, Tensor w, Tensor b, ConvGeometry g, TFn fn, string activationName, Func<Tensor, Tensor> activation)
    : Op(x, w, b) where TFn : struct, IUnaryFn
{
    private Tensor _z = null!, _y = null!;

    public override string Name => "conv2d+" + activationName;
    public override string Rule => "dz = dy * f'(z), dx = conv_transpose2d(dz, w), dw = dz^T @ im2col(x)^T, db = sum(dz)";

    protected override Tensor Forward()
    {
        int[] shape = [g.N, g.K, g.OH, g.OW];
        _z = NewOverwrittenOutput(shape); // the GEMM (accumulate: false) writes all of it
        Backend.Im2ColMatMul(ConvLowering.AsMatrix(w), ConvLowering.Dense(x), _z, g, accumulate: false);
        _y = NewOverwrittenOutput(shape);
        Backend.BiasMap(_z, ConvLowering.BiasPlanes(b.Detach(), shape), _y, fn);
        return _y;
    }

    public override Tensor?[] Backward(Tensor dOut)
    {
        if (GradMode.IsEnabled && (dOut.RequiresGrad || x.RequiresGrad || w.RequiresGrad || b.RequiresGrad)
            && activation(new Conv2dOp(x, w, b, g).Run()).GradFn is { } op)
            return Conv2dOp.Gradients(x, w, b, g, op.Backward(dOut)[0]!);
        var dz = NewOverwrittenOutput(_z.Dims);
        Backend.MapBackward(_z, _y.Detach(), dOut, dz, fn);
        return Conv2dOp.Gradients(x, w, b, g, dz);
    }
}
