using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = a * b         da = dy * b, db = dy * a
internal readonly struct MulFn : IBinaryFn
{
    public T Apply<T>(T a, T b) where T : struct, IReal<T> => a * b;
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a * b;
}

internal sealed class MulOp(Tensor a, Tensor b) : BinaryOp<MulFn>(a, b, default)
{
    public override string Name => "mul";
    public override string Rule => "da = dy * b, db = dy * a";
    public override Tensor?[] Backward(Tensor dOut) =>
        [A.RequiresGrad ? dOut.Mul(B) : null, B.RequiresGrad ? dOut.Mul(A) : null];
}
