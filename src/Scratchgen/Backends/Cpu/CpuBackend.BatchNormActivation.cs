using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

// Batch norm's capability (IFusedBatchNorm): plain batch norm (f the identity) is CpuBackend.BatchNorm.cs; with an
// activation f, batch norm and f fused, per channel over its N runs of HW contiguous floats:
//   forward:  y = f(x a + b),  a = invStd gamma,  b = beta - mean a                 (one pass)
//   backward: z = x a + b recomputed, dz = dy f'(z, y);
//             sdy = sum dz, sdx = sum dz (x - mean)                                  (one pass)
//             dx = A dz + B x + C0 (A, B, C0 as in BatchNormBackward), dz recomputed (one pass)
// Every value is computed with the same operations, in the same order, as the unfused path (the
// batch-norm kernels, then Map or MapBackward, which only ever use f's 8-lane form: run tails are masked
// 8-lane loads, and lanes are independent), so fused and unfused results are equal bit for bit. (N, C) inputs and
// non-contiguous operands are declined (the op runs plain batch norm, then Map or MapBackward). The statistics with
// invStd and the running statistics are declined too: the op composes them from TryStatistics' plain statistics.
internal sealed partial class CpuBackend : IFusedBatchNorm
{
    public bool TryStatistics(Tensor x, Tensor mean, Tensor variance, Tensor? invStd, double eps, BatchNormRunning running) =>
        invStd == null && running.Mean == null && running.Variance == null && TryStats(x, mean, variance);

    public bool TryForward<TFn>(Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y, TFn fn) where TFn : struct, IUnaryFn
    {
        if (typeof(TFn) == typeof(IdentityFn)) return TryPlainForward(x, mean, invStd, gamma, beta, y);
        if (x.Rank != 4 || !Avx.IsSupported || !AllContiguous(x, mean, invStd, gamma, beta, y)) return false;
        var (n, c, hw) = Layout(x);
        var (a, b) = AffineCoefficients(c, mean, invStd, gamma, beta);
        float[] xs = Data(x), ys = Data(y);
        CpuParallel.For(c, (long)n * hw, (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
                for (int i = 0; i < n; i++)
                {
                    int start = (i * c + ch) * hw;
                    AffineThen(xs.AsSpan(x.Offset + start, hw), ys.AsSpan(y.Offset + start, hw), a[ch], b[ch], fn);
                }
        });
        return true;
    }

    public bool TryBackward<TFn>(Tensor x, Tensor y, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta,
        Tensor dx, Tensor? dGamma, Tensor? dBeta, TFn fn) where TFn : struct, IUnaryFn
    {
        if (typeof(TFn) == typeof(IdentityFn)) return TryPlainBackward(x, dy, mean, invStd, gamma, dx, dGamma, dBeta);
        if (x.Rank != 4 || !Avx.IsSupported || !AllContiguous(x, y, dy, mean, invStd, gamma, beta, dx, dGamma, dBeta)) return false;
        var (n, c, hw) = Layout(x);
        var (a, b) = AffineCoefficients(c, mean, invStd, gamma, beta);
        float[] xs = Data(x), ys = Data(y), dys = Data(dy), dxs = Data(dx), ms = Data(mean);
        double count = (double)n * hw;
        var sumDz = new double[c];
        var sumDzXc = new double[c];
        CpuParallel.For(c, 3L * n * hw, (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
            {
                float mu = ms[mean.Offset + ch];
                for (int i = 0; i < n; i++)
                {
                    int start = (i * c + ch) * hw;
                    var (sd, sdx) = SumDzAndDzXc(dys.AsSpan(dy.Offset + start, hw), xs.AsSpan(x.Offset + start, hw), ys.AsSpan(y.Offset + start, hw),
                        a[ch], b[ch], mu, fn);
                    sumDz[ch] += sd;
                    sumDzXc[ch] += sdx;
                }
            }
        });
        // As BatchNormBackward, with dz for dy: dBeta, dGamma, and dx = A dz + B x + C0.
        var (ca, cb, cc) = BackwardCoefficients(sumDz, sumDzXc, count, mean, invStd, gamma, dGamma, dBeta);
        CpuParallel.For(c, 2L * n * hw, (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
                for (int i = 0; i < n; i++)
                {
                    int start = (i * c + ch) * hw;
                    BackwardRunThen(dys.AsSpan(dy.Offset + start, hw), xs.AsSpan(x.Offset + start, hw), ys.AsSpan(y.Offset + start, hw),
                        dxs.AsSpan(dx.Offset + start, hw), a[ch], b[ch], ca[ch], cb[ch], cc[ch], fn);
                }
        });
        return true;
    }

    // Lane masks for a run's last count (1..7) values: all bits set in the first count lanes.
    private static readonly Vector256<float>[] TailMasks = [.. Enumerable.Range(0, Lanes).Select(count =>
        Vector256.LessThan(Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7), Vector256.Create((float)count)))];

    // 8 lanes from p, or only the first `count` of them (the rest 0) when count < 8: lanes are independent,
    // so every real lane gets the value the unfused 8-lane loops give it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> Load(float* p, int count) =>
        count == Lanes ? Vector256.Load(p) : Avx.MaskLoad(p, TailMasks[count]);

    private static unsafe void AffineThen<TFn>(ReadOnlySpan<float> x, Span<float> y, float a, float b, TFn fn) where TFn : struct, IUnaryFn
    {
        Vector256<float> va = Vector256.Create(a), vb = Vector256.Create(b);
        fixed (float* px = x, py = y)
        {
            int i = 0;
            for (; i <= x.Length - Lanes; i += Lanes) fn.Apply(Vector256.Load(px + i) * va + vb).Store(py + i);
            if (i == x.Length) return;
            // The tail: z per lane as Affine's scalar loop computes it, f on 8 lanes as Map does. A masked load,
            // and lane by lane writes (no stack buffer: its guard checks cost more than the tail; no masked
            // store: slow on AMD cores).
            var r = fn.Apply(Load(px + i, x.Length - i) * va + vb);
            for (int j = 0; i + j < x.Length; j++) py[i + j] = r.GetElement(j);
        }
    }

    // dz = dy f'(z, y) for the `count` lanes at i, z = x a + b (the same float operations as Affine's).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> Dz<TFn>(float* dy, float* x, float* y, int count, Vector256<float> va, Vector256<float> vb, TFn fn)
        where TFn : struct, IUnaryFn =>
        Load(dy, count) * fn.Derivative(Load(x, count) * va + vb, Load(y, count));

    // As SumDyAndDyXc on dz: 8-lane float partials over full groups, the tail added in double.
    private static unsafe (double SumDz, double SumDzXc) SumDzAndDzXc<TFn>(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        float a, float b, float mean, TFn fn) where TFn : struct, IUnaryFn
    {
        Vector256<float> accDz = Vector256<float>.Zero, accDzXc = Vector256<float>.Zero, mu = Vector256.Create(mean), va = Vector256.Create(a), vb = Vector256.Create(b);
        int n = x.Length, i = 0;
        fixed (float* pdy = dy, px = x, py = y)
        {
            for (; i <= n - Lanes; i += Lanes)
            {
                var g = Dz(pdy + i, px + i, py + i, Lanes, va, vb, fn);
                accDz += g;
                accDzXc += g * (Vector256.Load(px + i) - mu);
            }
            double sumDz = Vector256.Sum(accDz), sumDzXc = Vector256.Sum(accDzXc);
            if (i == n) return (sumDz, sumDzXc);
            var gt = Dz(pdy + i, px + i, py + i, n - i, va, vb, fn);
            for (int j = 0; i + j < n; j++)
            {
                sumDz += gt[j];
                sumDzXc += gt[j] * (double)(x[i + j] - mean);
            }
            return (sumDz, sumDzXc);
        }
    }

    // As BackwardRun on dz: dx = dz A + x B + C0.
    private static unsafe void BackwardRunThen<TFn>(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dx,
        float a, float b, float ca, float cb, float cc, TFn fn) where TFn : struct, IUnaryFn
    {
        Vector256<float> va = Vector256.Create(a), vb = Vector256.Create(b), vca = Vector256.Create(ca), vcb = Vector256.Create(cb), vcc = Vector256.Create(cc);
        int n = x.Length, i = 0;
        fixed (float* pdy = dy, px = x, py = y, pdx = dx)
        {
            for (; i <= n - Lanes; i += Lanes)
                (Dz(pdy + i, px + i, py + i, Lanes, va, vb, fn) * vca + Vector256.Load(px + i) * vcb + vcc).Store(pdx + i);
            if (i == n) return;
            var gt = Dz(pdy + i, px + i, py + i, n - i, va, vb, fn);
            for (int j = 0; i + j < n; j++) dx[i + j] = gt[j] * ca + x[i + j] * cb + cc;
        }
    }
}
