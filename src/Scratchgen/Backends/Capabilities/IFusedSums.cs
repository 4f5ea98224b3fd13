using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>A backend that folds an elementwise function and a full sum into one launch (a mean loss, a mean of
/// f). Without it the op runs a Zip or Map into a temporary, a Reduce and a Map.</summary>
internal interface IFusedSums
{
    /// <summary>y = scale * sum_i f(a_i, b_i) over every element of a and b (the same shape; y one element).
    /// False, with nothing written, where the backend does not take these operands.</summary>
    bool TryZipSum<TFn>(Tensor a, Tensor b, Tensor y, TFn fn, double scale) where TFn : struct, IBinaryFn;

    /// <summary>y = scale * sum_i f(x_i), as <see cref="TryZipSum"/>.</summary>
    bool TryMapSum<TFn>(Tensor x, Tensor y, TFn fn, double scale) where TFn : struct, IUnaryFn;
}
