using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;

namespace Scratchgen.Ops;

// y = alpha a + beta b: one Zip for an exponential moving average updated in place (batch norm's running
// statistics: running = (1 - momentum) running + momentum scale stat), where Mul, Mul, Add and a Copy back
// would be four kernels. Not an op on the tape: used off the tape only, so it has no backward.
internal readonly struct LinearCombinationFn(double alpha, double beta) : IBinaryFn
{
    private readonly Constant _alpha = new(alpha), _beta = new(beta);

    public T Apply<T>(T a, T b) where T : struct, IReal<T> => T.Of(_alpha) * a + T.Of(_beta) * b;
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a * _alpha.Single + b * _beta.Single;
}
