using System.Runtime.Intrinsics;

namespace Scratchgen.Functors;

// The sums the backends themselves run (a GEMM's split-K partials, a reduction's partials, the gradient-norm
// list kernel), below the ops that also use them.

/// <summary>y = a + b.</summary>
internal readonly struct AddFn : IBinaryFn
{
    public T Apply<T>(T a, T b) where T : struct, IReal<T> => a + b;
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a + b;
}

/// <summary>y = sum of x.</summary>
internal readonly struct SumFn : IReduceFn
{
    public T Identity<T>() where T : struct, IReal<T> => T.Zero;
    public T Load<T>(T x) where T : struct, IReal<T> => x;
    public T Combine<T>(T a, T b) where T : struct, IReal<T> => a + b;
    public Vector256<float> Load(Vector256<float> x) => x;
    public Vector256<float> Combine(Vector256<float> a, Vector256<float> b) => a + b;
    public float Horizontal(Vector256<float> v) => Vector256.Sum(v);
}

/// <summary>y = sum of x^2 (a squared L2 norm): gradient norms and finiteness checks without a temporary x^2 tensor.
/// Not an op on the tape: optimizers and clipping reduce with it directly.</summary>
internal readonly struct SumSquaresFn : IReduceFn
{
    public T Identity<T>() where T : struct, IReal<T> => T.Zero;
    public T Load<T>(T x) where T : struct, IReal<T> => x * x;
    public T Combine<T>(T a, T b) where T : struct, IReal<T> => a + b;
    public Vector256<float> Load(Vector256<float> x) => x * x;
    public Vector256<float> Combine(Vector256<float> a, Vector256<float> b) => a + b;
    public float Horizontal(Vector256<float> v) => Vector256.Sum(v);
}
