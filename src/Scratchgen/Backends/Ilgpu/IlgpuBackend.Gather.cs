using ILGPU;
using ILGPU.Runtime;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

// Gather and scatter-add along one axis (Kernels/GatherKernels.cs). The index array is checked on
// the host and uploaded to a pooled int buffer for the launch.
internal sealed partial class IlgpuBackend
{
    public void Gather(Tensor x, int axis, int[] index, Tensor y) => GatherScatter("gather", x, axis, index, y, scatter: false);

    public void ScatterAdd(Tensor src, int axis, int[] index, Tensor dst) => GatherScatter("scatter-add", dst, axis, index, src, scatter: true);

    private void GatherScatter(string op, Tensor big, int axis, int[] index, Tensor small, bool scatter)
    {
        lock (_gate)
        {
            if (big.Rank != small.Rank || axis < 0 || axis >= big.Rank)
                throw new ShapeException(op, $"axis {axis} with tensors {Shapes.Format(big.Dims)} and {Shapes.Format(small.Dims)}");
            for (int d = 0; d < big.Rank; d++)
                if (d != axis && small.Dims[d] > big.Dims[d])
                    throw new ShapeException(op, $"index shape {Shapes.Format(small.Dims)} exceeds {Shapes.Format(big.Dims)} off axis {axis}");
            if (index.Length != small.Numel) throw new ShapeException(op, $"index has {index.Length} entries for {small.Numel} positions");
            foreach (int i in index)
                if ((uint)i >= (uint)big.Dims[axis]) throw new ArgumentOutOfRangeException(nameof(index), $"{op}: index {i} outside [0, {big.Dims[axis]})");
            Check(op, big); Check(op, small);
            if (small.Numel == 0) return;

            var noAxis = (int[])big.StrideArray.Clone();
            noAxis[axis] = 0;
            var bigNoAxis = new Tensor(big.Storage, small.Dims, noAxis, big.Offset);
            var (shape, s) = ViewPlanner.Plan(op, small.Dims, bigNoAxis, small);
            var indexBuffer = Ints.Rent(index.Length);
            try
            {
                indexBuffer.View.SubView(0, index.Length).CopyFromCPU(index);
                HostToDeviceCopies++;
                ArrayView<int> idx = indexBuffer.View;
                int axisStride = big.StrideArray[axis];
                if (!scatter)
                {
                    Kernel("gather", null, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ViewShape, ViewStrides, ViewStrides, int>(
                        GatherKernels.Gather))(small.Numel, ViewOf(big), ViewOf(small), idx, shape, s[0], s[1], axisStride);
                    return;
                }
                int axisLen = small.Dims[axis], inner = 1;
                for (int d = axis + 1; d < small.Rank; d++) inner *= small.Dims[d];
                // One thread per column; the bigNoAxis plan was made over small's row-major order.
                Kernel("scatter-add", null, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ViewShape, ViewStrides, ViewStrides, int, int, int>(
                    GatherKernels.ScatterAdd))(small.Numel / Math.Max(axisLen, 1), ViewOf(big), ViewOf(small), idx, shape, s[0], s[1], axisStride, axisLen, inner);
            }
            finally
            {
                _accelerator.Synchronize();
                Ints.Return(indexBuffer);
            }
        }
    }
}
