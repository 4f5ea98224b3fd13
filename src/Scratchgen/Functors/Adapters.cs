using System.Runtime.Intrinsics;

namespace Scratchgen.Functors;

/// <summary>A reduction's second stage, over partial results: Combine as TFn's, Load the identity (a sum of squares must
/// not square its partial sums).</summary>
internal readonly struct PartialsOf<TFn>(TFn fn) : IReduceFn where TFn : struct, IReduceFn
{
    public T Identity<T>() where T : struct, IReal<T> => fn.Identity<T>();
    public T Load<T>(T x) where T : struct, IReal<T> => x;
    public T Combine<T>(T a, T b) where T : struct, IReal<T> => fn.Combine(a, b);
    public Vector256<float> Load(Vector256<float> x) => x;
    public Vector256<float> Combine(Vector256<float> a, Vector256<float> b) => fn.Combine(a, b);
    public float Horizontal(Vector256<float> v) => fn.Horizontal(v);
}

/// <summary>f(a, b) = g(a) for a unary g: a unary function where a kernel takes a binary one (a mean of g(x) through the
/// fused sum of f(a, b), run with b = a).</summary>
internal readonly struct FirstOf<TFn>(TFn fn) : IBinaryFn where TFn : struct, IUnaryFn
{
    public T Apply<T>(T a, T b) where T : struct, IReal<T> => fn.Apply(a);
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => fn.Apply(a);
}
