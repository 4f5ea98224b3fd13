using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = x^p (p a constant)      dx = dy * p * x^(p-1)
// Integer exponents by repeated multiplication: exact, and right for negative x, where pow gives NaN;
// other exponents through pow (x > 0 in their domain). The vector form is exact for the common
// exponents (2, 1, 0.5, -1) and falls back to per-lane pow.
internal readonly struct PowFn(double p) : IUnaryFn
{
    private readonly Constant _p = new(p), _pMinus1 = new(p - 1);

    public T Apply<T>(T x) where T : struct, IReal<T> => Power(x, _p);

    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => _p.Single == 2 ? x + x : T.Of(_p) * Power(x, _pMinus1);

    private static T Power<T>(T x, Constant p) where T : struct, IReal<T>
    {
        float e = p.Single;
        if (e == 2) return x * x;
        if (e != MathF.Floor(e) || MathF.Abs(e) > 64) return T.Pow(x, T.Of(p));
        int n = (int)MathF.Abs(e);
        T r = T.One;
        for (int i = 0; i < n; i++) r *= x;
        return e < 0 ? T.One / r : r;
    }

    public Vector256<float> Apply(Vector256<float> x) => PowerLanes(x, _p.Single);

    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => _p.Single switch
    {
        2 => x + x,
        1 => Vector256<float>.One,
        _ => PowerLanes(x, _pMinus1.Single) * _p.Single,
    };

    private static Vector256<float> PowerLanes(Vector256<float> x, float p) => p switch
    {
        2 => x * x,
        1 => x,
        0.5f => Vector256.Sqrt(x),
        -1 => Vector256<float>.One / x,
        _ => PerLane(x, p),
    };

    private static Vector256<float> PerLane(Vector256<float> x, float p)
    {
        Span<float> lanes = stackalloc float[8];
        x.CopyTo(lanes);
        for (int i = 0; i < 8; i++) lanes[i] = MathF.Pow(lanes[i], p);
        return Vector256.Create<float>(lanes);
    }
}

internal sealed class PowOp(Tensor x, double p) : UnaryOp<PowFn>(x, new PowFn(p))
{
    public override string Name => $"pow({p})";
    public override string Rule => "dx = dy * p * x^(p-1)";
    protected override Tensor CompositeGrad(Tensor dOut) =>
        p == 2 ? dOut.Mul(X.Mul(2)) : dOut.Mul(X.Pow(p - 1).Mul(p));
}
