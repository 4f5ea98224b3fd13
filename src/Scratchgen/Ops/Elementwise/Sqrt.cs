using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = sqrt(x)       dx = dy / (2 y)
internal readonly struct SqrtFn : IUnaryFn
{
    public T Apply<T>(T x) where T : struct, IReal<T> => T.Sqrt(x);
    public Vector256<float> Apply(Vector256<float> x) => Vector256.Sqrt(x);
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => T.One / (y + y);
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => Vector256<float>.One / (y + y);
}

internal sealed class SqrtOp(Tensor x) : UnaryOp<SqrtFn>(x, default)
{
    public override string Name => "sqrt";
    public override string Rule => "dx = dy / (2 sqrt(x)) = dy / (2 y)";
    protected override Tensor CompositeGrad(Tensor dOut) => dOut.Div(Y.Mul(2));
}
