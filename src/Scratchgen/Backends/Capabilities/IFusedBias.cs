using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>A backend that adds a bias and applies an activation in one pass over a layer's output (a linear or a
/// convolution layer fused with its activation). Without it the op runs a Zip and a Map.</summary>
internal interface IFusedBias
{
    /// <summary>z += bias, then y = f(z), elementwise in one pass; bias is already broadcast (by strides) to z's shape
    /// (a linear layer's (O) along the rows, a conv's (K) over the planes). z and y are contiguous outputs of the caller;
    /// z keeps the pre-activation for the backward. False, with nothing written, where the backend does not take
    /// these operands.</summary>
    bool TryBiasMap<TFn>(Tensor z, Tensor bias, Tensor y, TFn fn) where TFn : struct, IUnaryFn;
}
