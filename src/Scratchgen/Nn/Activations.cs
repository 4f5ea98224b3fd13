using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Nn;

// Parameter-free layers, so activations can sit inside a Sequential. Each acts on every sample alone
// (MixesSamples false; Dropout draws its masks in sample order, so two batches run as one draw the same).

/// <summary>max(x, 0) elementwise.</summary>
public sealed class Relu : Layer
{
    /// <inheritdoc/>
    public override bool MixesSamples => false;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Relu();
}

/// <summary>x for x &gt; 0, <see cref="Slope"/> x otherwise.</summary>
public sealed class LeakyRelu(double slope = 0.2) : Layer
{
    /// <inheritdoc/>
    public override bool MixesSamples => false;

    /// <summary>The slope for negative inputs.</summary>
    public double Slope => slope;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.LeakyRelu(slope);
}

/// <summary>x for x &gt; 0, <see cref="Alpha"/> (exp(x) - 1) otherwise.</summary>
public sealed class Elu(double alpha = 1.0) : Layer
{
    /// <inheritdoc/>
    public override bool MixesSamples => false;

    /// <summary>The scale of the negative branch.</summary>
    public double Alpha => alpha;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Elu(alpha);
}

/// <summary>tanh(x) elementwise, into (-1, 1).</summary>
public sealed class Tanh : Layer
{
    /// <inheritdoc/>
    public override bool MixesSamples => false;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Tanh();
}

/// <summary>1 / (1 + exp(-x)) elementwise, into (0, 1).</summary>
public sealed class Sigmoid : Layer
{
    /// <inheritdoc/>
    public override bool MixesSamples => false;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Sigmoid();
}

/// <summary>(N, ...) -> (N, product of the rest).</summary>
public sealed class Flatten : Layer
{
    /// <inheritdoc/>
    public override bool MixesSamples => false;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Flatten();
}

/// <summary>(N, product) -> (N, shape...): the inverse of Flatten.</summary>
public sealed class Unflatten(params int[] shape) : Layer
{
    /// <inheritdoc/>
    public override bool MixesSamples => false;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Reshape([x.Size(0), .. shape]);
}

/// <summary>Inverted dropout with its own seeded Rng; identity in evaluation mode.</summary>
public sealed class Dropout(double p, Rng rng) : Layer
{
    /// <inheritdoc/>
    public override bool MixesSamples => false;

    /// <summary>The random stream the dropout masks are drawn from.</summary>
    public Rng Rng { get; } = rng;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Dropout(p, Rng, Training);
}
