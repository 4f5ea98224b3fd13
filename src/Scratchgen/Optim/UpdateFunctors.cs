using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;

namespace Scratchgen.Optim;

// Elementwise update rules used in place by SGD (y aliases a): each one is a binary functor run by
// the backend's Zip kernel. Adam has its own fused kernel (IBackend.AdamStep).

// y = a + alpha b                    (a parameter step, weight decay added to a gradient)
internal readonly struct AxpyFn(double alpha) : IBinaryFn
{
    private readonly Constant _alpha = new(alpha);

    public T Apply<T>(T a, T b) where T : struct, IReal<T> => a + T.Of(_alpha) * b;
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a + b * _alpha.Single;
}

// y = mu a + b                       (SGD momentum buffer)
internal readonly struct MomentumFn(double mu) : IBinaryFn
{
    private readonly Constant _mu = new(mu);

    public T Apply<T>(T a, T b) where T : struct, IReal<T> => T.Of(_mu) * a + b;
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a * _mu.Single + b;
}
