using ILGPU;
using ILGPU.Runtime;
using Scratchgen.Functors;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

// Elementwise entry points: one generic kernel per shape of work (ElementwiseKernels), specialised by ILGPU
// for each op functor, runs with the operands' strides.
internal sealed partial class IlgpuBackend : IFusedBias
{
    public void Map<TFn>(Tensor x, Tensor y, TFn fn) where TFn : struct, IUnaryFn
    {
        lock (_gate)
        {
            SameShape("map", y, x);
            Check("map", x); Check("map", y);
            if (y.Numel == 0) return;
            var (shape, s) = ViewPlanner.Plan("map", y.Dims, x, y);
            Kernel("map", typeof(TFn), acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ViewShape, ViewStrides, ViewStrides, TFn>(
                ElementwiseKernels.Map))(y.Numel, ViewOf(x), ViewOf(y), shape, s[0], s[1], fn);
        }
    }

    public void MapBackward<TFn>(Tensor x, Tensor y, Tensor dy, Tensor dx, TFn fn) where TFn : struct, IUnaryFn
    {
        lock (_gate)
        {
            SameShape("map backward", dx, x, y, dy);
            Check("map backward", x); Check("map backward", y); Check("map backward", dy); Check("map backward", dx);
            if (dx.Numel == 0) return;
            var (shape, s) = ViewPlanner.Plan("map backward", dx.Dims, x, y, dy, dx);
            Kernel("map-backward", typeof(TFn), acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ViewShape, ViewStrides, ViewStrides, ViewStrides, ViewStrides, TFn>(ElementwiseKernels.MapBackward))(
                dx.Numel, ViewOf(x), ViewOf(y), ViewOf(dy), ViewOf(dx), shape, s[0], s[1], s[2], s[3], fn);
        }
    }

    public bool TryBiasMap<TFn>(Tensor z, Tensor bias, Tensor y, TFn fn) where TFn : struct, IUnaryFn
    {
        lock (_gate)
        {
            SameShape("bias map", y, z, bias);
            Check("bias map", z); Check("bias map", bias); Check("bias map", y);
            if (y.Numel == 0) return true;
            var (shape, s) = ViewPlanner.Plan("bias map", y.Dims, z, bias, y);
            Kernel("bias-map", typeof(TFn), acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ViewShape, ViewStrides, ViewStrides, ViewStrides, TFn>(ElementwiseKernels.BiasMap))(
                y.Numel, ViewOf(z), ViewOf(bias), ViewOf(y), shape, s[0], s[1], s[2], fn);
        }
        return true;
    }

    public void Zip<TFn>(Tensor a, Tensor b, Tensor y, TFn fn) where TFn : struct, IBinaryFn
    {
        lock (_gate)
        {
            SameShape("zip", y, a, b);
            Check("zip", a); Check("zip", b); Check("zip", y);
            if (y.Numel == 0) return;
            var (shape, s) = ViewPlanner.Plan("zip", y.Dims, a, b, y);
            Kernel("zip", typeof(TFn), acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ViewShape, ViewStrides, ViewStrides, ViewStrides, TFn>(ElementwiseKernels.Zip))(
                y.Numel, ViewOf(a), ViewOf(b), ViewOf(y), shape, s[0], s[1], s[2], fn);
        }
    }

    public void AdamStep(Tensor p, Tensor g, Tensor m, Tensor v, AdamStepParams h)
    {
        lock (_gate)
        {
            SameShape("adam", p, g, m, v);
            Check("adam", p); Check("adam", g); Check("adam", m); Check("adam", v);
            if (p.Numel == 0) return;
            var (shape, s) = ViewPlanner.Plan("adam", p.Dims, p, g, m, v);
            Kernel("adam", null, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ViewShape, ViewStrides, ViewStrides, ViewStrides, ViewStrides, AdamStepParams>(ElementwiseKernels.AdamStep))(
                p.Numel, ViewOf(p), ViewOf(g), ViewOf(m), ViewOf(v), shape, s[0], s[1], s[2], s[3], h);
        }
    }

    public void Copy(Tensor src, Tensor dst)
    {
        lock (_gate) CopyLocked(src, dst);
    }

    private void CopyLocked(Tensor src, Tensor dst)
    {
        SameShape("copy", dst, src);
        Check("copy", src); Check("copy", dst);
        if (dst.Numel == 0) return;
        var (shape, s) = ViewPlanner.Plan("copy", dst.Dims, src, dst);
        Kernel("copy", null, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ViewShape, ViewStrides, ViewStrides>(
            ElementwiseKernels.Copy))(dst.Numel, ViewOf(src), ViewOf(dst), shape, s[0], s[1]);
    }

    public void Fill(Tensor dst, double value)
    {
        lock (_gate)
        {
            Check("fill", dst);
            if (dst.Numel == 0) return;
            var (shape, s) = ViewPlanner.Plan("fill", dst.Dims, dst);
            Kernel("fill", null, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ViewShape, ViewStrides, float>(
                ElementwiseKernels.Fill))(dst.Numel, ViewOf(dst), shape, s[0], (float)value);
        }
    }

    private static ArrayView<float> ViewOf(Tensor t) => IlgpuStorage.Of(t).View;

    private static void SameShape(string op, Tensor y, params Tensor[] others)
    {
        foreach (var t in others)
            if (!Shapes.Equal(t.Dims, y.Dims))
                throw new ShapeException(op, $"operand {Shapes.Format(t.Dims)} does not match output {Shapes.Format(y.Dims)} (broadcast by strides first)");
    }
}
