using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>Reductions read back to the host for checks and norms; not ops on the tape.</summary>
internal static class TensorChecks
{
    /// <summary>sum(x^2) over every element, read back to the host; not recorded (gradient norms and
    /// finiteness checks: one pass, no x^2 temporary).</summary>
    public static double SumOfSquares(this Tensor x) => SumOfSquares([x]);

    /// <summary>sum over all tensors of sum(x^2), combined on the tensors' backend and read back once:
    /// one device-to-host copy for a whole model's gradients instead of one per parameter (each copy
    /// waits for the device). Not recorded.</summary>
    public static double SumOfSquares(IEnumerable<Tensor> tensors)
    {
        Tensor? total = null;
        foreach (var x in tensors)
        {
            if (x.Numel == 0) continue;
            var partial = Tensor.Zeros(Enumerable.Repeat(1, x.Rank).ToArray(), x.DType, x.Backend);
            x.Backend.Reduce(x, partial, default(SumSquaresFn));
            partial = partial.Reshape([1]);
            total = total == null ? partial : total.Add(partial);
        }
        return total?.Item() ?? 0;
    }
}
