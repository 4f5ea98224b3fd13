using System.Runtime.Intrinsics;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

// Fused batch norm (training mode), per channel c of x (N, C, H, W) or (N, C) (then H W = 1): the
// channel's values are N runs of H W contiguous floats, at n C H W + c H W. Channels are independent,
// so they are split over the cores; inside a channel every sum runs in a fixed order (8-lane partial
// sums per run, added into a double), so results do not depend on the thread count. (N, C) inputs
// (runs of one value) are walked row by row instead: C contiguous channels per row.
//   stats:    mean = sum x / m,  var = sum (x - mean)^2 / m           (two passes: no cancellation)
//   forward:  y = x a + b,  a = invStd gamma,  b = beta - mean a       (one pass)
//   backward: sdy = sum dy,  sdx = sum dy (x - mean)                   (one pass), then
//             dBeta = sdy,  dGamma = invStd sdx,
//             dx = A dy + B x + C0 with A = gamma invStd, B = -A invStd^2 sdx / m,
//             C0 = -A sdy / m - B mean                                 (one pass)
// About 5 passes over x for forward and backward, against about 15 for the composite form
// (kernels-docs/batchnorm.md). Non-contiguous operands are declined (the op composes them).
internal sealed partial class CpuBackend
{
    private bool TryStats(Tensor x, Tensor mean, Tensor variance)
    {
        if (!x.IsContiguous || !mean.IsContiguous || !variance.IsContiguous) return false;
        var (n, c, hw) = Layout(x);
        float[] xs = Data(x), ms = Data(mean), vs = Data(variance);
        int xo = x.Offset;
        double count = (double)n * hw;
        if (hw == 1)
        {
            RowStats(xs, xo, n, c, ms, mean.Offset, vs, variance.Offset);
            return true;
        }
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
        return true;
    }

    private bool TryPlainForward(Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y)
    {
        if (!AllContiguous(x, mean, invStd, gamma, beta, y)) return false;
        var (n, c, hw) = Layout(x);
        float[] xs = Data(x), ys = Data(y);
        // Per channel: y = x a + b.
        var (a, b) = AffineCoefficients(c, mean, invStd, gamma, beta);
        if (hw == 1)
        {
            // (N, C): each row is C contiguous channels: y_row = x_row * a + b, lane-wise over channels.
            CpuParallel.For(n, c, (r0, r1) =>
            {
                for (int i = r0; i < r1; i++) AffineRow(xs.AsSpan(x.Offset + i * c, c), ys.AsSpan(y.Offset + i * c, c), a, b);
            });
            return true;
        }
        CpuParallel.For(c, (long)n * hw, (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
                for (int i = 0; i < n; i++)
                {
                    int start = (i * c + ch) * hw;
                    Affine(xs.AsSpan(x.Offset + start, hw), ys.AsSpan(y.Offset + start, hw), a[ch], b[ch]);
                }
        });
        return true;
    }

    private bool TryPlainBackward(Tensor x, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor dx, Tensor? dGamma, Tensor? dBeta)
    {
        if (!AllContiguous(x, dy, mean, invStd, gamma, dx, dGamma, dBeta)) return false;
        var (n, c, hw) = Layout(x);
        float[] xs = Data(x), dys = Data(dy), dxs = Data(dx), ms = Data(mean);
        double count = (double)n * hw;
        // Per channel: the two sums, then dx = A dy + B x + C0.
        var sumDy = new double[c];
        var sumDyXc = new double[c];
        if (hw == 1) RowBackwardSums(dys, dy.Offset, xs, x.Offset, ms, mean.Offset, n, c, sumDy, sumDyXc);
        else
            CpuParallel.For(c, 2L * n * hw, (c0, c1) =>
            {
                for (int ch = c0; ch < c1; ch++)
                {
                    float mu = ms[mean.Offset + ch];
                    for (int i = 0; i < n; i++)
                    {
                        int start = (i * c + ch) * hw;
                        var (sd, sdx) = SumDyAndDyXc(dys.AsSpan(dy.Offset + start, hw), xs.AsSpan(x.Offset + start, hw), mu);
                        sumDy[ch] += sd;
                        sumDyXc[ch] += sdx;
                    }
                }
            });
        var (ca, cb, cc) = BackwardCoefficients(sumDy, sumDyXc, count, mean, invStd, gamma, dGamma, dBeta);
        if (hw == 1)
        {
            CpuParallel.For(n, 2L * c, (r0, r1) =>
            {
                for (int i = r0; i < r1; i++)
                    BackwardRow(dys.AsSpan(dy.Offset + i * c, c), xs.AsSpan(x.Offset + i * c, c), dxs.AsSpan(dx.Offset + i * c, c), ca, cb, cc);
            });
            return true;
        }
        CpuParallel.For(c, (long)n * hw, (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
                for (int i = 0; i < n; i++)
                {
                    int start = (i * c + ch) * hw;
                    BackwardRun(dys.AsSpan(dy.Offset + start, hw), xs.AsSpan(x.Offset + start, hw), dxs.AsSpan(dx.Offset + start, hw),
                        ca[ch], cb[ch], cc[ch]);
                }
        });
        return true;
    }

    // Per channel: a = invStd gamma, b = beta - mean a (gamma 1 and beta 0 when absent), as BatchNormForward.
    private static (float[] A, float[] B) AffineCoefficients(int c, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta)
    {
        float[] ms = Data(mean), inv = Data(invStd);
        float[]? gs = gamma != null ? Data(gamma) : null, bs = beta != null ? Data(beta) : null;
        var a = new float[c];
        var b = new float[c];
        for (int ch = 0; ch < c; ch++)
        {
            a[ch] = inv[invStd.Offset + ch] * (gs != null ? gs[gamma!.Offset + ch] : 1f);
            b[ch] = (bs != null ? bs[beta!.Offset + ch] : 0f) - ms[mean.Offset + ch] * a[ch];
        }
        return (a, b);
    }

    // From the per-channel sums sdy = sum dy and sdx = sum dy (x - mean) over count values: writes
    // dBeta = sdy and dGamma = invStd sdx where asked, and returns dx = A dy + B x + C0's coefficients,
    // A = gamma invStd, B = -A invStd^2 sdx / count, C0 = -A sdy / count - B mean (in double, then float).
    private static (float[] A, float[] B, float[] C0) BackwardCoefficients(double[] sumDy, double[] sumDyXc, double count,
        Tensor mean, Tensor invStd, Tensor? gamma, Tensor? dGamma, Tensor? dBeta)
    {
        float[] ms = Data(mean), inv = Data(invStd);
        float[]? gs = gamma != null ? Data(gamma) : null, dgs = dGamma != null ? Data(dGamma) : null, dbs = dBeta != null ? Data(dBeta) : null;
        int c = sumDy.Length;
        var (ca, cb, cc) = (new float[c], new float[c], new float[c]);
        for (int ch = 0; ch < c; ch++)
        {
            double invCh = inv[invStd.Offset + ch], mu = ms[mean.Offset + ch];
            if (dbs != null) dbs[dBeta!.Offset + ch] = (float)sumDy[ch];
            if (dgs != null) dgs[dGamma!.Offset + ch] = (float)(invCh * sumDyXc[ch]);
            double a = invCh * (gs != null ? gs[gamma!.Offset + ch] : 1.0);
            double b = -a * invCh * invCh * sumDyXc[ch] / count;
            (ca[ch], cb[ch], cc[ch]) = ((float)a, (float)b, (float)(-a * sumDy[ch] / count - b * mu));
        }
        return (ca, cb, cc);
    }

    // (N, C) inputs: rows of C contiguous channels. Sums walk the rows in order for each channel
    // (a channel range per core), so they are fixed-order too.
    private static void RowStats(float[] xs, int xo, int n, int c, float[] ms, int mo, float[] vs, int vo)
    {
        CpuParallel.For(c, 2L * n, (c0, c1) =>
        {
            var sum = new double[c1 - c0];
            for (int i = 0; i < n; i++)
            {
                int row = xo + i * c;
                for (int ch = c0; ch < c1; ch++) sum[ch - c0] += xs[row + ch];
            }
            var squares = new double[c1 - c0];
            for (int ch = c0; ch < c1; ch++) ms[mo + ch] = (float)(sum[ch - c0] / n);
            for (int i = 0; i < n; i++)
            {
                int row = xo + i * c;
                for (int ch = c0; ch < c1; ch++)
                {
                    double d = xs[row + ch] - ms[mo + ch];
                    squares[ch - c0] += d * d;
                }
            }
            for (int ch = c0; ch < c1; ch++) vs[vo + ch] = (float)(squares[ch - c0] / n);
        });
    }

    private static void RowBackwardSums(float[] dys, int dyo, float[] xs, int xo, float[] ms, int mo, int n, int c, double[] sumDy, double[] sumDyXc) =>
        CpuParallel.For(c, 2L * n, (c0, c1) =>
        {
            for (int i = 0; i < n; i++)
            {
                int rowDy = dyo + i * c, rowX = xo + i * c;
                for (int ch = c0; ch < c1; ch++)
                {
                    double g = dys[rowDy + ch];
                    sumDy[ch] += g;
                    sumDyXc[ch] += g * (xs[rowX + ch] - ms[mo + ch]);
                }
            }
        });

    private static void AffineRow(ReadOnlySpan<float> x, Span<float> y, float[] a, float[] b)
    {
        int i = 0;
        for (; i <= x.Length - 8; i += 8)
            (Vector256.Create(x.Slice(i, 8)) * Vector256.Create(a.AsSpan(i, 8)) + Vector256.Create(b.AsSpan(i, 8))).CopyTo(y.Slice(i, 8));
        for (; i < x.Length; i++) y[i] = x[i] * a[i] + b[i];
    }

    private static void BackwardRow(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dx, float[] a, float[] b, float[] c0)
    {
        int i = 0;
        for (; i <= x.Length - 8; i += 8)
            (Vector256.Create(dy.Slice(i, 8)) * Vector256.Create(a.AsSpan(i, 8)) + Vector256.Create(x.Slice(i, 8)) * Vector256.Create(b.AsSpan(i, 8))
                + Vector256.Create(c0.AsSpan(i, 8))).CopyTo(dx.Slice(i, 8));
        for (; i < x.Length; i++) dx[i] = dy[i] * a[i] + x[i] * b[i] + c0[i];
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
