using ILGPU;
using Scratchgen.Backends.Ilgpu.Functors;

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
        where TFn : struct, IGpuUnary =>
        y[sy.At(shape, i)] = fn.Apply(x[sx.At(shape, i)]);

    // dx[i] = dy[i] * f'(x[i], y[i])
    public static void MapBackward<TFn>(Index1D i, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx,
        ViewShape shape, ViewStrides sx, ViewStrides sy, ViewStrides sdy, ViewStrides sdx, TFn fn)
        where TFn : struct, IGpuUnary =>
        dx[sdx.At(shape, i)] = dy[sdy.At(shape, i)] * fn.Derivative(x[sx.At(shape, i)], y[sy.At(shape, i)]);

    // Fused bias + activation: v = z[i] + bias[i]; z[i] = v (kept for the backward); y[i] = f(v).
    // bias arrives broadcast by strides (zero on the axes it does not have).
    public static void BiasMap<TFn>(Index1D i, ArrayView<float> z, ArrayView<float> bias, ArrayView<float> y,
        ViewShape shape, ViewStrides sz, ViewStrides sb, ViewStrides sy, TFn fn)
        where TFn : struct, IGpuUnary
    {
        int iz = sz.At(shape, i);
        float v = z[iz] + bias[sb.At(shape, i)];
        z[iz] = v;
        y[sy.At(shape, i)] = fn.Apply(v);
    }

    // y[i] = f(a[i], b[i])
    public static void Zip<TFn>(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y,
        ViewShape shape, ViewStrides sa, ViewStrides sb, ViewStrides sy, TFn fn)
        where TFn : struct, IGpuBinary =>
        y[sy.At(shape, i)] = fn.Apply(a[sa.At(shape, i)], b[sb.At(shape, i)]);

    // One fused Adam update per element (AdamStepParams): p, m, v in place, g read.
    public static void AdamStep(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v,
        ViewShape shape, ViewStrides sp, ViewStrides sg, ViewStrides sm, ViewStrides sv, AdamStepParams h)
    {
        int ip = sp.At(shape, i), im = sm.At(shape, i), iv = sv.At(shape, i);
        float pv = p[ip], gv = g[sg.At(shape, i)];
        if (h.Decoupled != 0) pv -= h.Lr * h.WeightDecay * pv;
        else gv += h.WeightDecay * pv;
        float mv = h.Beta1 * m[im] + (1f - h.Beta1) * gv;
        float vv = h.Beta2 * v[iv] + (1f - h.Beta2) * gv * gv;
        m[im] = mv;
        v[iv] = vv;
        p[ip] = pv - h.Lr * (mv / h.C1) / (ILGPU.Algorithms.XMath.Sqrt(vv / h.C2) + h.Eps);
    }

    // dst[i] = src[i]
    public static void Copy(Index1D i, ArrayView<float> src, ArrayView<float> dst, ViewShape shape, ViewStrides ss, ViewStrides sd) =>
        dst[sd.At(shape, i)] = src[ss.At(shape, i)];

    // dst[i] = value
    public static void Fill(Index1D i, ArrayView<float> dst, ViewShape shape, ViewStrides sd, float value) =>
        dst[sd.At(shape, i)] = value;
}
