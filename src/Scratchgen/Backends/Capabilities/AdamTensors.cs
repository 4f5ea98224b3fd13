using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>One parameter of an Adam step: the parameter p, its gradient g and its moments m and v (same shape;
/// p, m and v contiguous, updated in place).</summary>
internal readonly record struct AdamTensors(Tensor P, Tensor G, Tensor M, Tensor V);
