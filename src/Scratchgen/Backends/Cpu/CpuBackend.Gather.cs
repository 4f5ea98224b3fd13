using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

// Gather and its adjoint scatter-add: y[i] = x[i with i[axis] = index[i]] and dst[...] += src[i].
// Plain loops over the index (memory-bound and usually small: embeddings, class picks). Scatter-add
// stays on one thread so that repeated indices add up in a fixed order.
internal sealed partial class CpuBackend
{
    public void Gather(Tensor x, int axis, int[] index, Tensor y) => GatherScatter(x, axis, index, y, scatter: false);

    public void ScatterAdd(Tensor src, int axis, int[] index, Tensor dst) => GatherScatter(dst, axis, index, src, scatter: true);

    private static void GatherScatter(Tensor big, int axis, int[] index, Tensor small, bool scatter)
    {
        float[] bigs = Data(big), smalls = Data(small);
        Span<int> pos = stackalloc int[small.Rank];
        for (int i = 0; i < small.Numel; i++)
        {
            HostLayout.Unravel(small.Dims, i, pos);
            int so = HostLayout.OffsetOf(small, pos);
            pos[axis] = index[i];
            int bo = HostLayout.OffsetOf(big, pos);
            if (scatter) bigs[bo] += smalls[so]; else smalls[so] = bigs[bo];
        }
    }
}
