using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>A backend that takes several tensors per launch (multi-tensor apply): an optimizer's step over all its
/// parameters, a gradient norm over all gradients. Without it the op runs one kernel per tensor.</summary>
internal interface ITensorLists
{
    /// <summary><see cref="IBackend.AdamStep"/> for each of a list of parameters with the same constants, with the
    /// same bits as one AdamStep each.</summary>
    void AdamSteps(IReadOnlyList<AdamTensors> parameters, AdamStepParams h);

    /// <summary>total[0] = sum over the tensors of sum(x^2), total a (1) tensor. False, with nothing written, where
    /// the backend does not take these tensors.</summary>
    bool TrySumOfSquares(IReadOnlyList<Tensor> tensors, Tensor total);
}
