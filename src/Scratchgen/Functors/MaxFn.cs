using System.Runtime.Intrinsics;

namespace Scratchgen.Functors;

/// <summary>y = max of x; NaN wins, as in PyTorch. The backends' softmax row kernels use it too.</summary>
internal readonly struct MaxFn : IReduceFn
{
    public T Identity<T>() where T : struct, IReal<T> => T.NegativeInfinity;
    public T Load<T>(T x) where T : struct, IReal<T> => x;
    public T Combine<T>(T a, T b) where T : struct, IReal<T> => T.IsNaN(b) || b > a ? b : a;
    public Vector256<float> Load(Vector256<float> x) => x;
    public Vector256<float> Combine(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);

    public float Horizontal(Vector256<float> v)
    {
        float m = v[0];
        for (int i = 1; i < 8; i++) m = Math.Max(m, v[i]);
        return m;
    }
}
