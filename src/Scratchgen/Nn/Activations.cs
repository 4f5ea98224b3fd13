using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Nn;

// Parameter-free layers, so activations can sit inside a Sequential. Each acts on every sample alone
// (MixesSamples false; Dropout draws its masks in sample order, so two batches run as one draw the same).

public sealed class Relu : Layer
{
    public override bool MixesSamples => false;

    public override Tensor Forward(Tensor x) => x.Relu();
}

public sealed class LeakyRelu(double slope = 0.2) : Layer
{
    public override bool MixesSamples => false;

    public double Slope => slope;

    public override Tensor Forward(Tensor x) => x.LeakyRelu(slope);
}

public sealed class Elu(double alpha = 1.0) : Layer
{
    public override bool MixesSamples => false;

    public double Alpha => alpha;

    public override Tensor Forward(Tensor x) => x.Elu(alpha);
}

public sealed class Tanh : Layer
{
    public override bool MixesSamples => false;

    public override Tensor Forward(Tensor x) => x.Tanh();
}

public sealed class Sigmoid : Layer
{
    public override bool MixesSamples => false;

    public override Tensor Forward(Tensor x) => x.Sigmoid();
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
