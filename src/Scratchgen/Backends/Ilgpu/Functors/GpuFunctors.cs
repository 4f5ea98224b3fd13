namespace Scratchgen.Backends.Ilgpu.Functors;

// The float-only functor interfaces the ILGPU kernels are generic over. Each op functor
// (Ops/**: IUnaryFn, IBinaryFn, IReduceFn) has one GPU twin implementing one of these; FunctorTwins
// maps the op functor to its twin on the host, before the launch. Why twins and not the op
// functors themselves: see kernels-docs/ilgpu.md ("Functors"). In short, ILGPU 1.5.3 compiles
// T.Exp(x) and friends for T = float, but not T.CreateTruncating(double), which every functor
// with a parameter uses, and a failed compile poisons the ILGPU context.

/// <summary>y = f(x) and dy/dx given x and y, in float, with XMath for the transcendental functions.</summary>
internal interface IGpuUnary
{
    float Apply(float x);

    float Derivative(float x, float y);
}

/// <summary>y = f(a, b).</summary>
internal interface IGpuBinary
{
    float Apply(float a, float b);
}

/// <summary>An associative combine with its identity (sum, max).</summary>
internal interface IGpuReduce
{
    float Identity();

    /// <summary>Applied once to each input element (x^2 for a sum of squares).</summary>
    float Load(float x);

    float Combine(float a, float b);
}
