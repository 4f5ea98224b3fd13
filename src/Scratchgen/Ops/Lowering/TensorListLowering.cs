using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>An optimizer's step and a gradient norm over a list of tensors: the backend's <see cref="ITensorLists"/> (several
/// tensors per launch) where it has it, else one kernel per tensor.</summary>
internal static class TensorListLowering
{
    /// <summary><see cref="IBackend.AdamStep"/> for each parameter, with the same constants.</summary>
    public static void AdamSteps(this IBackend backend, IReadOnlyList<AdamTensors> parameters, AdamStepParams h)
    {
        if (backend is ITensorLists lists)
        {
            lists.AdamSteps(parameters, h);
            return;
        }
        ComposedAdamSteps(backend, parameters, h);
    }

    /// <summary><see cref="AdamSteps"/> as one AdamStep per parameter.</summary>
    public static void ComposedAdamSteps(IBackend backend, IEnumerable<AdamTensors> parameters, AdamStepParams h)
    {
        foreach (var (p, g, m, v) in parameters) backend.AdamStep(p, g, m, v, h);
    }

    /// <summary>total[0] = sum_i sum(x_i^2), total a (1) tensor.</summary>
    public static void SumOfSquares(this IBackend backend, IReadOnlyList<Tensor> tensors, Tensor total)
    {
        if (backend is ITensorLists lists && lists.TrySumOfSquares(tensors, total)) return;
        ComposedSumOfSquares(backend, tensors, total);
    }

    /// <summary><see cref="SumOfSquares"/> as each tensor's sum into its own slot of a (P) vector, then the slots summed: P + 1 reductions.</summary>
    public static void ComposedSumOfSquares(IBackend backend, IReadOnlyList<Tensor> tensors, Tensor total)
    {
        var slots = new Tensor(backend.AllocateUninitialized(total.DType, tensors.Count), [tensors.Count]);
        for (int i = 0; i < tensors.Count; i++)
        {
            var ones = Enumerable.Repeat(1, tensors[i].Rank).ToArray();
            backend.Reduce(tensors[i], new Tensor(slots.Storage, ones, ones, i), default(SumSquaresFn));
        }
        backend.Reduce(slots, total, default(SumFn));
    }
}
