using ILGPU;
using ILGPU.Runtime;
using Scratchgen.Functors;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

// Multi-tensor apply: an optimizer step's work over all its parameters in a launch per 8 tensors
// (TensorList8) instead of one or two per tensor. At DCGAN sizes a GPU step is bound by launches:
// its 18 parameters took 18 Adam launches and about 23 for the finiteness check's sum of squares.
internal sealed partial class IlgpuBackend : ITensorLists
{
    /// <summary>Slice length of <see cref="TrySumOfSquares"/>: fixed, so the order of its sums does not depend on the device.</summary>
    internal const int ListSliceLength = 4096;

    /// <summary>Adam over up to 8 parameters per launch (ElementwiseKernels.AdamStepList), the same bits as one
    /// AdamStep each. A parameter whose gradient is not contiguous takes AdamStep.</summary>
    public void AdamSteps(IReadOnlyList<AdamTensors> parameters, AdamStepParams h)
    {
        foreach (var (p, g, m, v) in parameters)
        {
            SameShape("adam", p, g, m, v);
            foreach (var t in new[] { p, g, m, v }) Check("adam", t);
        }
        static bool Contiguous(AdamTensors t) => t.P.IsContiguous && t.G.IsContiguous && t.M.IsContiguous && t.V.IsContiguous;
        foreach (var (p, g, m, v) in parameters.Where(t => !Contiguous(t))) AdamStep(p, g, m, v, h);
        var listed = parameters.Where(t => Contiguous(t) && t.P.Numel > 0).ToList();
        lock (_gate)
            foreach (var chunk in Chunks(listed, t => t.P.Numel))
            {
                var (p, g, m, v) = (ListOf(chunk, t => t.P), ListOf(chunk, t => t.G), ListOf(chunk, t => t.M), ListOf(chunk, t => t.V));
                Kernel("adam-list", null, acc => acc.LoadAutoGroupedStreamKernel<Index1D, TensorList8, TensorList8, TensorList8, TensorList8, AdamStepParams>(
                    ElementwiseKernels.AdamStepList))(p.Ends.Total, p, g, m, v, h);
            }
    }

    /// <summary>sum_i sum(x_i^2) into total (1): each tensor cut into slices of <see cref="ListSliceLength"/>,
    /// up to 8 tensors per launch of ReduceKernels.ReduceSlicesList writing one partial per slice, then one
    /// Reduce of all partials in order. Deterministic. Strided tensors are declined (the op runs a reduction each).</summary>
    public bool TrySumOfSquares(IReadOnlyList<Tensor> tensors, Tensor total)
    {
        if (tensors.Any(t => !t.IsContiguous)) return false;
        foreach (var t in tensors) Check("sum of squares", t);
        var listed = tensors.Where(t => t.Numel > 0).ToList();
        if (listed.Count == 0)
        {
            Fill(total, 0);
            return true;
        }
        int slices = listed.Sum(t => SlicesOf(t.Numel));
        ScratchTensor partials;
        lock (_gate)
        {
            partials = Temporary(slices, [slices]);
            int written = 0;
            foreach (var chunk in Chunks(listed, t => t.Numel))
            {
                var x = ListOf(chunk, t => t);
                var sliceEnds = Ends8.Of(chunk.Select(t => SlicesOf(t.Numel)).ToArray());
                Kernel("reduce-slices-list", typeof(SumSquaresFn), acc => acc.LoadStreamKernel<TensorList8, Ends8, ArrayView<float>, int, SumSquaresFn>(
                    ReduceKernels.ReduceSlicesList))(new KernelConfig(Math.Min(sliceEnds.Total, 65535), GroupSize),
                    x, sliceEnds, partials.Storage.View.SubView(written, sliceEnds.Total), ListSliceLength, default(SumSquaresFn));
                written += sliceEnds.Total;
            }
        }
        using (partials) ReduceGpu(partials.Tensor, total, default(PartialsOf<SumSquaresFn>), slices: 1);
        return true;
    }

    private static int SlicesOf(int length) => (length + ListSliceLength - 1) / ListSliceLength;

    // Consecutive runs of at most 8 items whose sizes add up to at most int.MaxValue (kernel indices are ints).
    private static IEnumerable<List<T>> Chunks<T>(IReadOnlyList<T> items, Func<T, int> size)
    {
        var chunk = new List<T>();
        long sum = 0;
        foreach (var item in items)
        {
            if (chunk.Count == Ends8.Capacity || sum + size(item) > int.MaxValue)
            {
                yield return chunk;
                (chunk, sum) = ([], 0);
            }
            chunk.Add(item);
            sum += size(item);
        }
        if (chunk.Count > 0) yield return chunk;
    }

    // The contiguous elements of each item's tensor as one kernel argument.
    private static TensorList8 ListOf<T>(List<T> chunk, Func<T, Tensor> tensor) =>
        TensorList8.Of(chunk.Select(item => tensor(item)).Select(t => ViewOf(t).SubView(t.Offset, t.Numel)).ToArray());
}
