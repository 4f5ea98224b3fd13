using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = a - b         da = dy, db = -dy
internal readonly struct SubFn : IBinaryFn
{
    public T Apply<T>(T a, T b) where T : struct, IReal<T> => a - b;
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a - b;
}

internal sealed class SubOp(Tensor a, Tensor b) : BinaryOp<SubFn>(a, b, default)
{
    public override string Name => "sub";
    public override string Rule => "da = dy, db = -dy";
    public override Tensor?[] Backward(Tensor dOut) => [dOut, B.RequiresGrad ? dOut.Neg() : null];
}
