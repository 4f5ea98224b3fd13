using Scratchgen.Autograd;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = [x_0 | x_1 | ...] joined along one axis (all other sizes equal)
// dx_i = the slice of dy where x_i was written
internal sealed class ConcatOp(Tensor[] inputs, int axis) : Op(inputs)
{
    private readonly Tensor[] _xs = inputs;

    public override string Name => "concat";
    public override string Rule => "dx_i = slice of dy at x_i's place";

    protected override Tensor Forward()
    {
        var dims = (int[])_xs[0].Dims.Clone();
        dims[axis] = 0;
        foreach (var x in _xs)
        {
            if (x.Rank != dims.Length || Enumerable.Range(0, dims.Length).Any(d => d != axis && x.Dims[d] != _xs[0].Dims[d]))
                throw new ShapeException("concat", $"along axis {axis}: shapes {Shapes.Format(_xs[0].Dims)} and {Shapes.Format(x.Dims)} differ outside that axis");
            dims[axis] += x.Dims[axis];
        }
        var y = NewOverwrittenOutput(dims); // the inputs' slices cover every element of y
        int start = 0;
        foreach (var x in _xs)
        {
            Backend.Copy(x, SliceOp.View(y, axis, start, x.Dims[axis]));
            start += x.Dims[axis];
        }
        return y;
    }

    public override Tensor?[] Backward(Tensor dOut)
    {
        var grads = new Tensor?[_xs.Length];
        int start = 0;
        for (int i = 0; i < _xs.Length; i++)
        {
            int n = _xs[i].Dims[axis];
            if (_xs[i].RequiresGrad) grads[i] = dOut.Slice(axis, start, start + n);
            start += n;
        }
        return grads;
    }
}
