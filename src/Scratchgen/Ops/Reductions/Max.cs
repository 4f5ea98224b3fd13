using System.Runtime.Intrinsics;
using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = max of x over the given axes
// dx = dy * [x == y] / (number of positions equal to the max)   (ties share the gradient evenly)
// Saves y; the tie mask is rebuilt from x and y in backward, and is a constant to autograd.
internal sealed class MaxOp(Tensor x, int[] axes, bool keepdim) : Op(x)
{
    private Tensor _yKept = null!;

    public override string Name => "max";
    public override string Rule => "dx = dy * [x == max] / count of ties";

    protected override Tensor Forward()
    {
        _yKept = NewOutput(ReduceShapes.KeptShape(x.Dims, axes));
        Backend.Reduce(x, _yKept, default(MaxFn));
        return keepdim ? _yKept.Detach() : _yKept.Detach().ViewAs(ReduceShapes.DroppedShape(x.Dims, axes));
    }

    public override Tensor?[] Backward(Tensor dOut)
    {
        Tensor mask;
        using (GradMode.NoGrad())
        {
            var isMax = BinaryMasks.Zip(x.Detach(), _yKept, default(EqualFn));
            mask = isMax.Div(isMax.Sum(axes, keepdim: true));
        }
        return [dOut.Reshape(_yKept.Dims).Mul(mask)];
    }
}
