using System.Runtime.Intrinsics;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

// Reductions (sum, max) over any set of axes.
// The input's axes are grouped into runs of reduced and kept axes (x: (O, R, I) per run), and the
// runs are folded one at a time from the last: y[o, i] = combine over r of x[o, r, i]. Two kernels
// cover every case:
//   I == 1: each output is a contiguous row of R values (softmax over classes, a full sum);
//   I > 1:  rows of I values are combined lane by lane (a bias gradient, batch statistics).
// The order of combination depends only on the shape, so results are reproducible.
internal sealed partial class CpuBackend
{
    public void Reduce<TFn>(Tensor x, Tensor y, TFn fn) where TFn : struct, IReduceFn
    {
        var (data, offset) = Contiguous(x);
        var runs = Runs(x.Dims, y.Dims);
        bool first = true;
        while (true)
        {
            int last = runs.FindLastIndex(r => r.Reduced);
            if (last < 0) break;
            int outer = runs.Take(last).Aggregate(1, (n, r) => n * r.Size);
            int inner = runs.Skip(last + 1).Aggregate(1, (n, r) => n * r.Size);
            int reduced = runs[last].Size;
            bool final = runs.Count(r => r.Reduced) == 1;
            float[] dst = final ? Data(y) : new float[outer * inner];
            int dstOffset = final ? y.Offset : 0;
            // Load (x^2 for a sum of squares) applies to input elements only: later passes fold partials.
            if (first) ReduceOri(data, offset, outer, reduced, inner, dst, dstOffset, fn);
            else ReduceOri(data, offset, outer, reduced, inner, dst, dstOffset, new PartialsOf<TFn>(fn));
            first = false;
            if (final) return;
            (data, offset) = (dst, 0);
            runs.RemoveAt(last);
            MergeKept(runs, last);
        }
        // Nothing to reduce (every reduced axis had size 1): y = Load(x).
        var ys = Data(y);
        for (int i = 0; i < x.Numel; i++) ys[y.Offset + i] = fn.Load<HostReal<float>>(data[offset + i]).Value;
    }

    private readonly record struct Run(int Size, bool Reduced);

    // Consecutive axes with the same role merged; size-1 axes dropped.
    private static List<Run> Runs(int[] xDims, int[] yDims)
    {
        var runs = new List<Run>();
        for (int d = 0; d < xDims.Length; d++)
        {
            if (xDims[d] == 1) continue;
            bool reduced = yDims[d] == 1;
            if (runs.Count > 0 && runs[^1].Reduced == reduced) runs[^1] = new Run(runs[^1].Size * xDims[d], reduced);
            else runs.Add(new Run(xDims[d], reduced));
        }
        return runs;
    }

    private static void MergeKept(List<Run> runs, int at)
    {
        if (at > 0 && at < runs.Count && !runs[at - 1].Reduced && !runs[at].Reduced)
        {
            runs[at - 1] = new Run(runs[at - 1].Size * runs[at].Size, false);
            runs.RemoveAt(at);
        }
    }

    // y[o, i] = combine_r x[o, r, i]   x: (O, R, I) contiguous at xo; y: (O, I) contiguous at yo.
    private static unsafe void ReduceOri<TFn>(float[] x, int xo, int outer, int reduced, int inner, float[] y, int yo, TFn fn)
        where TFn : struct, IReduceFn
    {
        if (inner == 1 && outer < CpuParallel.Threads && reduced >= 1 << 16)
        {
            ReduceLongRows(x, xo, outer, reduced, y, yo, fn);
            return;
        }
        if (inner == 1)
        {
            CpuParallel.For(outer, reduced, (o0, o1) =>
            {
                fixed (float* px = &x[xo], py = &y[yo])
                    for (int o = o0; o < o1; o++) py[o] = ReduceRow(px + (long)o * reduced, reduced, fn);
            });
            return;
        }
        // inner > 1: split over (o, inner-chunk) pairs so that a single outer row still uses every core.
        int chunk = Math.Max(Lanes * 16, inner / CpuParallel.Threads / Lanes * Lanes);
        int chunksPerRow = (inner + chunk - 1) / chunk;
        CpuParallel.For(outer * chunksPerRow, (long)reduced * Math.Min(chunk, inner), (t0, t1) =>
        {
            fixed (float* px = &x[xo], py = &y[yo])
            {
                for (int t = t0; t < t1; t++)
                {
                    int o = t / chunksPerRow, i0 = t % chunksPerRow * chunk, n = Math.Min(chunk, inner - i0);
                    ReduceColumns(px + (long)o * reduced * inner + i0, reduced, inner, py + (long)o * inner + i0, n, fn);
                }
            }
        });
    }

    // A few very long rows (a full reduction): each core folds a fixed slice, then slices combine in order.
    private static unsafe void ReduceLongRows<TFn>(float[] x, int xo, int outer, int reduced, float[] y, int yo, TFn fn)
        where TFn : struct, IReduceFn
    {
        int slices = CpuParallel.Threads;
        var partial = new float[outer * slices];
        CpuParallel.For(outer * slices, 1, (t0, t1) =>
        {
            fixed (float* px = &x[xo])
            {
                for (int t = t0; t < t1; t++)
                {
                    int o = t / slices, s = t % slices;
                    long start = (long)reduced * s / slices, end = (long)reduced * (s + 1) / slices;
                    partial[t] = ReduceRow(px + (long)o * reduced + start, (int)(end - start), fn);
                }
            }
        }, minWork: 1);
        for (int o = 0; o < outer; o++)
        {
            var acc = fn.Identity<HostReal<float>>();
            for (int s = 0; s < slices; s++) acc = fn.Combine<HostReal<float>>(acc, partial[o * slices + s]);
            y[yo + o] = acc.Value;
        }
    }

    // combine of n contiguous values: four independent vector accumulators, then lanes, then the tail.
    private static unsafe float ReduceRow<TFn>(float* x, int n, TFn fn) where TFn : struct, IReduceFn
    {
        var id = Vector256.Create(fn.Identity<HostReal<float>>().Value);
        Vector256<float> a0 = id, a1 = id, a2 = id, a3 = id;
        int i = 0;
        for (; i <= n - 4 * Lanes; i += 4 * Lanes)
        {
            a0 = fn.Combine(a0, fn.Load(Vector256.Load(x + i)));
            a1 = fn.Combine(a1, fn.Load(Vector256.Load(x + i + Lanes)));
            a2 = fn.Combine(a2, fn.Load(Vector256.Load(x + i + 2 * Lanes)));
            a3 = fn.Combine(a3, fn.Load(Vector256.Load(x + i + 3 * Lanes)));
        }
        for (; i <= n - Lanes; i += Lanes) a0 = fn.Combine(a0, fn.Load(Vector256.Load(x + i)));
        HostReal<float> acc = fn.Horizontal(fn.Combine(fn.Combine(a0, a1), fn.Combine(a2, a3)));
        for (; i < n; i++) acc = fn.Combine(acc, fn.Load<HostReal<float>>(x[i]));
        return acc.Value;
    }

    // y[i] = combine_r x[r * stride + i] for i in [0, n): whole rows combined lane by lane.
    private static unsafe void ReduceColumns<TFn>(float* x, int reduced, int stride, float* y, int n, TFn fn) where TFn : struct, IReduceFn
    {
        float identity = fn.Identity<HostReal<float>>().Value;
        for (int i = 0; i < n; i++) y[i] = identity;
        for (int r = 0; r < reduced; r++)
        {
            float* row = x + (long)r * stride;
            int i = 0;
            for (; i <= n - Lanes; i += Lanes) fn.Combine(Vector256.Load(y + i), fn.Load(Vector256.Load(row + i))).Store(y + i);
            for (; i < n; i++) y[i] = fn.Combine<HostReal<float>>(y[i], fn.Load<HostReal<float>>(row[i])).Value;
        }
    }
}
