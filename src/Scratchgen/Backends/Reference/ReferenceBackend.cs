using System.Numerics;
using Scratchgen.Functors;
using Scratchgen.Tensors;
using static Scratchgen.Backends.HostLayout;

namespace Scratchgen.Backends.Reference;

/// <summary>
/// The oracle: every kernel as the plainest loop that computes it, generic over float and double.
/// Slow on purpose; every faster backend is tested against this one, and gradient checks run on it
/// in float64. Each method walks the output in row-major order and maps each position to its input
/// elements through the views' strides.
/// </summary>
internal sealed partial class ReferenceBackend : IBackend
{
    public static readonly ReferenceBackend Instance = new();

    private ReferenceBackend() { }

    public string Name => "reference";

    public bool Supports(DType dtype) => true;

    public Storage Allocate(DType dtype, int length)
    {
        return dtype == DType.Float32
            ? new HostStorage(this, DeviceOutOfMemoryException.NewHostArray<float>(Name, length))
            : new HostStorage(this, DeviceOutOfMemoryException.NewHostArray<double>(Name, length));
    }

    public Storage Upload(float[] data) => new HostStorage(this, data);

    public Storage Upload(double[] data) => new HostStorage(this, data);

    public void Download(Tensor t, Span<float> dst)
    {
        if (t.DType == DType.Float32) DownloadAs<float, float>(t, dst); else DownloadAs<double, float>(t, dst);
    }

    public void Download(Tensor t, Span<double> dst)
    {
        if (t.DType == DType.Float32) DownloadAs<float, double>(t, dst); else DownloadAs<double, double>(t, dst);
    }

    private static void DownloadAs<TSrc, TDst>(Tensor t, Span<TDst> dst)
        where TSrc : struct, IFloatingPointIeee754<TSrc> where TDst : struct, IFloatingPointIeee754<TDst>
    {
        var src = Array<TSrc>(t);
        for (int i = 0; i < t.Numel; i++) dst[i] = TDst.CreateChecked(src[OffsetOf(t, i)]);
    }

    public void Copy(Tensor src, Tensor dst)
    {
        if (src.DType == DType.Float32) Copy<float>(src, dst); else Copy<double>(src, dst);
    }

    private static void Copy<T>(Tensor src, Tensor dst) where T : struct, IFloatingPointIeee754<T>
    {
        T[] s = Array<T>(src), d = Array<T>(dst);
        for (int i = 0; i < dst.Numel; i++) d[OffsetOf(dst, i)] = s[OffsetOf(src, i)];
    }

    public void Fill(Tensor dst, double value)
    {
        if (dst.DType == DType.Float32) FillTyped(dst, (float)value); else FillTyped(dst, value);
    }

    private static void FillTyped<T>(Tensor dst, T value) where T : struct, IFloatingPointIeee754<T>
    {
        var d = Array<T>(dst);
        for (int i = 0; i < dst.Numel; i++) d[OffsetOf(dst, i)] = value;
    }

    public void Map<TFn>(Tensor x, Tensor y, TFn fn) where TFn : struct, IUnaryFn
    {
        if (x.DType == DType.Float32) Map<float, TFn>(x, y, fn); else Map<double, TFn>(x, y, fn);
    }

    // y[i] = f(x[i])
    private static void Map<T, TFn>(Tensor x, Tensor y, TFn fn) where T : struct, IFloatingPointIeee754<T> where TFn : struct, IUnaryFn
    {
        T[] xs = Array<T>(x), ys = Array<T>(y);
        for (int i = 0; i < y.Numel; i++) ys[OffsetOf(y, i)] = fn.Apply(new HostReal<T>(xs[OffsetOf(x, i)])).Value;
    }

    public void MapBackward<TFn>(Tensor x, Tensor y, Tensor dy, Tensor dx, TFn fn) where TFn : struct, IUnaryFn
    {
        if (x.DType == DType.Float32) MapBackward<float, TFn>(x, y, dy, dx, fn); else MapBackward<double, TFn>(x, y, dy, dx, fn);
    }

    // dx[i] = dy[i] * f'(x[i], y[i])
    private static void MapBackward<T, TFn>(Tensor x, Tensor y, Tensor dy, Tensor dx, TFn fn)
        where T : struct, IFloatingPointIeee754<T> where TFn : struct, IUnaryFn
    {
        T[] xs = Array<T>(x), ys = Array<T>(y), dys = Array<T>(dy), dxs = Array<T>(dx);
        for (int i = 0; i < dx.Numel; i++)
            dxs[OffsetOf(dx, i)] = dys[OffsetOf(dy, i)] * fn.Derivative(new HostReal<T>(xs[OffsetOf(x, i)]), new HostReal<T>(ys[OffsetOf(y, i)])).Value;
    }

    public void Zip<TFn>(Tensor a, Tensor b, Tensor y, TFn fn) where TFn : struct, IBinaryFn
    {
        if (a.DType == DType.Float32) Zip<float, TFn>(a, b, y, fn); else Zip<double, TFn>(a, b, y, fn);
    }

    // y[i] = f(a[i], b[i])  (a and b broadcast to y's shape by zero strides)
    private static void Zip<T, TFn>(Tensor a, Tensor b, Tensor y, TFn fn) where T : struct, IFloatingPointIeee754<T> where TFn : struct, IBinaryFn
    {
        T[] @as = Array<T>(a), bs = Array<T>(b), ys = Array<T>(y);
        for (int i = 0; i < y.Numel; i++) ys[OffsetOf(y, i)] = fn.Apply(new HostReal<T>(@as[OffsetOf(a, i)]), new HostReal<T>(bs[OffsetOf(b, i)])).Value;
    }

    public void Reduce<TFn>(Tensor x, Tensor y, TFn fn) where TFn : struct, IReduceFn
    {
        if (x.DType == DType.Float32) Reduce<float, TFn>(x, y, fn); else Reduce<double, TFn>(x, y, fn);
    }

    // y[j] = combine over all i that map to j (reduced axes dropped) of x[i], in row-major order of i.
    private static void Reduce<T, TFn>(Tensor x, Tensor y, TFn fn) where T : struct, IFloatingPointIeee754<T> where TFn : struct, IReduceFn
    {
        T[] xs = Array<T>(x), ys = Array<T>(y);
        for (int j = 0; j < y.Numel; j++) ys[OffsetOf(y, j)] = fn.Identity<HostReal<T>>().Value;
        Span<int> index = stackalloc int[x.Rank];
        for (int i = 0; i < x.Numel; i++)
        {
            Unravel(x.Dims, i, index);
            for (int d = 0; d < index.Length; d++) if (y.Dims[d] == 1) index[d] = 0;
            int yo = OffsetOf(y, index);
            ys[yo] = fn.Combine<HostReal<T>>(ys[yo], fn.Load<HostReal<T>>(xs[OffsetOf(x, i)])).Value;
        }
    }

    public void MatMul(Tensor a, Tensor b, Tensor c, bool accumulate)
    {
        if (a.DType == DType.Float32) MatMul<float>(a, b, c, accumulate); else MatMul<double>(a, b, c, accumulate);
    }

    // c[n, i, j] (+)= sum_p a[n, i, p] * b[n, p, j]
    private static void MatMul<T>(Tensor a, Tensor b, Tensor c, bool accumulate) where T : struct, IFloatingPointIeee754<T>
    {
        T[] @as = Array<T>(a), bs = Array<T>(b), cs = Array<T>(c);
        int batch = c.Dims[0], m = c.Dims[1], n = c.Dims[2], k = a.Dims[2];
        for (int q = 0; q < batch; q++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    T sum = T.Zero;
                    for (int p = 0; p < k; p++)
                        sum += @as[OffsetOf(a, [q, i, p])] * bs[OffsetOf(b, [q, p, j])];
                    int co = OffsetOf(c, [q, i, j]);
                    cs[co] = accumulate ? cs[co] + sum : sum;
                }
    }

    // The Adam update element by element (float32 only: optimizers keep float32 state).
    public void AdamStep(Tensor p, Tensor g, Tensor m, Tensor v, AdamStepParams h)
    {
        if (p.DType != DType.Float32) throw new NotSupportedException("AdamStep: float32 parameters only");
        float[] ps = Array<float>(p), gs = Array<float>(g), ms = Array<float>(m), vs = Array<float>(v);
        for (int i = 0; i < p.Numel; i++)
        {
            int pi = OffsetOf(p, i), mi = OffsetOf(m, i), vi = OffsetOf(v, i);
            (ps[pi], ms[mi], vs[vi]) = h.Apply(ps[pi], gs[OffsetOf(g, i)], ms[mi], vs[vi]);
        }
    }

    public void Gather(Tensor x, int axis, int[] index, Tensor y)
    {
        if (x.DType == DType.Float32) GatherScatter<float>(x, axis, index, y, scatter: false);
        else GatherScatter<double>(x, axis, index, y, scatter: false);
    }

    public void ScatterAdd(Tensor src, int axis, int[] index, Tensor dst)
    {
        if (src.DType == DType.Float32) GatherScatter<float>(dst, axis, index, src, scatter: true);
        else GatherScatter<double>(dst, axis, index, src, scatter: true);
    }

    // For every position i of the index-shaped tensor `small`: the position in `big` is i with
    // i[axis] replaced by index[i]. Gather: small[i] = big[..]; scatter: big[..] += small[i].
    private static void GatherScatter<T>(Tensor big, int axis, int[] index, Tensor small, bool scatter) where T : struct, IFloatingPointIeee754<T>
    {
        T[] bigs = Array<T>(big), smalls = Array<T>(small);
        Span<int> pos = stackalloc int[small.Rank];
        for (int i = 0; i < small.Numel; i++)
        {
            Unravel(small.Dims, i, pos);
            pos[axis] = index[i];
            int bo = OffsetOf(big, pos), so = OffsetOf(small, i);
            if (scatter) bigs[bo] += smalls[so]; else smalls[so] = bigs[bo];
        }
    }
}
