using Scratchgen.Tensors;

namespace Scratchgen.Nn;

/// <summary>Layers applied in order; children are named "0", "1", ... as in PyTorch. A Linear layer with a
/// bias followed by an activation layer (<see cref="IFusesAfterLinear"/>) runs as one fused op: the same
/// values and gradients, one kernel fewer each way.</summary>
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
            if (_layers[i] is Linear { Bias: { } bias } linear && i + 1 < _layers.Length && _layers[i + 1] is IFusesAfterLinear activation)
            {
                x = activation.LinearThen(x, linear.Weight, bias);
                i++;
                continue;
            }
            x = _layers[i].Forward(x);
        }
        return x;
    }
}
