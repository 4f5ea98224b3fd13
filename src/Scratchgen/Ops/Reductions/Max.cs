using System.Numerics;
using System.Runtime.Intrinsics;
using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = max of x over the given axes
// dx = dy * [x == y] / (number of positions equal to the max)   (ties share the gradient evenly)
// Saves y; the tie mask is rebuilt from x and y in backward, and is a constant to autograd.
public readonly struct MaxFn : IReduceFn
{
    public T Identity<T>() where T : struct, IFloatingPointIeee754<T> => T.NegativeInfinity;
    public T Load<T>(T x) where T : struct, IFloatingPointIeee754<T> => x;
    public Vector256<float> Load(Vector256<float> x) => x;
    public T Combine<T>(T a, T b) where T : struct, IFloatingPointIeee754<T> => T.IsNaN(b) || b > a ? b : a;
    public Vector256<float> Combine(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
    public float Horizontal(Vector256<float> v)
    {
        float m = v[0];
        for (int i = 1; i < 8; i++) m = Math.Max(m, v[i]);
        return m;
    }
}

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
