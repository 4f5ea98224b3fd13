using ILGPU;
using ILGPU.Runtime;
using Scratchgen.Backends.Ilgpu.Functors;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

// Elementwise entry points: the op functor is mapped to its GPU twin (FunctorTwins), then one
// generic kernel per shape of work (ElementwiseKernels) runs with the operands' strides.
public sealed partial class IlgpuBackend
{
    public void Map<TFn>(Tensor x, Tensor y, TFn fn) where TFn : struct, IUnaryFn =>
        FunctorTwins.Unary<TFn>().Map(this, x, y, fn);

    public void MapBackward<TFn>(Tensor x, Tensor y, Tensor dy, Tensor dx, TFn fn) where TFn : struct, IUnaryFn =>
        FunctorTwins.Unary<TFn>().MapBackward(this, x, y, dy, dx, fn);

    public void BiasMap<TFn>(Tensor z, Tensor bias, Tensor y, TFn fn) where TFn : struct, IUnaryFn =>
        FunctorTwins.Unary<TFn>().BiasMap(this, z, bias, y, fn);

    public void Zip<TFn>(Tensor a, Tensor b, Tensor y, TFn fn) where TFn : struct, IBinaryFn =>
        FunctorTwins.Binary<TFn>().Zip(this, a, b, y, fn);

    internal void MapGpu<TGpu>(Tensor x, Tensor y, TGpu fn) where TGpu : struct, IGpuUnary
    {
        lock (_gate)
        {
            SameShape("map", y, x);
            Check("map", x); Check("map", y);
            if (y.Numel == 0) return;
            var (shape, s) = ViewPlanner.Plan("map", y.Dims, x, y);
            Kernel("map", typeof(TGpu), acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ViewShape, ViewStrides, ViewStrides, TGpu>(
                ElementwiseKernels.Map))(y.Numel, ViewOf(x), ViewOf(y), shape, s[0], s[1], fn);
        }
    }

    internal void MapBackwardGpu<TGpu>(Tensor x, Tensor y, Tensor dy, Tensor dx, TGpu fn) where TGpu : struct, IGpuUnary
    {
        lock (_gate)
        {
            SameShape("map backward", dx, x, y, dy);
            Check("map backward", x); Check("map backward", y); Check("map backward", dy); Check("map backward", dx);
            if (dx.Numel == 0) return;
            var (shape, s) = ViewPlanner.Plan("map backward", dx.Dims, x, y, dy, dx);
            Kernel("map-backward", typeof(TGpu), acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ViewShape, ViewStrides, ViewStrides, ViewStrides, ViewStrides, TGpu>(ElementwiseKernels.MapBackward))(
                dx.Numel, ViewOf(x), ViewOf(y), ViewOf(dy), ViewOf(dx), shape, s[0], s[1], s[2], s[3], fn);
        }
    }

    internal void BiasMapGpu<TGpu>(Tensor z, Tensor bias, Tensor y, TGpu fn) where TGpu : struct, IGpuUnary
    {
        lock (_gate)
        {
            SameShape("bias map", y, z, bias);
            Check("bias map", z); Check("bias map", bias); Check("bias map", y);
            if (y.Numel == 0) return;
            var (shape, s) = ViewPlanner.Plan("bias map", y.Dims, z, bias, y);
            Kernel("bias-map", typeof(TGpu), acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ViewShape, ViewStrides, ViewStrides, ViewStrides, TGpu>(ElementwiseKernels.BiasMap))(
                y.Numel, ViewOf(z), ViewOf(bias), ViewOf(y), shape, s[0], s[1], s[2], fn);
        }
    }

    internal void ZipGpu<TGpu>(Tensor a, Tensor b, Tensor y, TGpu fn) where TGpu : struct, IGpuBinary
    {
        lock (_gate)
        {
            SameShape("zip", y, a, b);
            Check("zip", a); Check("zip", b); Check("zip", y);
            if (y.Numel == 0) return;
            var (shape, s) = ViewPlanner.Plan("zip", y.Dims, a, b, y);
            Kernel("zip", typeof(TGpu), acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ViewShape, ViewStrides, ViewStrides, ViewStrides, TGpu>(ElementwiseKernels.Zip))(
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
