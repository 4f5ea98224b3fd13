using System.Numerics;
using System.Runtime.Intrinsics;
using Scratchgen.Backends;

namespace Scratchgen.Optim;

// Elementwise update rules used in place by SGD (y aliases a): each one is a binary functor run by
// the backend's Zip kernel. Adam has its own fused kernel (IBackend.AdamStep).

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
