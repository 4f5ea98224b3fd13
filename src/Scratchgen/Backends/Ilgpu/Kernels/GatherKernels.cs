using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

// Gather and its adjoint along one axis. `small` has the index's shape; its row-major position i
// maps to the position of `big` whose coordinate `axis` is index[i] and whose other coordinates are i's:
//   gather:      small[i] = big[pos(i)]
//   scatter-add: big[pos] += small[i] for every i with pos(i) = pos
// bigNoAxis: big's strides over small's shape with the axis stride set to 0, so
// pos(i) = bigNoAxis.At(shape, i) + index[i] * bigAxisStride. The host checks 0 <= index < big's axis size.
internal static class GatherKernels
{
    // Launch: implicit, extent numel(small).
    public static void Gather(Index1D i, ArrayView<float> big, ArrayView<float> small, ArrayView<int> index,
        ViewShape shape, ViewStrides bigNoAxis, ViewStrides smallStrides, int bigAxisStride) =>
        small[smallStrides.At(shape, i)] = big[bigNoAxis.At(shape, i) + index[i] * bigAxisStride];

    // Deterministic scatter-add without atomics: one thread per column (every coordinate but the
    // axis) walks the axis in order, so repeated indices add up in index order and no two threads
    // touch the same element of big. small viewed row-major as (outer, axisLen, inner).
    // Launch: implicit, extent outer * inner.
    public static void ScatterAdd(Index1D column, ArrayView<float> big, ArrayView<float> small, ArrayView<int> index,
        ViewShape shape, ViewStrides bigNoAxis, ViewStrides smallStrides, int bigAxisStride, int axisLen, int inner)
    {
        int o = column / inner, k = column % inner;
        for (int a = 0; a < axisLen; a++)
        {
            int i = (o * axisLen + a) * inner + k;
            big[bigNoAxis.At(shape, i) + index[i] * bigAxisStride] += small[smallStrides.At(shape, i)];
        }
    }
}
