using System.Runtime.Intrinsics;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

// Elementwise kernels: y = f(x), dx = dy * f'(x, y), y = f(a, b).
// Each runs 8 lanes at a time (Vector256); the last partial vector is padded into a stack buffer and
// computed by the same vector code, so every element gets exactly the same formula. Large tensors
// are cut into one contiguous chunk per core.
internal sealed partial class CpuBackend : IFusedBias
{
    private const int Lanes = 8;

    public unsafe void Map<TFn>(Tensor x, Tensor y, TFn fn) where TFn : struct, IUnaryFn
    {
        var (xs, xo) = Contiguous(x);
        float[] ys = Data(y);
        int yo = y.Offset;
        CpuParallel.For(y.Numel, 4, (i0, i1) =>
        {
            fixed (float* px = &xs[0], py = &ys[0])
                MapSpan(px + xo + i0, py + yo + i0, i1 - i0, fn);
        });
    }

    private static unsafe void MapSpan<TFn>(float* x, float* y, int n, TFn fn) where TFn : struct, IUnaryFn
    {
        int i = 0;
        for (; i <= n - Lanes; i += Lanes) fn.Apply(Vector256.Load(x + i)).Store(y + i);
        if (i == n) return;
        float* tail = stackalloc float[Lanes];
        Pad(x + i, n - i, tail);
        fn.Apply(Vector256.Load(tail)).Store(tail);
        new Span<float>(tail, n - i).CopyTo(new Span<float>(y + i, n - i));
    }

    public unsafe void MapBackward<TFn>(Tensor x, Tensor y, Tensor dy, Tensor dx, TFn fn) where TFn : struct, IUnaryFn
    {
        var (xs, xo) = Contiguous(x);
        var (ys, yo) = Contiguous(y);
        var (gs, go) = Contiguous(dy);
        float[] ds = Data(dx);
        int dxo = dx.Offset;
        CpuParallel.For(dx.Numel, 6, (i0, i1) =>
        {
            fixed (float* px = &xs[0], py = &ys[0], pg = &gs[0], pd = &ds[0])
                MapBackwardSpan(px + xo + i0, py + yo + i0, pg + go + i0, pd + dxo + i0, i1 - i0, fn);
        });
    }

    private static unsafe void MapBackwardSpan<TFn>(float* x, float* y, float* dy, float* dx, int n, TFn fn) where TFn : struct, IUnaryFn
    {
        int i = 0;
        for (; i <= n - Lanes; i += Lanes)
            (Vector256.Load(dy + i) * fn.Derivative(Vector256.Load(x + i), Vector256.Load(y + i))).Store(dx + i);
        if (i == n) return;
        float* tx = stackalloc float[Lanes], ty = stackalloc float[Lanes], tg = stackalloc float[Lanes];
        Pad(x + i, n - i, tx);
        Pad(y + i, n - i, ty);
        Pad(dy + i, n - i, tg);
        (Vector256.Load(tg) * fn.Derivative(Vector256.Load(tx), Vector256.Load(ty))).Store(tg);
        new Span<float>(tg, n - i).CopyTo(new Span<float>(dx + i, n - i));
    }

    public unsafe void Zip<TFn>(Tensor a, Tensor b, Tensor y, TFn fn) where TFn : struct, IBinaryFn
    {
        float[] @as = Data(a), bs = Data(b), ys = Data(y);
        var rows = new StridedRows(y, a, b);
        int n = rows.RowLength, sa = rows.RowStride(1), sb = rows.RowStride(2);
        // Contiguous operands merge into one long row (a 128x784 loss is one row of 100,352): cut rows
        // into segments as well, or such a zip ran on one core (BCE-with-logits forward 2x slower).
        int segments = RowSegments(rows.RowCount, n);
        CpuParallel.For(rows.RowCount * segments, n / segments + 16, (i0, i1) =>
        {
            fixed (float* pa = &@as[0], pb = &bs[0], py = &ys[0])
            {
                for (int item = i0; item < i1; item++)
                {
                    int r = item / segments, part = item % segments;
                    int j0 = (int)((long)n * part / segments), j1 = (int)((long)n * (part + 1) / segments);
                    ZipRow(pa + rows.RowStart(1, r) + (long)j0 * sa, sa, pb + rows.RowStart(2, r) + (long)j0 * sb, sb, py + rows.RowStart(0, r) + j0, j1 - j0, fn);
                }
            }
        });
    }

    // z += bias; y = f(z), one pass (IFusedBias): rows of y's shape as in Zip, bias with row
    // stride 1 (a linear layer's bias along the row) or 0 (a conv bias, constant along a plane's row).
    public unsafe bool TryBiasMap<TFn>(Tensor z, Tensor bias, Tensor y, TFn fn) where TFn : struct, IUnaryFn
    {
        if (!z.IsContiguous || !y.IsContiguous || !Shapes.Equal(z.Dims, y.Dims) || !Shapes.Equal(bias.Dims, y.Dims)) return false;
        float[] zs = Data(z), bs = Data(bias), ys = Data(y);
        var rows = new StridedRows(y, z, bias);
        int n = rows.RowLength, sb = rows.RowStride(2);
        int segments = RowSegments(rows.RowCount, n);
        CpuParallel.For(rows.RowCount * segments, n / segments + 16, (i0, i1) =>
        {
            fixed (float* pz = &zs[0], pb = &bs[0], py = &ys[0])
            {
                for (int item = i0; item < i1; item++)
                {
                    int r = item / segments, part = item % segments;
                    int j0 = (int)((long)n * part / segments), j1 = (int)((long)n * (part + 1) / segments);
                    BiasMapRow(pz + rows.RowStart(1, r) + j0, pb + rows.RowStart(2, r) + (long)j0 * sb, sb, py + rows.RowStart(0, r) + j0, j1 - j0, fn);
                }
            }
        });
        return true;
    }

    // One row: v = z + b (b with element stride sb), z = v, y = f(v). The same additions and the same
    // f as Zip(AddFn) followed by Map, so results equal the composite bit for bit.
    private static unsafe void BiasMapRow<TFn>(float* z, float* b, int sb, float* y, int n, TFn fn) where TFn : struct, IUnaryFn
    {
        var vb = Vector256.Create(*b);
        int i = 0;
        if (sb == 0 || sb == 1)
            for (; i <= n - Lanes; i += Lanes)
            {
                var v = Vector256.Load(z + i) + (sb == 1 ? Vector256.Load(b + i) : vb);
                v.Store(z + i);
                fn.Apply(v).Store(y + i);
            }
        if (i == n) return;
        float* tz = stackalloc float[Lanes];
        for (int start = i; start < n; start += Lanes)
        {
            int count = Math.Min(Lanes, n - start);
            for (int j = 0; j < Lanes; j++)
            {
                int at = start + Math.Min(j, count - 1);
                tz[j] = z[at] + b[(long)at * sb];
            }
            var v = Vector256.Load(tz);
            new Span<float>(tz, count).CopyTo(new Span<float>(z + start, count));
            fn.Apply(v).Store(tz);
            new Span<float>(tz, count).CopyTo(new Span<float>(y + start, count));
        }
    }

    // Pieces to cut each row into so that a few long rows still fill the cores: one when there are
    // rows enough, else up to one per core, each at least 4,096 elements.
    private static int RowSegments(int rowCount, int rowLength) =>
        rowCount >= CpuParallel.Threads ? 1 : Math.Clamp(rowLength / 4096, 1, CpuParallel.Threads);

    // One row of y = f(a, b); a and b each have element stride 1 (contiguous), 0 (broadcast) or other.
    private static unsafe void ZipRow<TFn>(float* a, int sa, float* b, int sb, float* y, int n, TFn fn) where TFn : struct, IBinaryFn
    {
        if ((sa != 0 && sa != 1) || (sb != 0 && sb != 1))
        {
            for (int j = 0; j < n; j++) y[j] = fn.Apply(new HostReal<float>(a[j * sa]), new HostReal<float>(b[j * sb])).Value;
            return;
        }
        var va = Vector256.Create(*a);
        var vb = Vector256.Create(*b);
        int i = 0;
        for (; i <= n - Lanes; i += Lanes)
            fn.Apply(sa == 1 ? Vector256.Load(a + i) : va, sb == 1 ? Vector256.Load(b + i) : vb).Store(y + i);
        if (i == n) return;
        float* ta = stackalloc float[Lanes], tb = stackalloc float[Lanes];
        if (sa == 1) Pad(a + i, n - i, ta); else va.Store(ta);
        if (sb == 1) Pad(b + i, n - i, tb); else vb.Store(tb);
        fn.Apply(Vector256.Load(ta), Vector256.Load(tb)).Store(ta);
        new Span<float>(ta, n - i).CopyTo(new Span<float>(y + i, n - i));
    }

    // Copies the last count (< 8) elements into an 8-float buffer, repeating the final element.
    private static unsafe void Pad(float* src, int count, float* buffer)
    {
        for (int j = 0; j < Lanes; j++) buffer[j] = src[Math.Min(j, count - 1)];
    }
}
