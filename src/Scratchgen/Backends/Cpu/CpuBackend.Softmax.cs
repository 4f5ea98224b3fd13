using System.Runtime.Intrinsics;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

// Softmax and log-softmax row by row (IFusedSoftmax): rows split over the cores, each row in 8-lane
// passes with the lane sums combined in a fixed order (results do not depend on the thread count):
//   m = max x, then softmax: y = exp(x - m) and s = sum y, then y *= 1 / s    (three passes)
//                 log:     s = sum exp(x - m), then y = x - (m + log s)       (three passes)
// Backward from y: g = sum(dy y) (softmax) or sum(dy) (log), then dx = y (dy - g) or dy - exp(y) g.
// exp is SimdMath's (x - m <= 0, clamped at -80: exp(-80) = 1.8e-35 stands in for smaller values).
internal sealed partial class CpuBackend : IFusedSoftmax
{
    public bool TrySoftmax(Tensor x, Tensor y, bool log)
    {
        if (!x.IsContiguous || !y.IsContiguous || x.Rank != 2 || !Shapes.Equal(x.Dims, y.Dims)) return false;
        int rows = x.Dims[0], n = x.Dims[1];
        float[] xs = Data(x), ys = Data(y);
        int xo = x.Offset, yo = y.Offset;
        CpuParallel.For(rows, 3L * n, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++) SoftmaxRow(xs.AsSpan(xo + r * n, n), ys.AsSpan(yo + r * n, n), log);
        });
        return true;
    }

    public bool TrySoftmaxBackward(Tensor y, Tensor dy, Tensor dx, bool log)
    {
        if (!y.IsContiguous || !dy.IsContiguous || !dx.IsContiguous || y.Rank != 2 || !Shapes.Equal(y.Dims, dy.Dims) || !Shapes.Equal(y.Dims, dx.Dims))
            return false;
        int rows = y.Dims[0], n = y.Dims[1];
        float[] ys = Data(y), gs = Data(dy), ds = Data(dx);
        int yo = y.Offset, go = dy.Offset, dxo = dx.Offset;
        CpuParallel.For(rows, 2L * n, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
                SoftmaxBackwardRow(ys.AsSpan(yo + r * n, n), gs.AsSpan(go + r * n, n), ds.AsSpan(dxo + r * n, n), log);
        });
        return true;
    }

    private static void SoftmaxRow(ReadOnlySpan<float> x, Span<float> y, bool log)
    {
        int n = x.Length, i = 0;
        float m = float.NegativeInfinity;
        if (n >= Lanes)
        {
            var vm = Vector256.Create(x[..Lanes]);
            for (i = Lanes; i <= n - Lanes; i += Lanes) vm = Vector256.Max(vm, Vector256.Create(x.Slice(i, Lanes)));
            for (int j = 0; j < Lanes; j++) m = Math.Max(m, vm[j]);
        }
        for (; i < n; i++) m = Math.Max(m, x[i]);

        var shift = Vector256.Create(m);
        var sum = Vector256<float>.Zero;
        float tail = 0;
        for (i = 0; i <= n - Lanes; i += Lanes)
        {
            var e = SimdMath.ExpClamped(Vector256.Create(x.Slice(i, Lanes)) - shift);
            if (!log) e.CopyTo(y.Slice(i, Lanes));
            sum += e;
        }
        for (; i < n; i++)
        {
            float e = SimdMath.ExpClamped(x[i] - m);
            if (!log) y[i] = e;
            tail += e;
        }
        float s = Vector256.Sum(sum) + tail;

        if (log)
        {
            float offset = m + MathF.Log(s);
            for (i = 0; i <= n - Lanes; i += Lanes) (Vector256.Create(x.Slice(i, Lanes)) - Vector256.Create(offset)).CopyTo(y.Slice(i, Lanes));
            for (; i < n; i++) y[i] = x[i] - offset;
            return;
        }
        var inv = Vector256.Create(1f / s);
        for (i = 0; i <= n - Lanes; i += Lanes) (Vector256.Create(y.Slice(i, Lanes)) * inv).CopyTo(y.Slice(i, Lanes));
        for (; i < n; i++) y[i] *= 1f / s;
    }

    private static void SoftmaxBackwardRow(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, bool log)
    {
        int n = y.Length, i;
        var acc = Vector256<float>.Zero;
        float tail = 0;
        for (i = 0; i <= n - Lanes; i += Lanes)
        {
            var g = Vector256.Create(dy.Slice(i, Lanes));
            acc += log ? g : g * Vector256.Create(y.Slice(i, Lanes));
        }
        for (; i < n; i++) tail += log ? dy[i] : dy[i] * y[i];
        var total = Vector256.Create(Vector256.Sum(acc) + tail);

        for (i = 0; i <= n - Lanes; i += Lanes)
        {
            var vy = Vector256.Create(y.Slice(i, Lanes));
            var g = Vector256.Create(dy.Slice(i, Lanes));
            (log ? g - SimdMath.ExpClamped(vy) * total : vy * (g - total)).CopyTo(dx.Slice(i, Lanes));
        }
        for (; i < n; i++) dx[i] = log ? dy[i] - SimdMath.ExpClamped(y[i]) * total[0] : y[i] * (dy[i] - total[0]);
    }
}
