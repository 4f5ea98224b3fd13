using Scratchgen.Autograd;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y[i] = x[i with i[axis] replaced by index[i]]    (torch.gather; y has the index's shape)
// dx = zeros(x) with dx[i with i[axis] = index[i]] += dy[i]   (ScatterAddOp)
internal sealed class GatherOp(Tensor x, int axis, int[] index, int[] indexShape) : Op(x)
{
    public override string Name => "gather";
    public override string Rule => "dx = scatter_add(dy) at the gathered positions";

    protected override Tensor Forward()
    {
        Validate(x.Dims, axis, index, indexShape);
        var y = NewOutput(indexShape);
        Backend.Gather(x, axis, index, y);
        return y;
    }

    public override Tensor?[] Backward(Tensor dOut) => [new ScatterAddOp(dOut, x.Dims, axis, index).Run()];

    public static void Validate(int[] xShape, int axis, int[] index, int[] indexShape)
    {
        if (indexShape.Length != xShape.Length)
            throw new ShapeException("gather", $"index shape {Shapes.Format(indexShape)} must have the rank of input shape {Shapes.Format(xShape)}");
        if (Shapes.Numel(indexShape) != index.Length)
            throw new ShapeException("gather", $"{index.Length} indices do not fill index shape {Shapes.Format(indexShape)}");
        for (int d = 0; d < xShape.Length; d++)
            if (d != axis && indexShape[d] > xShape[d])
                throw new ShapeException("gather", $"index shape {Shapes.Format(indexShape)} exceeds input shape {Shapes.Format(xShape)} on axis {d}");
        foreach (int i in index)
            if (i < 0 || i >= xShape[axis])
                throw new ArgumentOutOfRangeException(nameof(index), i, $"gather: index {i} is out of range for axis {axis} of size {xShape[axis]}");
    }
}

// y = zeros(shape); y[i with i[axis] = index[i]] += g[i]
// dg = gather(dy, axis, index)
internal sealed class ScatterAddOp(Tensor g, int[] shape, int axis, int[] index) : Op(g)
{
    public override string Name => "scatter_add";
    public override string Rule => "dg = gather(dy) at the scattered positions";

    protected override Tensor Forward()
    {
        var y = NewOutput(shape);
        Backend.ScatterAdd(g, axis, index, y);
        return y;
    }

    public override Tensor?[] Backward(Tensor dOut) => [dOut.Gather(axis, index, g.Dims)];
}
