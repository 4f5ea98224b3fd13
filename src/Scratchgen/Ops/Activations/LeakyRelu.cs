using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = x > 0 ? x : slope * x        dx = dy * (x > 0 ? 1 : slope)
internal readonly struct LeakyReluFn(double slope) : IUnaryFn
{
    private readonly Constant _slope = new(slope);

    public T Apply<T>(T x) where T : struct, IReal<T> => x > T.Zero ? x : x * T.Of(_slope);
    public Vector256<float> Apply(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * _slope.Single);
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => new LeakySlopeFn(_slope).Apply(x);
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => new LeakySlopeFn(_slope).Apply(x);
}

internal sealed class LeakyReluOp(Tensor x, double slope) : UnaryOp<LeakyReluFn>(x, new LeakyReluFn(slope))
{
    public override string Name => "leaky_relu";
    public override string Rule => "dx = dy * (x > 0 ? 1 : slope)";
    protected override Tensor CompositeGrad(Tensor dOut) => dOut.Mul(Masks.Map(X, new LeakySlopeFn(slope)));
}
