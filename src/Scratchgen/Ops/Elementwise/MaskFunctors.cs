using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;

namespace Scratchgen.Ops;

// Piecewise-constant functions used as masks in backward rules. Their derivative is 0 (almost
// everywhere), so they are applied with Masks.Map and never recorded on the tape.

// [x > 0]
internal readonly struct StepFn : IUnaryFn
{
    public T Apply<T>(T x) where T : struct, IReal<T> => x > T.Zero ? T.One : T.Zero;
    public Vector256<float> Apply(Vector256<float> x) => SimdMath.OneWhere(Vector256.GreaterThan(x, Vector256<float>.Zero));
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => T.Zero;
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => Vector256<float>.Zero;
}

// sign(x): -1, 0 or 1
internal readonly struct SignFn : IUnaryFn
{
    public T Apply<T>(T x) where T : struct, IReal<T> => x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Zero;
    public Vector256<float> Apply(Vector256<float> x) =>
        SimdMath.OneWhere(Vector256.GreaterThan(x, Vector256<float>.Zero)) - SimdMath.OneWhere(Vector256.LessThan(x, Vector256<float>.Zero));
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => T.Zero;
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => Vector256<float>.Zero;
}

// [lo <= x <= hi]
internal readonly struct InRangeFn(Constant lo, Constant hi) : IUnaryFn
{
    private readonly Constant _lo = lo, _hi = hi;

    public InRangeFn(double lo, double hi) : this(new Constant(lo), new Constant(hi)) { }

    public T Apply<T>(T x) where T : struct, IReal<T> =>
        x >= T.Of(_lo) && x <= T.Of(_hi) ? T.One : T.Zero;
    public Vector256<float> Apply(Vector256<float> x) => SimdMath.OneWhere(
        Vector256.GreaterThanOrEqual(x, Vector256.Create(_lo.Single)) & Vector256.LessThanOrEqual(x, Vector256.Create(_hi.Single)));
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => T.Zero;
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => Vector256<float>.Zero;
}

// x > 0 ? 1 : slope   (the derivative of leaky ReLU)
internal readonly struct LeakySlopeFn(Constant slope) : IUnaryFn
{
    private readonly Constant _slope = slope;

    public LeakySlopeFn(double slope) : this(new Constant(slope)) { }

    public T Apply<T>(T x) where T : struct, IReal<T> => x > T.Zero ? T.One : T.Of(_slope);
    public Vector256<float> Apply(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One, Vector256.Create(_slope.Single));
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => T.Zero;
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => Vector256<float>.Zero;
}
