using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = a / b         da = dy / b, db = -dy * a / b^2 = -dy * y / b
internal readonly struct DivFn : IBinaryFn
{
    public T Apply<T>(T a, T b) where T : struct, IReal<T> => a / b;
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a / b;
}

internal sealed class DivOp(Tensor a, Tensor b) : BinaryOp<DivFn>(a, b, default)
{
    public override string Name => "div";
    public override string Rule => "da = dy / b, db = -dy * y / b";
    public override Tensor?[] Backward(Tensor dOut) =>
        [A.RequiresGrad ? dOut.Div(B) : null, B.RequiresGrad ? dOut.Mul(Y).Div(B).Neg() : null];
}

// [a == b] (a constant mask: the max backward uses it to find the arg-max positions)
internal readonly struct EqualFn : IBinaryFn
{
    public T Apply<T>(T a, T b) where T : struct, IReal<T> => a == b ? T.One : T.Zero;
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => SimdMath.OneWhere(Vector256.Equals(a, b));
}
