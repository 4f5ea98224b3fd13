using Scratchgen.Autograd;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = x broadcast to a larger shape: a view whose broadcast axes have stride 0 (no copy)
// dx = dy summed over the broadcast axes (the engine's SumTo does exactly that)
internal sealed class ExpandOp(Tensor x, int[] shape) : Op(x)
{
    public override string Name => "expand";
    public override string Rule => "dx = sum of dy over the broadcast axes";

    protected override Tensor Forward() => x.BroadcastView(shape);

    public override Tensor?[] Backward(Tensor dOut) => [dOut];
}

internal static class BroadcastViews
{
    /// <summary>x seen at a broadcast shape with zero strides, not recorded (kernels use it).</summary>
    public static Tensor BroadcastView(this Tensor x, int[] shape)
    {
        if (Shapes.Equal(x.Dims, shape)) return x;
        int lead = shape.Length - x.Rank;
        if (lead < 0) throw new ShapeException("expand", $"cannot expand shape {Shapes.Format(x.Dims)} to fewer dimensions {Shapes.Format(shape)}");
        var strides = new int[shape.Length];
        for (int i = 0; i < x.Rank; i++)
        {
            int size = x.Dims[i], target = shape[lead + i];
            if (size == target) strides[lead + i] = x.StrideArray[i];
            else if (size == 1) strides[lead + i] = 0;
            else throw new ShapeException("expand", $"cannot expand shape {Shapes.Format(x.Dims)} to {Shapes.Format(shape)}");
        }
        return new Tensor(x.Storage, (int[])shape.Clone(), strides, x.Offset);
    }
}
