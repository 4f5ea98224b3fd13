using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Nn;

/// <summary>A table of learned vectors: y[n] = W[ids[n]].  W: (V, D), ids: (N) -> y: (N, D).
/// Initialised N(0, 1) as in PyTorch; the gradient scatter-adds into the rows that were used.</summary>
public sealed class Embedding : Module
{
    public Tensor Weight { get; }

    public Embedding(int count, int dim, Rng rng, IBackend? backend = null) =>
        Weight = Parameter("weight", Tensor.RandN([count, dim], rng, backend: backend));

    public Tensor Forward(int[] ids) => Weight.IndexSelect(0, ids);
}
