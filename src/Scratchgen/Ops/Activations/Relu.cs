using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = max(x, 0)        dx = dy * [x > 0]
internal readonly struct ReluFn : IUnaryFn
{
    public T Apply<T>(T x) where T : struct, IReal<T> => x > T.Zero ? x : T.Zero;
    public Vector256<float> Apply(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => x > T.Zero ? T.One : T.Zero;
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => default(StepFn).Apply(x);
}

internal sealed class ReluOp(Tensor x) : UnaryOp<ReluFn>(x, default)
{
    public override string Name => "relu";
    public override string Rule => "dx = dy * [x > 0]";
    protected override Tensor CompositeGrad(Tensor dOut) => dOut.Mul(Masks.Map(X, default(StepFn)));
}
