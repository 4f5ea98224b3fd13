using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = f(x @ W^T + b): a linear layer and its activation as one op, with the bias and f in one kernel.
//   x: (N, I) (or (..., I)), W: (O, I), b: (O), f elementwise (TFn) -> y: (N, O)
//   forward:  z = x @ W^T (GEMM),  z += b and y = f(z) in one pass (BiasLowering.BiasMap: IFusedBias; z kept)
//   backward: dz = dy * f'(z, y) (one MapBackward pass),  then dx = dz @ W, dW = dz^T @ x, db = sum_rows(dz)
// Against Linear then the activation op: one kernel launch and one pass over the output fewer in each
// direction. Nn.Fusion runs it for a Linear with a bias followed by an activation layer. When the backward is
// itself recorded (gradients of gradients), dz comes from the activation op's own differentiable
// backward on a recorded recomputation of z = x @ W^T + b, so second derivatives are those of the
// unfused pair.
internal sealed class LinearActivationOp<TFn>(Tensor x, Tensor w, Tensor b, TFn fn, string activationName, Func<Tensor, Tensor> activation)
    : Op(x, w, b) where TFn : struct, IUnaryFn
{
    private Tensor _z = null!, _y = null!;

    public override string Name => "linear+" + activationName;
    public override string Rule => "dz = dy * f'(z), dx = dz @ W, dW = dz^T @ x, db = sum_rows(dz)";

    protected override Tensor Forward()
    {
        _z = LinearOp.Project(this, x, w, b);
        _y = NewOverwrittenOutput(_z.Dims);
        var z2 = LinearOp.Rows(_z, w);
        Backend.BiasMap(z2, b.BroadcastView(z2.Dims), LinearOp.Rows(_y, w), fn);
        return _y;
    }

    public override Tensor?[] Backward(Tensor dOut)
    {
        if (GradMode.IsEnabled && (dOut.RequiresGrad || x.RequiresGrad || w.RequiresGrad || b.RequiresGrad))
        {
            var z = x.Linear(w, b);
            return LinearOp.Gradients(x, w, b, activation(z).GradFn!.Backward(dOut)[0]!);
        }
        var dz = NewOverwrittenOutput(_z.Dims);
        Backend.MapBackward(_z, _y.Detach(), dOut, dz, fn);
        return LinearOp.Gradients(x, w, b, dz);
    }
}
