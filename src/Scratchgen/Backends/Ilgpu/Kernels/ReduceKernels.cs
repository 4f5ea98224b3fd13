using ILGPU;
using ILGPU.Algorithms;
using Scratchgen.Functors;

namespace Scratchgen.Backends.Ilgpu.Kernels;

// y[o] = combine_{j < inner} x[o, j]: x viewed as (outer, inner) with the kept axes as `outer` and
// the reduced axes as `inner`, each addressed through strides; y addressed over `outer`.
// Launch: explicitly grouped; grid = min(outer, 65535) groups of G threads (G a power of two <= MaxGroup).
// Group g handles outputs g, g + grid, ...; thread t folds j = t, t + G, t + 2G, ... in that order,
// then a shared-memory tree halves G partial results to one. The order of every addition depends
// only on G and the shape, never on timing: results are bit-for-bit reproducible (no atomics).
internal static class ReduceKernels
{
    public const int MaxGroup = 256;

    public static void Reduce<TFn>(ArrayView<float> x, ArrayView<float> y,
        ViewShape outer, ViewStrides xOuter, ViewStrides yOuter, ViewShape inner, ViewStrides xInner,
        int outerCount, int innerCount, TFn fn)
        where TFn : struct, IReduceFn
    {
        var partial = SharedMemory.Allocate<float>(MaxGroup);
        int t = Group.IdxX, g = Group.DimX;
        for (int o = Grid.IdxX; o < outerCount; o += Grid.DimX)
        {
            int start = xOuter.At(outer, o);
            float acc = fn.Identity();
            for (int j = t; j < innerCount; j += g) acc = fn.Combine(acc, fn.Load(x[start + xInner.At(inner, j)]));
            float total = GroupTree(partial, acc, t, g, fn);
            if (t == 0) y[yOuter.At(outer, o)] = total;
        }
    }

    // y[0] = scale * sum_i f(a_i, b_i) over the n elements of a and b (each through its strides), in one group:
    // a mean loss in one launch where Zip, Reduce and a MulScalar Map took three. Thread t folds i = t, t + G, ...
    // from 0, then GroupTree, then the scale (as MulScalarFn): the order of Reduce's single output (one group) and the
    // Map after it, so the bits of those three launches (the host runs it only where Reduce would use one group).
    // Launch: explicitly grouped; grid = 1 group of G threads.
    public static void SumOf<TFn>(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, ViewShape shape, ViewStrides sa, ViewStrides sb,
        int n, float scale, TFn fn)
        where TFn : struct, IBinaryFn
    {
        var partial = SharedMemory.Allocate<float>(MaxGroup);
        int t = Group.IdxX, g = Group.DimX;
        float acc = 0;
        for (int i = t; i < n; i += g) acc += fn.Apply(a[sa.At(shape, i)], b[sb.At(shape, i)]);
        float total = GroupTree(partial, acc, t, g, default(SumFn));
        if (t == 0) y[0] = total * scale;
    }

    // The first of two stages for few outputs over long rows (one group per output would leave most of a
    // GPU idle: the sum of squares of a 627,200-element gradient ran on one multiprocessor). Each output's
    // inner range is cut into `slices` chunks of `chunk` elements; group g = o slices + s folds chunk s of
    // output o exactly as Reduce folds a whole row (thread stride G, then the tree) and writes
    // partials[g]. The second stage is Reduce over partials (outerCount, slices) with PartialsOf (Load
    // not applied again). Both orders depend only on G, the shape and the slice count: deterministic.
    // Launch: explicitly grouped; grid = min(outerCount slices, 65535) groups of G threads.
    public static void ReduceSlices<TFn>(ArrayView<float> x, ArrayView<float> partials,
        ViewShape outer, ViewStrides xOuter, ViewShape inner, ViewStrides xInner,
        int outerCount, int innerCount, int slices, int chunk, TFn fn)
        where TFn : struct, IReduceFn
    {
        var partial = SharedMemory.Allocate<float>(MaxGroup);
        int t = Group.IdxX, g = Group.DimX;
        for (int item = Grid.IdxX; item < outerCount * slices; item += Grid.DimX)
        {
            int o = item / slices, s = item - o * slices;
            int start = xOuter.At(outer, o), j1 = XMath.Min((s + 1) * chunk, innerCount);
            float acc = fn.Identity();
            for (int j = s * chunk + t; j < j1; j += g) acc = fn.Combine(acc, fn.Load(x[start + xInner.At(inner, j)]));
            float total = GroupTree(partial, acc, t, g, fn);
            if (t == 0) partials[item] = total;
        }
    }

    // ReduceSlices over up to 8 contiguous tensors at once (multi-tensor apply), each cut into slices of
    // `chunk` elements: group g folds slice s of tensor k (g = SliceEnds.Start(k) + s) as Reduce folds a row
    // and writes partials[g]. The caller folds the partials (SliceEnds.Total of them) with PartialsOf. The
    // slice length is fixed, not tuned to the device, so the sums have the same order on every device.
    // Launch: explicitly grouped; grid = min(SliceEnds.Total, 65535) groups of G threads.
    public static void ReduceSlicesList<TFn>(TensorList8 x, Ends8 sliceEnds, ArrayView<float> partials, int chunk, TFn fn)
        where TFn : struct, IReduceFn
    {
        var partial = SharedMemory.Allocate<float>(MaxGroup);
        int t = Group.IdxX, g = Group.DimX;
        for (int item = Grid.IdxX; item < sliceEnds.Total; item += Grid.DimX)
        {
            int k = sliceEnds.Locate(item, out int s);
            var xk = x.Tensor(k);
            int j1 = XMath.Min((s + 1) * chunk, (int)xk.Length);
            float acc = fn.Identity();
            for (int j = s * chunk + t; j < j1; j += g) acc = fn.Combine(acc, fn.Load(xk[j]));
            float total = GroupTree(partial, acc, t, g, fn);
            if (t == 0) partials[item] = total;
        }
    }

    // Every thread's value combined in a fixed tree order (G a power of two): partial[t] += partial[t + h]
    // for h = G / 2, G / 4, ..., 1; every thread gets the result. Ends on a barrier, so `partial` (G floats
    // of shared memory) can be reused at once. The one group-level tree of the reduction, batch-norm and
    // softmax kernels.
    public static float GroupTree<TFn>(ArrayView<float> partial, float value, int t, int g, TFn fn) where TFn : struct, IReduceFn
    {
        partial[t] = value;
        Group.Barrier();
        for (int half = g / 2; half > 0; half >>= 1)
        {
            if (t < half) partial[t] = fn.Combine(partial[t], partial[t + half]);
            Group.Barrier();
        }
        float total = partial[0];
        Group.Barrier();
        return total;
    }
}
