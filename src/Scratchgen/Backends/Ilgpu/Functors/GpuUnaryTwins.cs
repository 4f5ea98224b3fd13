using ILGPU.Algorithms;

namespace Scratchgen.Backends.Ilgpu.Functors;

// GPU twins of the unary op functors, one line of math each; the op functor's file holds the
// derivation. Parameters arrive converted to float by FunctorTwins.

internal readonly struct GpuExp : IGpuUnary
{
    public float Apply(float x) => XMath.Exp(x);
    public float Derivative(float x, float y) => y;
}

internal readonly struct GpuLog : IGpuUnary
{
    public float Apply(float x) => XMath.Log(x);
    public float Derivative(float x, float y) => 1f / x;
}

internal readonly struct GpuSqrt : IGpuUnary
{
    public float Apply(float x) => XMath.Sqrt(x);
    public float Derivative(float x, float y) => 1f / (y + y);
}

internal readonly struct GpuAbs : IGpuUnary
{
    public float Apply(float x) => XMath.Abs(x);
    public float Derivative(float x, float y) => default(GpuSign).Apply(x);
}

// x^p: integer exponents by repeated multiplication (exact, and right for negative x, where
// XMath.Pow would give NaN); other exponents through XMath.Pow (x > 0 in their domain).
internal readonly struct GpuPow(float p) : IGpuUnary
{
    public readonly float P = p;

    public float Apply(float x) => Power(x, P);
    public float Derivative(float x, float y) => P == 2f ? x + x : P * Power(x, P - 1f);

    private static float Power(float x, float p)
    {
        if (p == 2f) return x * x;
        if (p != XMath.Floor(p) || XMath.Abs(p) > 64f) return XMath.Pow(x, p);
        int n = (int)XMath.Abs(p);
        float r = 1f;
        for (int i = 0; i < n; i++) r *= x;
        return p < 0f ? 1f / r : r;
    }
}

internal readonly struct GpuClamp(float lo, float hi) : IGpuUnary
{
    public readonly float Lo = lo, Hi = hi;
    public float Apply(float x) => XMath.Min(XMath.Max(x, Lo), Hi);
    public float Derivative(float x, float y) => new GpuInRange(Lo, Hi).Apply(x);
}

internal readonly struct GpuStep : IGpuUnary
{
    public float Apply(float x) => x > 0f ? 1f : 0f;
    public float Derivative(float x, float y) => 0f;
}

internal readonly struct GpuSign : IGpuUnary
{
    public float Apply(float x) => x > 0f ? 1f : x < 0f ? -1f : 0f;
    public float Derivative(float x, float y) => 0f;
}

internal readonly struct GpuInRange(float lo, float hi) : IGpuUnary
{
    public readonly float Lo = lo, Hi = hi;
    public float Apply(float x) => x >= Lo && x <= Hi ? 1f : 0f;
    public float Derivative(float x, float y) => 0f;
}

internal readonly struct GpuLeakySlope(float slope) : IGpuUnary
{
    public readonly float Slope = slope;
    public float Apply(float x) => x > 0f ? 1f : Slope;
    public float Derivative(float x, float y) => 0f;
}

internal readonly struct GpuAddScalar(float s) : IGpuUnary
{
    public readonly float S = s;
    public float Apply(float x) => x + S;
    public float Derivative(float x, float y) => 1f;
}

internal readonly struct GpuMulScalar(float s) : IGpuUnary
{
    public readonly float S = s;
    public float Apply(float x) => x * S;
    public float Derivative(float x, float y) => S;
}

// f(x) = x: no op functor has it as a twin; plain batch norm is the fused batch norm + activation kernels
// specialized by it (f' = 1, so dz = dy).
internal readonly struct GpuIdentity : IGpuUnary
{
    public float Apply(float x) => x;
    public float Derivative(float x, float y) => 1f;
}

internal readonly struct GpuRelu : IGpuUnary
{
    public float Apply(float x) => x > 0f ? x : 0f;
    public float Derivative(float x, float y) => x > 0f ? 1f : 0f;
}

internal readonly struct GpuLeakyRelu(float slope) : IGpuUnary
{
    public readonly float Slope = slope;
    public float Apply(float x) => x > 0f ? x : x * Slope;
    public float Derivative(float x, float y) => x > 0f ? 1f : Slope;
}

internal readonly struct GpuElu(float alpha) : IGpuUnary
{
    public readonly float Alpha = alpha;
    public float Apply(float x) => x > 0f ? x : Alpha * (XMath.Exp(x) - 1f);
    public float Derivative(float x, float y) => x > 0f ? 1f : y + Alpha;
}

internal readonly struct GpuSigmoid : IGpuUnary
{
    public float Apply(float x) => 1f / (1f + XMath.Exp(-x));
    public float Derivative(float x, float y) => y * (1f - y);
}

internal readonly struct GpuTanh : IGpuUnary
{
    public float Apply(float x) => XMath.Tanh(x);
    public float Derivative(float x, float y) => 1f - y * y;
}

// log(1 + exp(x)) = max(x, 0) + log(1 + exp(-|x|))
internal readonly struct GpuSoftplus : IGpuUnary
{
    public float Apply(float x) => XMath.Max(x, 0f) + XMath.Log(1f + XMath.Exp(-XMath.Abs(x)));
    public float Derivative(float x, float y) => default(GpuSigmoid).Apply(x);
}
