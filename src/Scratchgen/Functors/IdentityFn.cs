using System.Runtime.Intrinsics;

namespace Scratchgen.Functors;

/// <summary>f(x) = x, f' = 1: the activation of a fused kernel that has none (plain batch norm is batch norm + identity).</summary>
internal readonly struct IdentityFn : IUnaryFn
{
    public T Apply<T>(T x) where T : struct, IReal<T> => x;
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => T.One;
    public Vector256<float> Apply(Vector256<float> x) => x;
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => Vector256<float>.One;
}
