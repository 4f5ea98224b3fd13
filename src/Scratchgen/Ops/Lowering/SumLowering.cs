using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>Fused sums (a mean loss, a mean of f), y one element: the backend's <see cref="IFusedSums"/> where it takes the
/// operands, else the backend's Zip or Map into a temporary, Reduce and Map (the oracle the fused kernel is tested against).</summary>
internal static class SumLowering
{
    /// <summary>y = scale * sum_i f(a_i, b_i) over every element of a and b (the same shape).</summary>
    public static void ZipSum<TFn>(this IBackend backend, Tensor a, Tensor b, Tensor y, TFn fn, double scale) where TFn : struct, IBinaryFn
    {
        if (backend is IFusedSums fused && fused.TryZipSum(a, b, y, fn, scale)) return;
        ComposedZipSum(backend, a, b, y, fn, scale);
    }

    /// <summary>y = scale * sum_i f(x_i) (a mean of f: scale = 1 / n).</summary>
    public static void MapSum<TFn>(this IBackend backend, Tensor x, Tensor y, TFn fn, double scale) where TFn : struct, IUnaryFn
    {
        if (backend is IFusedSums fused && fused.TryMapSum(x, y, fn, scale)) return;
        ComposedMapSum(backend, x, y, fn, scale);
    }

    /// <summary><see cref="ZipSum"/> as Zip into a temporary, Reduce with SumFn, Map with MulScalarFn(scale).</summary>
    public static void ComposedZipSum<TFn>(IBackend backend, Tensor a, Tensor b, Tensor y, TFn fn, double scale) where TFn : struct, IBinaryFn
    {
        var perElement = Temporary(backend, a.DType, a.Dims);
        backend.Zip(a, b, perElement, fn);
        Scale(backend, Total(backend, perElement), y, scale);
    }

    /// <summary><see cref="MapSum"/> as Map into a temporary, Reduce with SumFn, Map with MulScalarFn(scale).</summary>
    public static void ComposedMapSum<TFn>(IBackend backend, Tensor x, Tensor y, TFn fn, double scale) where TFn : struct, IUnaryFn
    {
        var perElement = Temporary(backend, x.DType, x.Dims);
        backend.Map(x, perElement, fn);
        Scale(backend, Total(backend, perElement), y, scale);
    }

    private static Tensor Temporary(IBackend backend, DType dtype, int[] dims) => new(backend.AllocateUninitialized(dtype, Shapes.Numel(dims)), (int[])dims.Clone());

    // The sum of every element, in a tensor of x's rank with size 1 on every axis (Reduce's form).
    private static Tensor Total(IBackend backend, Tensor x)
    {
        var total = Temporary(backend, x.DType, Enumerable.Repeat(1, x.Rank).ToArray());
        backend.Reduce(x, total, default(SumFn));
        return total;
    }

    private static void Scale(IBackend backend, Tensor total, Tensor y, double scale)
    {
        if (y.Numel != 1) throw new ShapeException("sum of", $"output {y.Describe()} must have one element");
        backend.Map(total.ViewAs(y.Dims), y, new MulScalarFn(scale));
    }
}
