using Scratchgen.Autograd;
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
    /// waits for the device). Each tensor's sum lands in its own slot of one vector, which is summed at the
    /// end: P + 1 kernels for P tensors. Not recorded.</summary>
    public static double SumOfSquares(IEnumerable<Tensor> tensors)
    {
        var list = tensors.Where(x => x.Numel > 0).ToList();
        if (list.Count == 0) return 0;
        var backend = list[0].Backend;
        var slots = list[0].NewUninitialized([list.Count]);
        for (int i = 0; i < list.Count; i++)
        {
            var x = list[i];
            if (x.Backend != backend) throw new ArgumentException($"sum of squares: {x.Describe()} lives on '{x.Backend.Name}', the others on '{backend.Name}'");
            var ones = Enumerable.Repeat(1, x.Rank).ToArray();
            backend.Reduce(x, new Tensor(slots.Storage, ones, ones, slots.Offset + i), default(SumSquaresFn));
        }
        using var _ = GradMode.NoGrad();
        return slots.Sum().Item();
    }
}
