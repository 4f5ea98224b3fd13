using System.Numerics;
using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = x > 0 ? x : slope * x        dx = dy * (x > 0 ? 1 : slope)
public readonly struct LeakyReluFn(double slope) : IUnaryFn
{
    public T Apply<T>(T x) where T : struct, IFloatingPointIeee754<T> => x > T.Zero ? x : x * T.CreateTruncating(slope);
    public Vector256<float> Apply(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * (float)slope);
    public T Derivative<T>(T x, T y) where T : struct, IFloatingPointIeee754<T> => new LeakySlopeFn(slope).Apply(x);
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => new LeakySlopeFn(slope).Apply(x);
}

internal sealed class LeakyReluOp(Tensor x, double slope) : UnaryOp<LeakyReluFn>(x, new LeakyReluFn(slope))
{
    public override string Name => "leaky_relu";
    public override string Rule => "dx = dy * (x > 0 ? 1 : slope)";
    protected override Tensor CompositeGrad(Tensor dOut) => dOut.Mul(Masks.Map(X, new LeakySlopeFn(slope)));
}
