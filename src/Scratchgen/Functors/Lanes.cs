using System.Runtime.Intrinsics;

namespace Scratchgen.Functors;

/// <summary>A functor's 8-lane form derived from its scalar definition, lane by lane: what a functor off the hot
/// paths returns from its Vector256 methods, so that it is written once.</summary>
internal static class Lanes
{
    /// <summary>fn.Apply on each lane of x.</summary>
    public static Vector256<float> Apply<TFn>(TFn fn, Vector256<float> x) where TFn : struct, IUnaryFn
    {
        Span<float> y = stackalloc float[Vector256<float>.Count];
        for (int i = 0; i < y.Length; i++) y[i] = fn.Apply(new HostReal<float>(x[i])).Value;
        return Vector256.Create<float>(y);
    }

    /// <summary>fn.Derivative on each lane of x and y.</summary>
    public static Vector256<float> Derivative<TFn>(TFn fn, Vector256<float> x, Vector256<float> y) where TFn : struct, IUnaryFn
    {
        Span<float> d = stackalloc float[Vector256<float>.Count];
        for (int i = 0; i < d.Length; i++) d[i] = fn.Derivative(new HostReal<float>(x[i]), new HostReal<float>(y[i])).Value;
        return Vector256.Create<float>(d);
    }

    /// <summary>fn.Apply on each pair of lanes of a and b.</summary>
    public static Vector256<float> Apply<TFn>(TFn fn, Vector256<float> a, Vector256<float> b) where TFn : struct, IBinaryFn
    {
        Span<float> y = stackalloc float[Vector256<float>.Count];
        for (int i = 0; i < y.Length; i++) y[i] = fn.Apply(new HostReal<float>(a[i]), new HostReal<float>(b[i])).Value;
        return Vector256.Create<float>(y);
    }
}
