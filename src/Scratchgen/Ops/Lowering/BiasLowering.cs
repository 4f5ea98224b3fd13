using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>The bias-and-activation pass of a fused linear or convolution layer: the backend's <see cref="IFusedBias"/>
/// where it takes the operands, else a Zip that adds the bias and a Map (the same additions and the same f, so the same
/// values either way).</summary>
internal static class BiasLowering
{
    /// <summary>z += bias, then y = f(z); bias already broadcast (by strides) to z's shape; z and y contiguous.</summary>
    public static void BiasMap<TFn>(this IBackend backend, Tensor z, Tensor bias, Tensor y, TFn fn) where TFn : struct, IUnaryFn
    {
        if (backend is IFusedBias fused && fused.TryBiasMap(z, bias, y, fn)) return;
        backend.Zip(z, bias, z, default(AddFn));
        backend.Map(z, y, fn);
    }
}
