using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Nn;

/// <summary>
/// Weight initializers. fanIn/fanOut are the number of inputs/outputs feeding one unit
/// (for a conv: channels x kernel area).
/// </summary>
public static class Init
{
    /// <summary>U(-1/sqrt(fanIn), 1/sqrt(fanIn)): PyTorch's default for Linear and Conv layers
    /// (kaiming_uniform with a = sqrt(5) for weights, the same bound for biases).</summary>
    public static Tensor PyTorchDefault(int[] shape, int fanIn, Rng rng, IBackend? backend = null)
    {
        double bound = fanIn > 0 ? 1.0 / Math.Sqrt(fanIn) : 0;
        return Tensor.Rand(shape, rng, -bound, bound, backend: backend);
    }

    /// <summary>Xavier/Glorot uniform: U(-a, a), a = gain sqrt(6 / (fanIn + fanOut)).</summary>
    public static Tensor XavierUniform(int[] shape, int fanIn, int fanOut, Rng rng, double gain = 1, IBackend? backend = null)
    {
        double a = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return Tensor.Rand(shape, rng, -a, a, backend: backend);
    }

    /// <summary>He/Kaiming normal for ReLU nets: N(0, 2 / fanIn).</summary>
    public static Tensor HeNormal(int[] shape, int fanIn, Rng rng, IBackend? backend = null) =>
        Tensor.RandN(shape, rng, 0, Math.Sqrt(2.0 / fanIn), backend: backend);

    /// <summary>N(mean, std): DCGAN's N(0, 0.02) for conv weights, N(1, 0.02) for batch norm scales.</summary>
    public static Tensor Normal(int[] shape, Rng rng, double mean, double std, IBackend? backend = null) =>
        Tensor.RandN(shape, rng, mean, std, backend: backend);
}
