using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Nn;

// Parameter-free layers, so activations can sit inside a Sequential. Each acts on every sample alone
// (MixesSamples false; Dropout draws its masks in sample order, so two batches run as one draw the same).

/// <summary>An activation layer that <see cref="Sequential"/> runs together with the Linear layer before it,
/// as one op whose bias and activation are one kernel (Ops: LinearActivationOp). Same values and gradients
/// as the two layers one after the other.</summary>
internal interface IFusesAfterLinear
{
    Tensor LinearThen(Tensor x, Tensor weight, Tensor bias);
}

public sealed class Relu : Layer, IFusesAfterLinear
{
    public override bool MixesSamples => false;

    public override Tensor Forward(Tensor x) => x.Relu();

    Tensor IFusesAfterLinear.LinearThen(Tensor x, Tensor weight, Tensor bias) =>
        x.LinearThen(weight, bias, default(ReluFn), "relu", t => t.Relu());
}

public sealed class LeakyRelu(double slope = 0.2) : Layer, IFusesAfterLinear
{
    public override bool MixesSamples => false;

    public override Tensor Forward(Tensor x) => x.LeakyRelu(slope);

    Tensor IFusesAfterLinear.LinearThen(Tensor x, Tensor weight, Tensor bias) =>
        x.LinearThen(weight, bias, new LeakyReluFn(slope), "leaky_relu", t => t.LeakyRelu(slope));
}

public sealed class Elu(double alpha = 1.0) : Layer, IFusesAfterLinear
{
    public override bool MixesSamples => false;

    public override Tensor Forward(Tensor x) => x.Elu(alpha);

    Tensor IFusesAfterLinear.LinearThen(Tensor x, Tensor weight, Tensor bias) =>
        x.LinearThen(weight, bias, new EluFn(alpha), "elu", t => t.Elu(alpha));
}

public sealed class Tanh : Layer, IFusesAfterLinear
{
    public override bool MixesSamples => false;

    public override Tensor Forward(Tensor x) => x.Tanh();

    Tensor IFusesAfterLinear.LinearThen(Tensor x, Tensor weight, Tensor bias) =>
        x.LinearThen(weight, bias, default(TanhFn), "tanh", t => t.Tanh());
}

public sealed class Sigmoid : Layer, IFusesAfterLinear
{
    public override bool MixesSamples => false;

    public override Tensor Forward(Tensor x) => x.Sigmoid();

    Tensor IFusesAfterLinear.LinearThen(Tensor x, Tensor weight, Tensor bias) =>
        x.LinearThen(weight, bias, default(SigmoidFn), "sigmoid", t => t.Sigmoid());
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
