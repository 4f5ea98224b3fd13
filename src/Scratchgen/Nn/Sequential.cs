using Scratchgen.Tensors;

namespace Scratchgen.Nn;

/// <summary>Layers applied in order; children are named "0", "1", ... as in PyTorch. The layers run as the
/// fusion pass plans them (<see cref="Fusion"/>: a layer and the activation after it may run as one op).</summary>
public sealed class Sequential : Layer
{
    private readonly Layer[] _layers;

    /// <summary>Runs <paramref name="layers"/> one after another, each on the previous one's output.</summary>
    public Sequential(params Layer[] layers)
    {
        _layers = layers;
        for (int i = 0; i < layers.Length; i++) Child(i.ToString(), layers[i]);
    }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <inheritdoc/>
    public override bool MixesSamples => _layers.Any(l => l.MixesSamples);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        foreach (var step in Fusion.Plan(_layers)) x = step.Forward(x);
        return x;
    }
}
