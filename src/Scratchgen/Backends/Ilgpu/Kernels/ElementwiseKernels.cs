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
        p[ip] = AdamElement(h, p[ip], g[sg.At(shape, i)], m[im], v[iv], out m[im], out v[iv]);
    }

    // The same update over up to 8 contiguous parameters in one launch (multi-tensor apply): element i of
    // the concatenation is element j of parameter k (TensorList8); p, g, m and v lists share the lengths.
    //   Launch: implicitly grouped, extent = the total length.
    public static void AdamStepList(Index1D i, TensorList8 p, TensorList8 g, TensorList8 m, TensorList8 v, AdamStepParams h)
    {
        int k = p.Ends.Locate(i, out int j);
        ArrayView<float> pk = p.Tensor(k), mk = m.Tensor(k), vk = v.Tensor(k);
        pk[j] = AdamElement(h, pk[j], g.Tensor(k)[j], mk[j], vk[j], out mk[j], out vk[j]);
    }

    // AdamStepParams.Apply for one element: the new p, m and v. Both Adam kernels call it, so they give the same bits.
    private static float AdamElement(in AdamStepParams h, float p, float g, float m, float v, out float mOut, out float vOut)
    {
        if (h.Decoupled != 0) p -= h.Lr * h.WeightDecay * p;
        else g += h.WeightDecay * p;
        mOut = h.Beta1 * m + (1f - h.Beta1) * g;
        vOut = h.Beta2 * v + (1f - h.Beta2) * g * g;
        return p - h.Lr * (mOut / h.C1) / (ILGPU.Algorithms.XMath.Sqrt(vOut / h.C2) + h.Eps);
    }

    // dst[i] = src[i]
    public static void Copy(Index1D i, ArrayView<float> src, ArrayView<float> dst, ViewShape shape, ViewStrides ss, ViewStrides sd) =>
        dst[sd.At(shape, i)] = src[ss.At(shape, i)];

    // dst[i] = value
    public static void Fill(Index1D i, ArrayView<float> dst, ViewShape shape, ViewStrides sd, float value) =>
        dst[sd.At(shape, i)] = value;
}
