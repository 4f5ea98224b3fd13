using System.Runtime.Intrinsics;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

// Fused batch norm (training mode), per channel c of x (N, C, H, W) or (N, C) (then H W = 1): the
// channel's values are N runs of H W contiguous floats, at n C H W + c H W. Channels are independent,
// so they are split over the cores; inside a channel every sum runs in a fixed order (8-lane partial
// sums per run, added into a double), so results do not depend on the thread count.
//   stats:    mean = sum x / m,  var = sum (x - mean)^2 / m           (two passes: no cancellation)
//   forward:  y = x a + b,  a = invStd gamma,  b = beta - mean a       (one pass)
//   backward: sdy = sum dy,  sdx = sum dy (x - mean)                   (one pass), then
//             dBeta = sdy,  dGamma = invStd sdx,
//             dx = A dy + B x + C0 with A = gamma invStd, B = -A invStd^2 sdx / m,
//             C0 = -A sdy / m - B mean                                 (one pass)
// About 5 passes over x for forward and backward, against about 15 for the composite form
// (kernels-docs/batchnorm.md). Non-contiguous operands take the composite BatchNormLowering.
public sealed partial class CpuBackend
{
    public void BatchNormStats(Tensor x, Tensor mean, Tensor variance)
    {
        if (!x.IsContiguous || !mean.IsContiguous || !variance.IsContiguous)
        {
            BatchNormLowering.Stats(this, x, mean, variance);
            return;
        }
        var (n, c, hw) = Layout(x);
        float[] xs = Data(x), ms = Data(mean), vs = Data(variance);
        int xo = x.Offset;
        double count = (double)n * hw;
        CpuParallel.For(c, 2L * n * hw, (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
            {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += Sum(xs.AsSpan(xo + (i * c + ch) * hw, hw));
                float mu = (float)(sum / count);
                double squares = 0;
                for (int i = 0; i < n; i++) squares += SumSquaredDeviations(xs.AsSpan(xo + (i * c + ch) * hw, hw), mu);
                ms[mean.Offset + ch] = mu;
                vs[variance.Offset + ch] = (float)(squares / count);
            }
        });
    }

    public void BatchNormForward(Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y)
    {
        if (!AllContiguous(x, mean, invStd, gamma, beta, y))
        {
            BatchNormLowering.Forward(this, x, mean, invStd, gamma, beta, y);
            return;
        }
        var (n, c, hw) = Layout(x);
        float[] xs = Data(x), ys = Data(y), ms = Data(mean), inv = Data(invStd);
        float[]? gs = gamma != null ? Data(gamma) : null, bs = beta != null ? Data(beta) : null;
        CpuParallel.For(c, (long)n * hw, (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
            {
                float a = inv[invStd.Offset + ch] * (gs != null ? gs[gamma!.Offset + ch] : 1f);
                float b = (bs != null ? bs[beta!.Offset + ch] : 0f) - ms[mean.Offset + ch] * a;
                for (int i = 0; i < n; i++)
                {
                    int start = (i * c + ch) * hw;
                    Affine(xs.AsSpan(x.Offset + start, hw), ys.AsSpan(y.Offset + start, hw), a, b);
                }
            }
        });
    }

    public void BatchNormBackward(Tensor x, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor dx, Tensor? dGamma, Tensor? dBeta)
    {
        if (!AllContiguous(x, dy, mean, invStd, gamma, dx, dGamma, dBeta))
        {
            BatchNormLowering.Backward(this, x, dy, mean, invStd, gamma, dx, dGamma, dBeta);
            return;
        }
        var (n, c, hw) = Layout(x);
        float[] xs = Data(x), dys = Data(dy), dxs = Data(dx), ms = Data(mean), inv = Data(invStd);
        float[]? gs = gamma != null ? Data(gamma) : null;
        float[]? dgs = dGamma != null ? Data(dGamma) : null, dbs = dBeta != null ? Data(dBeta) : null;
        double count = (double)n * hw;
        CpuParallel.For(c, 3L * n * hw, (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
            {
                float mu = ms[mean.Offset + ch], invCh = inv[invStd.Offset + ch];
                double sumDy = 0, sumDyXc = 0;
                for (int i = 0; i < n; i++)
                {
                    int start = (i * c + ch) * hw;
                    var (sd, sdx) = SumDyAndDyXc(dys.AsSpan(dy.Offset + start, hw), xs.AsSpan(x.Offset + start, hw), mu);
                    sumDy += sd;
                    sumDyXc += sdx;
                }
                if (dbs != null) dbs[dBeta!.Offset + ch] = (float)sumDy;
                if (dgs != null) dgs[dGamma!.Offset + ch] = (float)(invCh * sumDyXc);
                double a = invCh * (gs != null ? gs[gamma!.Offset + ch] : 1.0);
                double b = -a * invCh * invCh * sumDyXc / count;
                double c0Term = -a * sumDy / count - b * mu;
                for (int i = 0; i < n; i++)
                {
                    int start = (i * c + ch) * hw;
                    BackwardRun(dys.AsSpan(dy.Offset + start, hw), xs.AsSpan(x.Offset + start, hw), dxs.AsSpan(dx.Offset + start, hw),
                        (float)a, (float)b, (float)c0Term);
                }
            }
        });
    }

    private static (int N, int C, int HW) Layout(Tensor x) =>
        x.Rank == 2 ? (x.Dims[0], x.Dims[1], 1) : (x.Dims[0], x.Dims[1], x.Dims[2] * x.Dims[3]);

    private static bool AllContiguous(params Tensor?[] ts) => ts.All(t => t == null || t.IsContiguous);

    private static double Sum(ReadOnlySpan<float> x)
    {
        var acc = Vector256<float>.Zero;
        int i = 0;
        for (; i <= x.Length - 8; i += 8) acc += Vector256.Create(x.Slice(i, 8));
        double sum = Vector256.Sum(acc);
        for (; i < x.Length; i++) sum += x[i];
        return sum;
    }

    private static double SumSquaredDeviations(ReadOnlySpan<float> x, float mean)
    {
        var acc = Vector256<float>.Zero;
        var mu = Vector256.Create(mean);
        int i = 0;
        for (; i <= x.Length - 8; i += 8)
        {
            var d = Vector256.Create(x.Slice(i, 8)) - mu;
            acc += d * d;
        }
        double sum = Vector256.Sum(acc);
        for (; i < x.Length; i++)
        {
            double d = x[i] - mean;
            sum += d * d;
        }
        return sum;
    }

    private static (double SumDy, double SumDyXc) SumDyAndDyXc(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, float mean)
    {
        Vector256<float> accDy = Vector256<float>.Zero, accDyXc = Vector256<float>.Zero, mu = Vector256.Create(mean);
        int i = 0;
        for (; i <= x.Length - 8; i += 8)
        {
            var g = Vector256.Create(dy.Slice(i, 8));
            accDy += g;
            accDyXc += g * (Vector256.Create(x.Slice(i, 8)) - mu);
        }
        double sumDy = Vector256.Sum(accDy), sumDyXc = Vector256.Sum(accDyXc);
        for (; i < x.Length; i++)
        {
            sumDy += dy[i];
            sumDyXc += dy[i] * (double)(x[i] - mean);
        }
        return (sumDy, sumDyXc);
    }

    private static void Affine(ReadOnlySpan<float> x, Span<float> y, float a, float b)
    {
        Vector256<float> va = Vector256.Create(a), vb = Vector256.Create(b);
        int i = 0;
        for (; i <= x.Length - 8; i += 8) (Vector256.Create(x.Slice(i, 8)) * va + vb).CopyTo(y.Slice(i, 8));
        for (; i < x.Length; i++) y[i] = x[i] * a + b;
    }

    private static void BackwardRun(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dx, float a, float b, float c0)
    {
        Vector256<float> va = Vector256.Create(a), vb = Vector256.Create(b), vc = Vector256.Create(c0);
        int i = 0;
        for (; i <= x.Length - 8; i += 8)
            (Vector256.Create(dy.Slice(i, 8)) * va + Vector256.Create(x.Slice(i, 8)) * vb + vc).CopyTo(dx.Slice(i, 8));
        for (; i < x.Length; i++) dx[i] = dy[i] * a + x[i] * b + c0;
    }
}
