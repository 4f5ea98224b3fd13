using Scratchgen.Tensors;

namespace Scratchgen.Nn;

/// <summary>Layers applied in order; children are named "0", "1", ... as in PyTorch. A layer that can run an
/// activation inside its own op (<see cref="IFusedEpilogue"/>: Linear with a bias, BatchNorm) followed by an
/// activation layer (<see cref="IElementwiseActivation"/>) runs as one fused op: the same values and
/// gradients, a pass and a kernel fewer each way.</summary>
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
        for (int i = 0; i < _layers.Length; i++)
        {
            if (_layers[i] is IFusedEpilogue layer && i + 1 < _layers.Length && _layers[i + 1] is IElementwiseActivation activation)
            {
                x = activation.AfterLayer(layer, x);
                i++;
                continue;
            }
            x = _layers[i].Forward(x);
        }
        return x;
    }
}
