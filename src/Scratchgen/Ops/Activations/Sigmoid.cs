using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = 1 / (1 + exp(-x))        dx = dy * y (1 - y)
internal readonly struct SigmoidFn : IUnaryFn
{
    public T Apply<T>(T x) where T : struct, IReal<T> => T.One / (T.One + T.Exp(-x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x) => SimdMath.Sigmoid(x);
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => y * (T.One - y);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => y * (Vector256<float>.One - y);
}

internal sealed class SigmoidOp(Tensor x) : UnaryOp<SigmoidFn>(x, default)
{
    public override string Name => "sigmoid";
    public override string Rule => "dx = dy * y * (1 - y)";
    protected override Tensor CompositeGrad(Tensor dOut) => dOut.Mul(Y.Mul(Y.Mul(-1).Add(1)));
}
