using ILGPU;
using ILGPU.Runtime;
using Scratchgen.Functors;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

// Reductions: x is split on the host into kept axes (outer, where y's size equals x's) and
// reduced axes (inner, where y has size 1), each coalesced; ReduceKernels folds inner per output
// with a fixed-order group tree.
internal sealed partial class IlgpuBackend : IFusedSums
{
    public void Reduce<TFn>(Tensor x, Tensor y, TFn fn) where TFn : struct, IReduceFn => ReduceGpu(x, y, fn);

    /// <summary>y = scale * sum_i f(a_i, b_i) in one launch (ReduceKernels.SumOf) where Reduce would fold the n values in
    /// one group; longer inputs are declined (the op runs Zip, Reduce, Map, whose sums are split in slices).</summary>
    public bool TryZipSum<TFn>(Tensor a, Tensor b, Tensor y, TFn fn, double scale) where TFn : struct, IBinaryFn
    {
        if (!OneGroupSum(a)) return false;
        SumOfGpu(a, b, y, fn, scale);
        return true;
    }

    /// <summary>y = scale * sum_i f(x_i), as <see cref="TryZipSum"/>.</summary>
    public bool TryMapSum<TFn>(Tensor x, Tensor y, TFn fn, double scale) where TFn : struct, IUnaryFn => TryZipSum(x, x, y, new FirstOf<TFn>(fn), scale);

    private bool OneGroupSum(Tensor x) => x.Numel > 0 && AutoSlices(1, x.Numel, GroupSize, _accelerator.NumMultiprocessors) == 1;

    internal void SumOfGpu<TFn>(Tensor a, Tensor b, Tensor y, TFn fn, double scale) where TFn : struct, IBinaryFn
    {
        lock (_gate)
        {
            SameShape("sum of", a, b);
            if (y.Numel != 1) throw new ShapeException("sum of", $"output {y.Describe()} must have one element");
            Check("sum of", a); Check("sum of", b); Check("sum of", y);
            var (shape, s) = ViewPlanner.Plan("sum of", a.Dims, a, b);
            Kernel("sum-of", typeof(TFn), acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ViewShape, ViewStrides, ViewStrides,
                int, float, TFn>(ReduceKernels.SumOf))(
                new KernelConfig(1, GroupSize), ViewOf(a), ViewOf(b), ViewOf(y).SubView(y.Offset, 1), shape, s[0], s[1], a.Numel, (float)scale, fn);
        }
    }

    /// <summary>Slices per output for a two-stage reduction (ReduceKernels.ReduceSlices): 1 (one group
    /// per output) when there are outputs enough to fill the device or rows too short to be worth a
    /// second launch; else about 4 groups per multiprocessor, each slice at least 16 loads per thread.</summary>
    internal static int AutoSlices(int outerCount, int innerCount, int groupSize, int multiprocessors)
    {
        if (innerCount < 64 * groupSize || outerCount >= 2 * multiprocessors) return 1;
        long want = Math.Max(1, 4L * multiprocessors / outerCount), byLength = innerCount / (16L * groupSize);
        return (int)Math.Clamp(Math.Min(want, byLength), 1, 4096);
    }

    internal void ReduceGpu<TFn>(Tensor x, Tensor y, TFn fn, int slices = 0) where TFn : struct, IReduceFn
    {
        lock (_gate)
        {
            if (x.Rank != y.Rank) throw new ShapeException("reduce", $"output rank {y.Rank} differs from input rank {x.Rank}");
            for (int d = 0; d < x.Rank; d++)
                if (y.Dims[d] != x.Dims[d] && y.Dims[d] != 1)
                    throw new ShapeException("reduce", $"output {Shapes.Format(y.Dims)} must match input {Shapes.Format(x.Dims)} or be 1 on each axis");
            Check("reduce", x); Check("reduce", y);
            if (y.Numel == 0) return;

            // Outer: x restricted to the kept axes (reduced ones get size 1). Inner: the reduced axes alone.
            var outerDims = (int[])y.Dims.Clone();
            var innerDims = new int[x.Rank];
            for (int d = 0; d < x.Rank; d++) innerDims[d] = y.Dims[d] == x.Dims[d] ? 1 : x.Dims[d];
            var xNoOffset = new Tensor(x.Storage, x.Dims, x.StrideArray, 0);
            var (outer, so) = ViewPlanner.Plan("reduce", outerDims, x, y);
            var (inner, si) = ViewPlanner.Plan("reduce", innerDims, xNoOffset);
            int innerCount = Shapes.Numel(innerDims);
            if (slices <= 0) slices = AutoSlices(y.Numel, innerCount, GroupSize, _accelerator.NumMultiprocessors);
            if (slices > 1 && innerCount > 1)
            {
                ReduceInSlices(x, y, fn, outer, so, inner, si, innerCount, Math.Min(slices, innerCount));
                return;
            }
            int groups = Math.Min(y.Numel, 65535);
            Kernel("reduce", typeof(TFn), acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ViewShape, ViewStrides, ViewStrides, ViewShape, ViewStrides,
                int, int, TFn>(ReduceKernels.Reduce))(
                new KernelConfig(groups, GroupSize), ViewOf(x), ViewOf(y), outer, so[0], so[1], inner, si[0], y.Numel, innerCount, fn);
        }
    }

    // Two stages: partials (outputs, slices) by ReduceSlices, then Reduce of each partials row into y.
    private void ReduceInSlices<TFn>(Tensor x, Tensor y, TFn fn, ViewShape outer, ViewStrides[] so, ViewShape inner, ViewStrides[] si,
        int innerCount, int slices) where TFn : struct, IReduceFn
    {
        int outerCount = y.Numel, chunk = (innerCount + slices - 1) / slices;
        slices = (innerCount + chunk - 1) / chunk; // every slice non-empty
        using var partials = Temporary(outerCount * slices, [outerCount * slices]);
        Kernel("reduce-slices", typeof(TFn), acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ViewShape, ViewStrides, ViewShape, ViewStrides,
            int, int, int, int, TFn>(ReduceKernels.ReduceSlices))(
            new KernelConfig(Math.Min(outerCount * slices, 65535), GroupSize), ViewOf(x), partials.Storage.View, outer, so[0], inner, si[0],
            outerCount, innerCount, slices, chunk, fn);
        // Output o's partials are the row o of (outerCount, slices), o numbered as in the planned outer shape.
        var rowStrides = RowMajorStrides(outer, slices);
        var row = ViewShape.Of([slices]);
        Kernel("reduce", typeof(PartialsOf<TFn>), acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ViewShape, ViewStrides, ViewStrides, ViewShape, ViewStrides,
            int, int, PartialsOf<TFn>>(ReduceKernels.Reduce))(
            new KernelConfig(Math.Min(outerCount, 65535), GroupSize), partials.Storage.View, ViewOf(y), outer, rowStrides, so[1], row,
            ViewStrides.Of(0, [1]), outerCount, slices, new PartialsOf<TFn>(fn));
    }

    // Strides (times `scale`) that number a ViewShape's elements in row-major order.
    private static ViewStrides RowMajorStrides(ViewShape s, int scale)
    {
        int s5 = scale, s4 = s5 * s.D5, s3 = s4 * s.D4, s2 = s3 * s.D3, s1 = s2 * s.D2, s0 = s1 * s.D1;
        return new ViewStrides(0, s0, s1, s2, s3, s4, s5);
    }
}
