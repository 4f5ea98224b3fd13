using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = min(max(x, lo), hi)      dx = dy * [lo <= x <= hi]
internal readonly struct ClampFn(double lo, double hi) : IUnaryFn
{
    private readonly Constant _lo = new(lo), _hi = new(hi);

    public T Apply<T>(T x) where T : struct, IReal<T> =>
        T.Min(T.Max(x, T.Of(_lo)), T.Of(_hi));

    public Vector256<float> Apply(Vector256<float> x) =>
        Vector256.Min(Vector256.Max(x, Vector256.Create(_lo.Single)), Vector256.Create(_hi.Single));

    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => new InRangeFn(_lo, _hi).Apply(x);

    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => new InRangeFn(_lo, _hi).Apply(x);
}

internal sealed class ClampOp(Tensor x, double lo, double hi) : UnaryOp<ClampFn>(x, new ClampFn(lo, hi))
{
    public override string Name => "clamp";
    public override string Rule => "dx = dy * [lo <= x <= hi]";
    protected override Tensor CompositeGrad(Tensor dOut) => dOut.Mul(Masks.Map(X, new InRangeFn(lo, hi)));
}
