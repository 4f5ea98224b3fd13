using Scratchgen.Autograd;
using Scratchgen.Functors;
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
    /// waits for the device). TensorListLowering.SumOfSquares: P + 1 reductions for P tensors by default, fewer
    /// launches on a GPU (several tensors per launch). Not recorded.</summary>
    public static double SumOfSquares(IEnumerable<Tensor> tensors)
    {
        var list = tensors.Where(x => x.Numel > 0).ToList();
        if (list.Count == 0) return 0;
        var backend = list[0].Backend;
        foreach (var x in list)
            if (x.Backend != backend) throw new ArgumentException($"sum of squares: {x.Describe()} lives on '{x.Backend.Name}', the others on '{backend.Name}'");
        var total = list[0].NewUninitialized([1]);
        backend.SumOfSquares(list, total);
        return total.Item();
    }

    /// <summary>mean_i f(x_i) over every element, read back to the host; not recorded (a GAN's mean D(x) for its
    /// report). SumLowering.MapSum: one launch on a GPU, where Map, Sum and Mul were three.</summary>
    public static double MeanOf<TFn>(this Tensor x, TFn fn) where TFn : struct, IUnaryFn
    {
        if (x.Numel == 0) throw new ShapeException("mean", $"cannot average over zero elements of {x.Describe()}");
        var y = x.NewUninitialized([]);
        x.Backend.MapSum(x.Detach(), y, fn, 1.0 / x.Numel);
        return y.Item();
    }
}
