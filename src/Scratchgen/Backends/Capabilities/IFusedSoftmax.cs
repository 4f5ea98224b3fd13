using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>A backend with softmax row kernels, x, y, dy, dx (rows, L): with m = max x and s = sum exp(x - m) per
/// row, softmax y = exp(x - m) / s and log-softmax y = x - m - log s. Without it the op composes them from max,
/// sub, exp and sum.</summary>
internal interface IFusedSoftmax
{
    /// <summary>Softmax (or log-softmax) of each row of x into y. False, with nothing written, where the backend does
    /// not take these operands.</summary>
    bool TrySoftmax(Tensor x, Tensor y, bool log);

    /// <summary>The row-wise backward from the forward's output y: dx = y (dy - sum(dy y)) for softmax,
    /// dx = dy - exp(y) sum(dy) for log-softmax.</summary>
    bool TrySoftmaxBackward(Tensor y, Tensor dy, Tensor dx, bool log);
}
