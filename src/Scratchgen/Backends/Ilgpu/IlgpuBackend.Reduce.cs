using ILGPU;
using ILGPU.Runtime;
using Scratchgen.Backends.Ilgpu.Functors;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

// Reductions: x is split on the host into kept axes (outer, where y's size equals x's) and
// reduced axes (inner, where y has size 1), each coalesced; ReduceKernels folds inner per output
// with a fixed-order group tree.
public sealed partial class IlgpuBackend
{
    public void Reduce<TFn>(Tensor x, Tensor y, TFn fn) where TFn : struct, IReduceFn =>
        FunctorTwins.Reduce<TFn>().Reduce(this, x, y);

    internal void ReduceGpu<TGpu>(Tensor x, Tensor y, TGpu fn) where TGpu : struct, IGpuReduce
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
            int groups = Math.Min(y.Numel, 65535);
            Kernel("reduce", typeof(TGpu), acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ViewShape, ViewStrides, ViewStrides, ViewShape, ViewStrides,
                int, int, TGpu>(ReduceKernels.Reduce))(
                new KernelConfig(groups, GroupSize), ViewOf(x), ViewOf(y), outer, so[0], so[1], inner, si[0], y.Numel, innerCount, fn);
        }
    }
}
