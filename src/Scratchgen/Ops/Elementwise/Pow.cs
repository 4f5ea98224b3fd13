using System.Numerics;
using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = x^p (p a constant)      dx = dy * p * x^(p-1)
// The vector form is exact for the common exponents (2, 1, 0.5, -1) and falls back to per-lane pow.
public readonly struct PowFn(double p) : IUnaryFn
{
    public double P => p;

    public T Apply<T>(T x) where T : struct, IFloatingPointIeee754<T> =>
        p == 2 ? x * x : T.Pow(x, T.CreateTruncating(p));

    public Vector256<float> Apply(Vector256<float> x) => p switch
    {
        2 => x * x,
        1 => x,
        0.5 => Vector256.Sqrt(x),
        -1 => Vector256<float>.One / x,
        _ => PerLane(x, (float)p),
    };

    public T Derivative<T>(T x, T y) where T : struct, IFloatingPointIeee754<T> =>
        p == 2 ? x + x : T.CreateTruncating(p) * T.Pow(x, T.CreateTruncating(p - 1));

    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => p switch
    {
        2 => x + x,
        1 => Vector256<float>.One,
        _ => new PowFn(p - 1).Apply(x) * (float)p,
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
