using System.Numerics;
using System.Runtime.Intrinsics;
using Scratchgen.Backends;

namespace Scratchgen.Optim;

// Elementwise update rules used in place by the optimizers (y aliases a): each one is a binary
// functor run by the backend's Zip kernel, so every backend gets them without new kernels.

// y = beta a + (1 - beta) b          (exponential moving average: Adam's first moment)
public readonly struct EmaFn(double beta) : IBinaryFn
{
    public T Apply<T>(T a, T b) where T : struct, IFloatingPointIeee754<T> =>
        T.CreateTruncating(beta) * a + T.CreateTruncating(1 - beta) * b;
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a * (float)beta + b * (float)(1 - beta);
}

// y = beta a + (1 - beta) b^2        (Adam's second moment)
public readonly struct EmaSquareFn(double beta) : IBinaryFn
{
    public T Apply<T>(T a, T b) where T : struct, IFloatingPointIeee754<T> =>
        T.CreateTruncating(beta) * a + T.CreateTruncating(1 - beta) * b * b;
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a * (float)beta + b * b * (float)(1 - beta);
}

// y = (a / c1) / (sqrt(b / c2) + eps)   with a = m, b = v, c1, c2 the bias corrections: Adam's step direction
public readonly struct AdamDirectionFn(double c1, double c2, double eps) : IBinaryFn
{
    public T Apply<T>(T a, T b) where T : struct, IFloatingPointIeee754<T> =>
        a / T.CreateTruncating(c1) / (T.Sqrt(b / T.CreateTruncating(c2)) + T.CreateTruncating(eps));
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) =>
        a * (float)(1 / c1) / (Vector256.Sqrt(b * (float)(1 / c2)) + Vector256.Create((float)eps));
}

// y = a + alpha b                    (a parameter step, weight decay added to a gradient)
public readonly struct AxpyFn(double alpha) : IBinaryFn
{
    public T Apply<T>(T a, T b) where T : struct, IFloatingPointIeee754<T> => a + T.CreateTruncating(alpha) * b;
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a + b * (float)alpha;
}

// y = mu a + b                       (SGD momentum buffer)
public readonly struct MomentumFn(double mu) : IBinaryFn
{
    public T Apply<T>(T a, T b) where T : struct, IFloatingPointIeee754<T> => T.CreateTruncating(mu) * a + b;
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a * (float)mu + b;
}
