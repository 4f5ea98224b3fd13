using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Nn;

/// <summary>A table of learned vectors: y[n] = W[ids[n]].  W: (V, D), ids: (N) -> y: (N, D).
/// Initialised N(0, 1) as in PyTorch; the gradient scatter-adds into the rows that were used.</summary>
public sealed class Embedding : Module
{
    /// <summary>The table, one row of width dim per id.</summary>
    public Tensor Weight { get; }

    /// <summary>A table of <paramref name="count"/> vectors of width <paramref name="dim"/>, drawn from a standard normal with <paramref name="rng"/>.</summary>
    public Embedding(int count, int dim, Rng rng, IBackend? backend = null) =>
        Weight = Parameter("weight", Tensor.RandN([count, dim], rng, backend: backend));

    /// <summary>The rows for <paramref name="ids"/>: (ids.Length, dim); gradients flow back into those rows.</summary>
    public Tensor Forward(int[] ids) => Weight.IndexSelect(0, ids);
}
