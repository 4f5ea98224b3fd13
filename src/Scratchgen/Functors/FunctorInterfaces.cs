using System.Runtime.Intrinsics;

namespace Scratchgen.Functors;

// The three kinds of elementwise functor every backend's kernels are generic over. Each functor is written
// once: its generic scalar methods are the definition, run by the Reference backend (float and double), by
// the Cpu backend where it walks elements one at a time, and by the ILGPU kernels, which compile them for a
// float with ILGPU's math (IReal). The 8-lane methods are the Cpu backend's vector loop: Lanes.* derives them
// from the scalar ones lane by lane; a functor on a hot path writes them with Vector256 instead, and the Cpu
// backend's parity tests hold the two forms together.

/// <summary>An elementwise function y = f(x) and its derivative.</summary>
public interface IUnaryFn
{
    /// <summary>y = f(x).</summary>
    T Apply<T>(T x) where T : struct, IReal<T>;

    /// <summary>dy/dx, given x and y = f(x) (whichever is cheaper to use).</summary>
    T Derivative<T>(T x, T y) where T : struct, IReal<T>;

    /// <summary><see cref="Apply{T}"/> on 8 lanes.</summary>
    Vector256<float> Apply(Vector256<float> x);

    /// <summary><see cref="Derivative{T}"/> on 8 lanes.</summary>
    Vector256<float> Derivative(Vector256<float> x, Vector256<float> y);
}

/// <summary>An elementwise function y = f(a, b).</summary>
public interface IBinaryFn
{
    /// <summary>y = f(a, b).</summary>
    T Apply<T>(T a, T b) where T : struct, IReal<T>;

    /// <summary><see cref="Apply{T}"/> on 8 lanes.</summary>
    Vector256<float> Apply(Vector256<float> a, Vector256<float> b);
}

/// <summary>An associative reduction (sum, max, sum of squares) with its identity: y = Combine over i of
/// Load(x_i). Load is applied once to each input element (identity for sum and max, x^2 for a sum of
/// squares); partial results are combined with Combine alone (<see cref="PartialsOf{TFn}"/>).</summary>
public interface IReduceFn
{
    /// <summary>The value that combines with any x to give x.</summary>
    T Identity<T>() where T : struct, IReal<T>;

    /// <summary>What an input element contributes.</summary>
    T Load<T>(T x) where T : struct, IReal<T>;

    /// <summary>Two partial results as one.</summary>
    T Combine<T>(T a, T b) where T : struct, IReal<T>;

    /// <summary><see cref="Load{T}"/> on 8 lanes.</summary>
    Vector256<float> Load(Vector256<float> x);

    /// <summary><see cref="Combine{T}"/> on 8 lanes.</summary>
    Vector256<float> Combine(Vector256<float> a, Vector256<float> b);

    /// <summary>The 8 lanes combined into one value.</summary>
    float Horizontal(Vector256<float> v);
}
