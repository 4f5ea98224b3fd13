using ILGPU;
using ILGPU.Algorithms;
using Scratchgen.Functors;

namespace Scratchgen.Backends.Ilgpu.Kernels;

// Fused batch norm (training mode) per channel c of a contiguous x (N, C, HW) (HW = 1 for (N, C)):
// the channel's m = N HW values sit at (n C + c) HW + j, j < HW, and e = n HW + j numbers them.
//   stats:    mean = sum x / m,  var = sum (x - mean)^2 / m               (two passes: no cancellation);
//             in training also invStd and the running statistics (TrainingStats)
//   forward:  y = x a + b,  a = invStd gamma,  b = beta - mean a           (one thread per element)
//   backward: sdy = sum dy,  sdx = sum dy (x - mean)                        (one pass), then
//             dBeta = sdy,  dGamma = invStd sdx,
//             dx = A dy + B x + C0,  A = gamma invStd,  B = -A invStd^2 sdx / m,
//             C0 = -A sdy / m - B mean                                      (a second pass, same group)
// Stats and backward are explicitly grouped: one group per channel (groups g, g + grid, ... when
// C > grid), G threads; thread t folds e = t, t + G, ... in order, then a shared-memory tree halves the
// G partial sums. The order of every addition depends only on G and the shape: bit-reproducible, no
// atomics. The backward is one launch (sums and dx in the same group), forward and stats one each: the
// composite BatchNormLowering launched 50 kernels for the three on a (4, 3, 5, 5) input, memsets included.
internal static class BatchNormKernels
{
    // gamma, beta, dGamma, dBeta may be absent: Flags bits say which are present (the views of absent
    // ones are placeholders the kernels never read or write).
    public const int HasGamma = 1, HasBeta = 2, HasDGamma = 4, HasDBeta = 8;

    // The statistics (mean, var) and, as BatchNormStatsExtras says, what a training forward needs next (BatchNormLowering.BatchNormTrainingStats),
    // written by thread 0 of each channel's group with the float operations the separate Map and Zip launches
    // of the composite would run (AddScalarFn(eps) then PowFn(-1/2), LinearCombinationFn(keep, take)):
    //   invStd = (var + eps)^(-1/2),  running = keep running + take stat
    // so the results are those launches' bits. Absent operands are placeholders never touched.
    public static void TrainingStats(ArrayView<float> x, ArrayView<float> mean, ArrayView<float> variance, ArrayView<float> invStd,
        ArrayView<float> runningMean, ArrayView<float> runningVar, BatchNormShape s, BatchNormStatsExtras extras)
    {
        var partial = SharedMemory.Allocate<float>(ReduceKernels.MaxGroup);
        int t = Group.IdxX, g = Group.DimX, m = s.M;
        for (int c = Grid.IdxX; c < s.C; c += Grid.DimX)
        {
            float sum = 0;
            for (int e = t; e < m; e += g) sum += x[s.At(c, e)];
            float mu = ReduceKernels.GroupTree(partial, sum, t, g, default(SumFn)) / m;
            float squares = 0;
            for (int e = t; e < m; e += g)
            {
                float d = x[s.At(c, e)] - mu;
                squares += d * d;
            }
            float v = ReduceKernels.GroupTree(partial, squares, t, g, default(SumFn)) / m;
            if (t == 0)
            {
                mean[c] = mu;
                variance[c] = v;
                if ((extras.Flags & BatchNormStatsExtras.HasInvStd) != 0)
                    invStd[c] = XMath.Pow(v + extras.Eps, -0.5f);
                if ((extras.Flags & BatchNormStatsExtras.HasRunningMean) != 0)
                    runningMean[c] = extras.Keep * runningMean[c] + extras.TakeMean * mu;
                if ((extras.Flags & BatchNormStatsExtras.HasRunningVariance) != 0)
                    runningVar[c] = extras.Keep * runningVar[c] + extras.TakeVariance * v;
            }
        }
    }

    // Forward followed by an activation: y = f(x a + b) (IFusedBatchNorm.TryForward; plain batch norm with
    // f the identity, IdentityFn). Launch: implicitly grouped, one thread per element of x.
    public static void ForwardThen<TFn>(Index1D i, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> invStd,
        ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> y, BatchNormShape s, int flags, TFn fn)
        where TFn : struct, IUnaryFn
    {
        var (a, b) = Affine(i / s.HW % s.C, mean, invStd, gamma, beta, flags);
        y[i] = fn.Apply(x[i] * a + b);
    }

    // Backward through the activation and batch norm from y = f(z): z = x a + b recomputed, dz = dy f'(z, y),
    // then the backward's two passes over dz (one launch). With f the identity (IdentityFn), dz = dy: plain
    // batch norm's backward.
    public static void BackwardThen<TFn>(ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> mean, ArrayView<float> invStd,
        ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> dx, ArrayView<float> dGamma, ArrayView<float> dBeta, BatchNormShape s, int flags, TFn fn)
        where TFn : struct, IUnaryFn
    {
        var partial = SharedMemory.Allocate<float>(ReduceKernels.MaxGroup);
        int t = Group.IdxX, g = Group.DimX, m = s.M;
        for (int c = Grid.IdxX; c < s.C; c += Grid.DimX)
        {
            float mu = mean[c], inv = invStd[c];
            var (za, zb) = Affine(c, mean, invStd, gamma, beta, flags);
            float sd = 0, sdx = 0;
            for (int e = t; e < m; e += g)
            {
                int at = s.At(c, e);
                float xv = x[at], dz = dy[at] * fn.Derivative(xv * za + zb, y[at]);
                sd += dz;
                sdx += dz * (xv - mu);
            }
            float sumDz = ReduceKernels.GroupTree(partial, sd, t, g, default(SumFn));
            float sumDzXc = ReduceKernels.GroupTree(partial, sdx, t, g, default(SumFn));
            var (b, c0) = InputGradient(za, inv, mu, sumDz, sumDzXc, m);
            for (int e = t; e < m; e += g)
            {
                int at = s.At(c, e);
                float xv = x[at];
                dx[at] = za * (dy[at] * fn.Derivative(xv * za + zb, y[at])) + b * xv + c0;
            }
            if (t == 0) StoreParameterGradients(c, inv, sumDz, sumDzXc, dGamma, dBeta, flags);
        }
    }

    // The normalizing scale of channel c: a = invStd gamma (gamma 1 when absent).
    private static float Scale(int c, ArrayView<float> invStd, ArrayView<float> gamma, int flags) =>
        invStd[c] * ((flags & HasGamma) != 0 ? gamma[c] : 1f);

    // y = x a + b for channel c: a = Scale, b = beta - mean a (beta 0 when absent).
    private static (float A, float B) Affine(int c, ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> gamma,
        ArrayView<float> beta, int flags)
    {
        float a = Scale(c, invStd, gamma, flags);
        return (a, ((flags & HasBeta) != 0 ? beta[c] : 0f) - mean[c] * a);
    }

    // dx = a dy + B x + C0 from the channel's two sums (sum dy, sum dy (x - mean)) over its m values:
    // B = -a invStd^2 sumXc / m, C0 = -a sum / m - B mean.
    private static (float B, float C0) InputGradient(float a, float inv, float mean, float sum, float sumXc, int m)
    {
        float b = -a * inv * inv * sumXc / m;
        return (b, -a * sum / m - b * mean);
    }

    // dBeta = sum dy, dGamma = invStd sum dy (x - mean), where asked for.
    private static void StoreParameterGradients(int c, float inv, float sum, float sumXc, ArrayView<float> dGamma, ArrayView<float> dBeta, int flags)
    {
        if ((flags & HasDBeta) != 0) dBeta[c] = sum;
        if ((flags & HasDGamma) != 0) dGamma[c] = inv * sumXc;
    }
}

// x as (N, C, HW), contiguous: element e = n HW + j of channel c is at (n C + c) HW + j.
// What BatchNormKernels.TrainingStats writes besides mean and variance (Flags), and the constants: eps, and the
// running statistics' coefficients (BatchNormRunning.Coefficients), as float32 like the functors' own parameters.
internal readonly struct BatchNormStatsExtras(int flags, float eps, float keep, float takeMean, float takeVariance)
{
    public const int HasInvStd = 1, HasRunningMean = 2, HasRunningVariance = 4;

    public readonly int Flags = flags;
    public readonly float Eps = eps, Keep = keep, TakeMean = takeMean, TakeVariance = takeVariance;
}

internal readonly struct BatchNormShape(int n, int c, int hw)
{
    public readonly int N = n, C = c, HW = hw;

    public int M => N * HW;

    public int At(int channel, int e)
    {
        int n = e / HW;
        return (n * C + channel) * HW + (e - n * HW);
    }
}
