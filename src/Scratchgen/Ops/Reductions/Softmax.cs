using Scratchgen.Autograd;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// Softmax and log-softmax over the last axis as one op, one row kernel each way (SoftmaxLowering: IFusedSoftmax,
// or composed):
//   x: (..., L) -> y: (..., L); per row m = max x, s = sum exp(x - m)
//   softmax:     y = exp(x - m) / s          dx = y (dy - sum(dy y))
//   log-softmax: y = x - m - log s           dx = dy - exp(y) sum(dy)
// The shift m cancels in the value and the gradient; nothing overflows. When the backward is itself
// recorded (gradients of gradients), it is written with differentiable ops on a recorded recomputation
// of y from x, so second derivatives are right. Other axes: TensorReductions moves the axis last.
internal sealed class SoftmaxOp(Tensor x, bool log) : Op(x)
{
    private Tensor _y = null!;

    public override string Name => log ? "log_softmax" : "softmax";

    public override string Rule => log ? "dx = dy - softmax(x) sum(dy)" : "dx = y (dy - sum(dy y))";

    protected override Tensor Forward()
    {
        if (x.Rank == 0 || x.Dims[^1] == 0)
            throw new ShapeException(Name, $"needs a last axis with at least one element, got {x.Describe()}");
        _y = NewOverwrittenOutput((int[])x.Dims.Clone());
        if (_y.Numel > 0) Backend.Softmax(Rows(x.Detach().Contiguous()), Rows(_y), log);
        return _y;
    }

    public override Tensor?[] Backward(Tensor dOut)
    {
        if (GradMode.IsEnabled && (dOut.RequiresGrad || x.RequiresGrad))
        {
            var logSoftmax = x.Sub(x.LogSumExp(-1, keepdim: true));
            var g = log
                ? dOut.Sub(logSoftmax.Exp().Mul(dOut.Sum(-1, keepdim: true)))
                : logSoftmax.Exp().Mul(dOut.Sub(dOut.Mul(logSoftmax.Exp()).Sum(-1, keepdim: true)));
            return [g];
        }
        var dx = NewOverwrittenOutput((int[])x.Dims.Clone());
        if (dx.Numel > 0) Backend.SoftmaxBackward(Rows(_y.Detach()), Rows(dOut.Contiguous()), Rows(dx), log);
        return [dx];
    }

    // A contiguous (..., L) tensor as (rows, L).
    private static Tensor Rows(Tensor t) => t.ViewAs([t.Numel / t.Dims[^1], t.Dims[^1]]);
}
