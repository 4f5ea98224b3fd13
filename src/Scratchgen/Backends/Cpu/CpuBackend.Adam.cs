using System.Runtime.Intrinsics;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

// The fused Adam update (AdamStepParams.Apply): one pass over p, g, m, v instead of five, 8 lanes at a
// time, chunks over the cores. The 8-lane loop is the formula with 1 / C1 and 1 / C2 multiplied in
// (division is the slow lane operation); the tail runs AdamStepParams.Apply itself.
internal sealed partial class CpuBackend
{
    public unsafe void AdamStep(Tensor p, Tensor g, Tensor m, Tensor v, AdamStepParams h)
    {
        if (!p.IsContiguous || !m.IsContiguous || !v.IsContiguous)
            throw new InvalidOperationException($"AdamStep: parameter and moments must be contiguous ({p.Describe()})");
        var (gs, go) = Contiguous(g);
        float[] ps = Data(p), ms = Data(m), vs = Data(v);
        int po = p.Offset, mo = m.Offset, vo = v.Offset;
        CpuParallel.For(p.Numel, 12, (i0, i1) =>
        {
            fixed (float* pp = &ps[0], pg = &gs[0], pm = &ms[0], pv = &vs[0])
                AdamSpan(pp + po + i0, pg + go + i0, pm + mo + i0, pv + vo + i0, i1 - i0, h);
        });
    }

    private static unsafe void AdamSpan(float* p, float* g, float* m, float* v, int n, AdamStepParams h)
    {
        var lr = Vector256.Create(h.Lr);
        var b1 = Vector256.Create(h.Beta1);
        var b2 = Vector256.Create(h.Beta2);
        var ob1 = Vector256.Create(1 - h.Beta1);
        var ob2 = Vector256.Create(1 - h.Beta2);
        var inv1 = Vector256.Create(1 / h.C1);
        var inv2 = Vector256.Create(1 / h.C2);
        var eps = Vector256.Create(h.Eps);
        var wd = Vector256.Create(h.WeightDecay);
        bool decoupled = h.Decoupled != 0;
        int i = 0;
        for (; i <= n - Lanes; i += Lanes)
        {
            var pv = Vector256.Load(p + i);
            var gv = Vector256.Load(g + i);
            if (decoupled) pv -= lr * wd * pv;
            else gv += wd * pv;
            var mv = b1 * Vector256.Load(m + i) + ob1 * gv;
            var vv = b2 * Vector256.Load(v + i) + ob2 * gv * gv;
            mv.Store(m + i);
            vv.Store(v + i);
            (pv - lr * (mv * inv1) / (Vector256.Sqrt(vv * inv2) + eps)).Store(p + i);
        }
        for (; i < n; i++) (p[i], m[i], v[i]) = h.Apply(p[i], g[i], m[i], v[i]);
    }
}
