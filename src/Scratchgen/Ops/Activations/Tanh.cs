using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = tanh(x)        dx = dy * (1 - y^2)
internal readonly struct TanhFn : IUnaryFn
{
    public T Apply<T>(T x) where T : struct, IReal<T> => T.Tanh(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x) => SimdMath.Tanh(x);
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => T.One - y * y;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => Vector256<float>.One - y * y;
}

internal sealed class TanhOp(Tensor x) : UnaryOp<TanhFn>(x, default)
{
    public override string Name => "tanh";
    public override string Rule => "dx = dy * (1 - y^2)";
    protected override Tensor CompositeGrad(Tensor dOut) => dOut.Mul(Y.Mul(Y).Mul(-1).Add(1));
}
