using System.Numerics;
using System.Runtime.Intrinsics;
using Scratchgen.Backends;

namespace Scratchgen.Ops;

// y = alpha a + beta b: one Zip for an exponential moving average updated in place (batch norm's running
// statistics: running = (1 - momentum) running + momentum scale stat), where Mul, Mul, Add and a Copy back
// would be four kernels. Not an op on the tape: used off the tape only, so it has no backward.
public readonly struct LinearCombinationFn(double alpha, double beta) : IBinaryFn
{
    public double Alpha => alpha;
    public double Beta => beta;

    public T Apply<T>(T a, T b) where T : struct, IFloatingPointIeee754<T> => T.CreateTruncating(alpha) * a + T.CreateTruncating(beta) * b;
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a * (float)alpha + b * (float)beta;
}
