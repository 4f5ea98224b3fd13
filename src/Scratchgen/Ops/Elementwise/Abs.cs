using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = |x|           dx = dy * sign(x)   (sign(0) = 0, as in PyTorch)
internal readonly struct AbsFn : IUnaryFn
{
    public T Apply<T>(T x) where T : struct, IReal<T> => T.Abs(x);
    public Vector256<float> Apply(Vector256<float> x) => Vector256.Abs(x);
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => default(SignFn).Apply(x);
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => default(SignFn).Apply(x);
}

internal sealed class AbsOp(Tensor x) : UnaryOp<AbsFn>(x, default)
{
    public override string Name => "abs";
    public override string Rule => "dx = dy * sign(x)";
    protected override Tensor CompositeGrad(Tensor dOut) => dOut.Mul(Masks.Map(X, default(SignFn)));
}
