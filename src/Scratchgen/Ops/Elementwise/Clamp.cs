using System.Numerics;
using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = min(max(x, lo), hi)      dx = dy * [lo <= x <= hi]
public readonly struct ClampFn(double lo, double hi) : IUnaryFn
{
    public T Apply<T>(T x) where T : struct, IFloatingPointIeee754<T> =>
        T.Min(T.Max(x, T.CreateTruncating(lo)), T.CreateTruncating(hi));

    public Vector256<float> Apply(Vector256<float> x) =>
        Vector256.Min(Vector256.Max(x, Vector256.Create((float)lo)), Vector256.Create((float)hi));

    public T Derivative<T>(T x, T y) where T : struct, IFloatingPointIeee754<T> => new InRangeFn(lo, hi).Apply(x);

    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => new InRangeFn(lo, hi).Apply(x);
}

internal sealed class ClampOp(Tensor x, double lo, double hi) : UnaryOp<ClampFn>(x, new ClampFn(lo, hi))
{
    public override string Name => "clamp";
    public override string Rule => "dx = dy * [lo <= x <= hi]";
    protected override Tensor CompositeGrad(Tensor dOut) => dOut.Mul(Masks.Map(X, new InRangeFn(lo, hi)));
}
