using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = log(1 + exp(x)) = max(x, 0) + log(1 + exp(-|x|))  (the second form never overflows)
// dx = dy * sigmoid(x)
internal readonly struct SoftplusFn : IUnaryFn
{
    public T Apply<T>(T x) where T : struct, IReal<T> => T.Max(x, T.Zero) + T.LogP1(T.Exp(-T.Abs(x)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x) => SimdMath.Softplus(x);
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => default(SigmoidFn).Apply(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => SimdMath.Sigmoid(x);
}

internal sealed class SoftplusOp(Tensor x) : UnaryOp<SoftplusFn>(x, default)
{
    public override string Name => "softplus";
    public override string Rule => "dx = dy * sigmoid(x)";
    protected override Tensor CompositeGrad(Tensor dOut) => dOut.Mul(X.Sigmoid());
}
