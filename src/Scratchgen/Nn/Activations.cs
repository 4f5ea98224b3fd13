using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Nn;

// Parameter-free layers, so activations can sit inside a Sequential. Each acts on every sample alone
// (MixesSamples false; Dropout draws its masks in sample order, so two batches run as one draw the same).

/// <summary>An activation layer whose functor can run inside the op of the layer before it (see
/// <see cref="IFusedEpilogue"/>): it hands its functor type to that layer. Same values and gradients as the
/// two layers one after the other.</summary>
internal interface IElementwiseActivation
{
    Tensor AfterLayer(IFusedEpilogue layer, Tensor x);
}

/// <summary>A layer that can apply an elementwise activation inside its own op (Linear with a bias: the bias
/// and the activation in one kernel; BatchNorm in training: the activation in the normalizing pass).
/// <see cref="Sequential"/> runs such a layer and the activation after it as one op.</summary>
internal interface IFusedEpilogue
{
    /// <summary>activation(Forward(x)), where fn is activation's functor.</summary>
    Tensor ForwardThen<TFn>(Tensor x, TFn fn, string name, Func<Tensor, Tensor> activation) where TFn : struct, IUnaryFn;
}

public sealed class Relu : Layer, IElementwiseActivation
{
    public override bool MixesSamples => false;

    public override Tensor Forward(Tensor x) => x.Relu();

    Tensor IElementwiseActivation.AfterLayer(IFusedEpilogue layer, Tensor x) =>
        layer.ForwardThen(x, default(ReluFn), "relu", t => t.Relu());
}

public sealed class LeakyRelu(double slope = 0.2) : Layer, IElementwiseActivation
{
    public override bool MixesSamples => false;

    public override Tensor Forward(Tensor x) => x.LeakyRelu(slope);

    Tensor IElementwiseActivation.AfterLayer(IFusedEpilogue layer, Tensor x) =>
        layer.ForwardThen(x, new LeakyReluFn(slope), "leaky_relu", t => t.LeakyRelu(slope));
}

public sealed class Elu(double alpha = 1.0) : Layer, IElementwiseActivation
{
    public override bool MixesSamples => false;

    public override Tensor Forward(Tensor x) => x.Elu(alpha);

    Tensor IElementwiseActivation.AfterLayer(IFusedEpilogue layer, Tensor x) =>
        layer.ForwardThen(x, new EluFn(alpha), "elu", t => t.Elu(alpha));
}

public sealed class Tanh : Layer, IElementwiseActivation
{
    public override bool MixesSamples => false;

    public override Tensor Forward(Tensor x) => x.Tanh();

    Tensor IElementwiseActivation.AfterLayer(IFusedEpilogue layer, Tensor x) =>
        layer.ForwardThen(x, default(TanhFn), "tanh", t => t.Tanh());
}

public sealed class Sigmoid : Layer, IElementwiseActivation
{
    public override bool MixesSamples => false;

    public override Tensor Forward(Tensor x) => x.Sigmoid();

    Tensor IElementwiseActivation.AfterLayer(IFusedEpilogue layer, Tensor x) =>
        layer.ForwardThen(x, default(SigmoidFn), "sigmoid", t => t.Sigmoid());
}

/// <summary>(N, ...) -> (N, product of the rest).</summary>
public sealed class Flatten : Layer
{
    public override bool MixesSamples => false;

    public override Tensor Forward(Tensor x) => x.Flatten();
}

/// <summary>(N, product) -> (N, shape...): the inverse of Flatten.</summary>
public sealed class Unflatten(params int[] shape) : Layer
{
    public override bool MixesSamples => false;

    public override Tensor Forward(Tensor x) => x.Reshape([x.Size(0), .. shape]);
}

/// <summary>Inverted dropout with its own seeded Rng; identity in evaluation mode.</summary>
public sealed class Dropout(double p, Rng rng) : Layer
{
    public override bool MixesSamples => false;

    public Rng Rng { get; } = rng;

    public override Tensor Forward(Tensor x) => x.Dropout(p, Rng, Training);
}
