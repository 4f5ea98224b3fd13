using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = ln(x)         dx = dy / x
internal readonly struct LogFn : IUnaryFn
{
    public T Apply<T>(T x) where T : struct, IReal<T> => T.Log(x);
    public Vector256<float> Apply(Vector256<float> x) => Vector256.Log(x);
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => T.One / x;
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => Vector256<float>.One / x;
}

internal sealed class LogOp(Tensor x) : UnaryOp<LogFn>(x, default)
{
    public override string Name => "log";
    public override string Rule => "dx = dy / x";
    protected override Tensor CompositeGrad(Tensor dOut) => dOut.Div(X);
}
