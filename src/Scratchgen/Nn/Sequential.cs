using Scratchgen.Tensors;

namespace Scratchgen.Nn;

/// <summary>Layers applied in order; children are named "0", "1", ... as in PyTorch.</summary>
public sealed class Sequential : Layer
{
    private readonly Layer[] _layers;

    public Sequential(params Layer[] layers)
    {
        _layers = layers;
        for (int i = 0; i < layers.Length; i++) Child(i.ToString(), layers[i]);
    }

    public IReadOnlyList<Layer> Layers => _layers;

    public override bool MixesSamples => _layers.Any(l => l.MixesSamples);

    public override Tensor Forward(Tensor x)
    {
        foreach (var layer in _layers) x = layer.Forward(x);
        return x;
    }
}
