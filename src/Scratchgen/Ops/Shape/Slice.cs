using Scratchgen.Autograd;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = x[..., start:start+length, ...] along one axis: a view (offset moved, shape shortened)
// dx = dy placed into zeros of x's shape at the same position (SliceGradOp)
internal sealed class SliceOp(Tensor x, int axis, int start, int length) : Op(x)
{
    public override string Name => "slice";
    public override string Rule => "dx = zeros with dy written at the slice";

    protected override Tensor Forward() => View(x, axis, start, length);

    public override Tensor?[] Backward(Tensor dOut) => [new SliceGradOp(dOut, x.Dims, axis, start).Run()];

    public static Tensor View(Tensor x, int axis, int start, int length)
    {
        var dims = (int[])x.Dims.Clone();
        dims[axis] = length;
        return new Tensor(x.Storage, dims, x.StrideArray, x.Offset + start * x.StrideArray[axis]);
    }
}

// y = zeros(shape) with y[..., start:start+n, ...] = g   (the adjoint of slicing)
// dg = dy[..., start:start+n, ...]
internal sealed class SliceGradOp(Tensor g, int[] shape, int axis, int start) : Op(g)
{
    public override string Name => "slice_backward";
    public override string Rule => "dg = slice of dy";

    protected override Tensor Forward()
    {
        var y = NewOutput(shape);
        Backend.Copy(g, SliceOp.View(y, axis, start, g.Dims[axis]));
        return y;
    }

    public override Tensor?[] Backward(Tensor dOut) => [dOut.Slice(axis, start, start + g.Dims[axis])];
}
