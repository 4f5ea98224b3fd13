using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>Reductions read back to the host for checks and norms; not ops on the tape.</summary>
internal static class TensorChecks
{
    /// <summary>sum(x^2) over every element, read back to the host; not recorded (gradient norms and
    /// finiteness checks: one pass, no x^2 temporary).</summary>
    public static double SumOfSquares(this Tensor x)
    {
        var total = Tensor.Zeros(Enumerable.Repeat(1, x.Rank).ToArray(), x.DType, x.Backend);
        if (x.Numel > 0) x.Backend.Reduce(x, total, default(SumSquaresFn));
        return total.Item();
    }
}
