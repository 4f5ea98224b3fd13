using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = exp(x)        dx = dy * y
internal readonly struct ExpFn : IUnaryFn
{
    public T Apply<T>(T x) where T : struct, IReal<T> => T.Exp(x);
    public Vector256<float> Apply(Vector256<float> x) => Vector256.Exp(x);
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => y;
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => y;
}

internal sealed class ExpOp(Tensor x) : UnaryOp<ExpFn>(x, default)
{
    public override string Name => "exp";
    public override string Rule => "dx = dy * exp(x) = dy * y";
    protected override Tensor CompositeGrad(Tensor dOut) => dOut.Mul(Y);
}
