using ILGPU.Algorithms;

namespace Scratchgen.Backends.Ilgpu.Functors;

// GPU twins of the binary and reduction op functors.

internal readonly struct GpuAdd : IGpuBinary
{
    public float Apply(float a, float b) => a + b;
}

internal readonly struct GpuSub : IGpuBinary
{
    public float Apply(float a, float b) => a - b;
}

internal readonly struct GpuMul : IGpuBinary
{
    public float Apply(float a, float b) => a * b;
}

internal readonly struct GpuDiv : IGpuBinary
{
    public float Apply(float a, float b) => a / b;
}

internal readonly struct GpuEqual : IGpuBinary
{
    public float Apply(float a, float b) => a == b ? 1f : 0f;
}

internal readonly struct GpuSum : IGpuReduce
{
    public float Identity() => 0f;
    public float Load(float x) => x;
    public float Combine(float a, float b) => a + b;
}

// NaN wins, as in MaxFn: (b is NaN or b > a) ? b : a
internal readonly struct GpuMax : IGpuReduce
{
    public float Identity() => float.NegativeInfinity;
    public float Load(float x) => x;
    public float Combine(float a, float b) => XMath.IsNaN(b) || b > a ? b : a;
}

// y = alpha a + beta b (Ops/Elementwise/LinearCombination.cs)
internal readonly struct GpuLinearCombination(float alpha, float beta) : IGpuBinary
{
    public readonly float Alpha = alpha, Beta = beta;
    public float Apply(float a, float b) => Alpha * a + Beta * b;
}

// Optimizer updates (Optim/UpdateFunctors.cs).

// y = a + alpha b
internal readonly struct GpuAxpy(float alpha) : IGpuBinary
{
    public readonly float Alpha = alpha;
    public float Apply(float a, float b) => a + Alpha * b;
}

// y = mu a + b
internal readonly struct GpuMomentum(float mu) : IGpuBinary
{
    public readonly float Mu = mu;
    public float Apply(float a, float b) => Mu * a + b;
}

// Fused BCE with logits (Ops/Losses/BceWithLogits.cs).

// max(a, 0) - a b + log(1 + exp(-|a|))
internal readonly struct GpuBceWithLogits : IGpuBinary
{
    public float Apply(float a, float b) => XMath.Max(a, 0f) - a * b + XMath.Log(1f + XMath.Exp(-XMath.Abs(a)));
}

// scale (sigmoid(a) - b)
internal readonly struct GpuSigmoidMinus(float scale) : IGpuBinary
{
    public readonly float Scale = scale;
    public float Apply(float a, float b) => Scale * (1f / (1f + XMath.Exp(-a)) - b);
}

// sum of x^2
// A reduction's second stage over partial results (ReduceKernels.ReduceSlices): Load is not applied
// again (a sum of squares must not square its partial sums).
// The reduce twins have no parameters, so default(TFn) is the functor.
internal readonly struct GpuPartials<TFn> : IGpuReduce where TFn : struct, IGpuReduce
{
    public float Identity() => default(TFn).Identity();
    public float Load(float x) => x;
    public float Combine(float a, float b) => default(TFn).Combine(a, b);
}

internal readonly struct GpuSumSquares : IGpuReduce
{
    public float Identity() => 0f;
    public float Load(float x) => x * x;
    public float Combine(float a, float b) => a + b;
}

// f(a, b) = g(a) for a unary twin g: a unary function where a kernel takes a binary one (ReduceKernels.SumOf,
// which MapSum runs with b = a).
internal readonly struct GpuFirst<TFn>(TFn fn) : IGpuBinary where TFn : struct, IGpuUnary
{
    public readonly TFn Fn = fn;
    public float Apply(float a, float b) => Fn.Apply(a);
}
