using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = x > 0 ? x : alpha (exp(x) - 1)       dx = dy * (x > 0 ? 1 : y + alpha)
public readonly struct EluFn(double alpha) : IUnaryFn
{
    public T Apply<T>(T x) where T : struct, IFloatingPointIeee754<T> =>
        x > T.Zero ? x : T.CreateTruncating(alpha) * (T.Exp(x) - T.One);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x) => Vector256.ConditionalSelect(
        Vector256.GreaterThan(x, Vector256<float>.Zero), x, (SimdMath.ExpClamped(x) - Vector256<float>.One) * (float)alpha);
    public T Derivative<T>(T x, T y) where T : struct, IFloatingPointIeee754<T> => x > T.Zero ? T.One : y + T.CreateTruncating(alpha);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => Vector256.ConditionalSelect(
        Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One, y + Vector256.Create((float)alpha));
}

internal sealed class EluOp(Tensor x, double alpha) : UnaryOp<EluFn>(x, new EluFn(alpha))
{
    public override string Name => "elu";
    public override string Rule => "dx = dy * (x > 0 ? 1 : y + alpha)";

    // mask = [x > 0];  dx = dy * (mask + (1 - mask) * (y + alpha)): differentiable through y.
    protected override Tensor CompositeGrad(Tensor dOut)
    {
        var mask = Masks.Map(X, default(StepFn));
        var negative = mask.Mul(-1).Add(1);
        return dOut.Mul(mask.Add(negative.Mul(Y.Add(alpha))));
    }
}
