using System.Runtime.Intrinsics;

namespace Scratchgen.Backends;

/// <summary>8-lane float versions of the functions that Vector256 does not provide itself
/// (it has Exp, Log, Sqrt, Abs, Min, Max). Accuracy: a few ulp, checked against the scalar forms by tests.</summary>
public static class SimdMath
{
    private static readonly Vector256<float> One = Vector256.Create(1f);

    /// <summary>exp(x) with x clamped to [-80, 80]: exp(-80) = 1.8e-35 is still a normal float. Below
    /// about -87 exp returns subnormals, and arithmetic on subnormals takes a microcode assist of ~100
    /// cycles per lane on x86: a softplus over trained logits ran 8x slower. Every caller here only
    /// adds the result to 1 or divides 1 by it, where the clamp changes nothing visible in float32.</summary>
    public static Vector256<float> ExpClamped(Vector256<float> x) =>
        Vector256.Exp(Vector256.Min(Vector256.Max(x, Vector256.Create(-80f)), Vector256.Create(80f)));

    /// <summary>tanh x = sign(x) (1 - t) / (1 + t), t = exp(-2|x|); for |x| &lt; 1/16 the odd series
    /// x - x^3/3 + 2x^5/15 avoids the cancellation in 1 - t.</summary>
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var ax = Vector256.Abs(x);
        var t = ExpClamped(ax * -2f);
        var large = (One - t) / (One + t);
        var x2 = x * x;
        var small = ax * (One + x2 * (Vector256.Create(-1f / 3f) + x2 * Vector256.Create(2f / 15f)));
        var r = Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256.Create(0.0625f)), small, large);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), -r, r);
    }

    /// <summary>1 / (1 + exp(-x)), the exponent clamped (see <see cref="ExpClamped"/>).</summary>
    public static Vector256<float> Sigmoid(Vector256<float> x) => One / (One + ExpClamped(-x));

    /// <summary>log(1 + exp(x)) = max(x, 0) + log(1 + exp(-|x|)): never overflows.</summary>
    public static Vector256<float> Softplus(Vector256<float> x) =>
        Vector256.Max(x, Vector256<float>.Zero) + Vector256.Log(One + ExpClamped(-Vector256.Abs(x)));

    /// <summary>1.0 where the mask is set, else 0.0.</summary>
    public static Vector256<float> OneWhere(Vector256<float> mask) => mask & One;
}
