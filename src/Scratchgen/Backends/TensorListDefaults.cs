using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>The default forms of IBackend's list operations (an optimizer's step over all its parameters), one
/// tensor at a time; a GPU backend overrides them with launches that take several tensors each and falls back
/// here for what its lists cannot take.</summary>
internal static class TensorListDefaults
{
    /// <summary>One <see cref="IBackend.AdamStep"/> per parameter.</summary>
    public static void AdamSteps(IBackend backend, IEnumerable<AdamTensors> parameters, AdamStepParams h)
    {
        foreach (var (p, g, m, v) in parameters) backend.AdamStep(p, g, m, v, h);
    }

    /// <summary>total[0] = sum_i sum(x_i^2): each tensor's sum into its own slot of a (P) vector, then the slots summed.</summary>
    public static void SumOfSquares(IBackend backend, IReadOnlyList<Tensor> tensors, Tensor total)
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
