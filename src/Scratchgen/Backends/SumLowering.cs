using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>IBackend's fused sums (a mean loss, a mean of f) written with the backend's Zip or Map, Reduce and Map:
/// the default, the ILGPU backend's fallback for inputs its one-group kernel does not take, and the oracle its
/// kernel is tested against. y: one element.</summary>
internal static class SumLowering
{
    /// <summary>y = scale * sum_i f(a_i, b_i): Zip into a temporary, Reduce with SumFn, Map with MulScalarFn(scale).</summary>
    public static void ZipSum<TFn>(IBackend backend, Tensor a, Tensor b, Tensor y, TFn fn, double scale) where TFn : struct, IBinaryFn
    {
        var perElement = Temporary(backend, a.DType, a.Dims);
        backend.Zip(a, b, perElement, fn);
        Scale(backend, Total(backend, perElement), y, scale);
    }

    /// <summary>y = scale * sum_i f(x_i): Map into a temporary, Reduce with SumFn, Map with MulScalarFn(scale).</summary>
    public static void MapSum<TFn>(IBackend backend, Tensor x, Tensor y, TFn fn, double scale) where TFn : struct, IUnaryFn
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
