using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = x > 0 ? x : alpha (exp(x) - 1)       dx = dy * (x > 0 ? 1 : y + alpha)
internal readonly struct EluFn(double alpha) : IUnaryFn
{
    private readonly Constant _alpha = new(alpha);

    public T Apply<T>(T x) where T : struct, IReal<T> =>
        x > T.Zero ? x : T.Of(_alpha) * (T.Exp(x) - T.One);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> x) => Vector256.ConditionalSelect(
        Vector256.GreaterThan(x, Vector256<float>.Zero), x, (SimdMath.ExpClamped(x) - Vector256<float>.One) * _alpha.Single);
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => x > T.Zero ? T.One : y + T.Of(_alpha);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => Vector256.ConditionalSelect(
        Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One, y + Vector256.Create(_alpha.Single));
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
