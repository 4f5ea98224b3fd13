using System.Numerics;
using System.Runtime.Intrinsics;

namespace Scratchgen.Backends;

/// <summary>An elementwise function y = f(x), written once and specialised by the JIT (and later by
/// ILGPU) for every backend: a generic scalar form (float or double) and an 8-lane float form.</summary>
public interface IUnaryFn
{
    T Apply<T>(T x) where T : struct, IFloatingPointIeee754<T>;

    Vector256<float> Apply(Vector256<float> x);

    /// <summary>dy/dx, given x and y = f(x) (whichever is cheaper to use).</summary>
    T Derivative<T>(T x, T y) where T : struct, IFloatingPointIeee754<T>;

    Vector256<float> Derivative(Vector256<float> x, Vector256<float> y);
}

/// <summary>An elementwise function y = f(a, b).</summary>
public interface IBinaryFn
{
    T Apply<T>(T a, T b) where T : struct, IFloatingPointIeee754<T>;

    Vector256<float> Apply(Vector256<float> a, Vector256<float> b);
}

/// <summary>An associative reduction (sum, max, sum of squares) with its identity: y = Combine over i of
/// Load(x_i). Load is applied once to each input element (identity for sum and max, x^2 for a sum of
/// squares); partial results are combined with Combine alone.</summary>
public interface IReduceFn
{
    T Identity<T>() where T : struct, IFloatingPointIeee754<T>;

    T Load<T>(T x) where T : struct, IFloatingPointIeee754<T>;

    Vector256<float> Load(Vector256<float> x);

    T Combine<T>(T a, T b) where T : struct, IFloatingPointIeee754<T>;

    Vector256<float> Combine(Vector256<float> a, Vector256<float> b);

    /// <summary>Reduces the 8 lanes to one value.</summary>
    float Horizontal(Vector256<float> v);
}
