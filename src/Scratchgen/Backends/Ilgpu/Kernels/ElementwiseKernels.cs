using ILGPU;
using Scratchgen.Functors;

namespace Scratchgen.Backends.Ilgpu.Kernels;

// Elementwise kernels: one thread per element of the logical shape, every operand addressed
// through its own strides (a zero stride broadcasts), so one kernel serves contiguous, transposed,
// sliced and broadcast views. Generic over a GPU functor: ILGPU compiles one kernel per functor type.
//   shape: the common logical shape (coalesced by ViewPlanner), n = numel(shape)
//   Launch: implicitly grouped, extent n.
internal static class ElementwiseKernels
{
    // y[i] = f(x[i])
    public static void Map<TFn>(Index1D i, ArrayView<float> x, ArrayView<float> y, ViewShape shape, ViewStrides sx, ViewStrides sy, TFn fn)
        where TFn : struct, IUnaryFn =>
        y[sy.At(shape, i)] = fn.Apply(x[sx.At(shape, i)]);

    // dx[i] = dy[i] * f'(x[i], y[i])
    public static void MapBackward<TFn>(Index1D i, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx,
        ViewShape shape, ViewStrides sx, ViewStrides sy, ViewStrides sdy, ViewStrides sdx, TFn fn)
        where TFn : struct, IUnaryFn =>
        dx[sdx.At(shape, i)] = dy[sdy.At(shape, i)] * fn.Derivative(x[sx.At(shape, i)], y[sy.At(shape, i)]);

    // Fused bias + activation: v = z[i] + bias[i]; z[i] = v (kept for the backward); y[i] = f(v).
    // bias arrives broadcast by strides (zero on the axes it does not have).
    public static void BiasMap<TFn>(Index1D i, ArrayView<float> z, ArrayView<float> bias, ArrayView<float> y,
        ViewShape shape, ViewStrides sz, ViewStrides sb, ViewStrides sy, TFn fn)
        where TFn : struct, IUnaryFn
    {
        int iz = sz.At(shape, i);
        float v = z[iz] + bias[sb.At(shape, i)];
        z[iz] = v;
        y[sy.At(shape, i)] = fn.Apply(v);
    }

    // y[i] = f(a[i], b[i])
    public static void Zip<TFn>(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y,
        ViewShape shape, ViewStrides sa, ViewStrides sb, ViewStrides sy, TFn fn)
        where TFn : struct, IBinaryFn =>
        y[sy.At(shape, i)] = fn.Apply(a[sa.At(shape, i)], b[sb.At(shape, i)]);

    // One fused Adam update per element (AdamStepParams.Apply): p, m, v in place, g read.
    public static void AdamStep(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v,
        ViewShape shape, ViewStrides sp, ViewStrides sg, ViewStrides sm, ViewStrides sv, AdamStepParams h)
    {
        int ip = sp.At(shape, i), im = sm.At(shape, i), iv = sv.At(shape, i);
        (p[ip], m[im], v[iv]) = AdamElement(h, p[ip], g[sg.At(shape, i)], m[im], v[iv]);
    }

    // The same update over up to 8 contiguous parameters in one launch (multi-tensor apply): element i of
    // the concatenation is element j of parameter k (TensorList8); p, g, m and v lists share the lengths.
    //   Launch: implicitly grouped, extent = the total length.
    public static void AdamStepList(Index1D i, TensorList8 p, TensorList8 g, TensorList8 m, TensorList8 v, AdamStepParams h)
    {
        int k = p.Ends.Locate(i, out int j);
        ArrayView<float> pk = p.Tensor(k), mk = m.Tensor(k), vk = v.Tensor(k);
        (pk[j], mk[j], vk[j]) = AdamElement(h, pk[j], g.Tensor(k)[j], mk[j], vk[j]);
    }

    // AdamStepParams.Apply on kernel floats: the new p, m and v.
    private static (float P, float M, float V) AdamElement(in AdamStepParams h, float p, float g, float m, float v)
    {
        GpuReal pe = new(p), me = new(m), ve = new(v);
        h.Apply(ref pe, new GpuReal(g), ref me, ref ve);
        return (pe.Value, me.Value, ve.Value);
    }

    // dst[i] = src[i]
    public static void Copy(Index1D i, ArrayView<float> src, ArrayView<float> dst, ViewShape shape, ViewStrides ss, ViewStrides sd) =>
        dst[sd.At(shape, i)] = src[ss.At(shape, i)];

    // dst[i] = value
    public static void Fill(Index1D i, ArrayView<float> dst, ViewShape shape, ViewStrides sd, float value) =>
        dst[sd.At(shape, i)] = value;
}
