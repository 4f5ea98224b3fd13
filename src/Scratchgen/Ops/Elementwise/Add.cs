using System.Numerics;
using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = a + b         da = dy, db = dy   (each summed over its broadcast axes)
public readonly struct AddFn : IBinaryFn
{
    public T Apply<T>(T a, T b) where T : struct, IFloatingPointIeee754<T> => a + b;
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a + b;
}

internal sealed class AddOp(Tensor a, Tensor b) : BinaryOp<AddFn>(a, b, default)
{
    public override string Name => "add";
    public override string Rule => "da = dy, db = dy";
    public override Tensor?[] Backward(Tensor dOut) => [dOut, dOut];
}
