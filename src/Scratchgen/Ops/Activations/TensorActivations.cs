using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>Activation functions and dropout.</summary>
public static class TensorActivations
{
    /// <summary>max(x, 0) elementwise.</summary>
    public static Tensor Relu(this Tensor x) => new ReluOp(x).Run();
    /// <summary>x for x &gt; 0, <paramref name="slope"/> x otherwise.</summary>
    public static Tensor LeakyRelu(this Tensor x, double slope = 0.01) => new LeakyReluOp(x, slope).Run();
    /// <summary>x for x &gt; 0, <paramref name="alpha"/> (exp(x) - 1) otherwise.</summary>
    public static Tensor Elu(this Tensor x, double alpha = 1.0) => new EluOp(x, alpha).Run();
    /// <summary>1 / (1 + exp(-x)) elementwise.</summary>
    public static Tensor Sigmoid(this Tensor x) => new SigmoidOp(x).Run();
    /// <summary>tanh(x) elementwise.</summary>
    public static Tensor Tanh(this Tensor x) => new TanhOp(x).Run();
    /// <summary>log(1 + exp(x)) elementwise, computed without overflow for large x.</summary>
    public static Tensor Softplus(this Tensor x) => new SoftplusOp(x).Run();

    /// <summary>Inverted dropout: in training, zeroes each element with probability p and scales the
    /// rest by 1/(1-p) (so evaluation needs no rescaling); y = x * mask, dx = dy * mask.
    /// The mask is drawn from <paramref name="rng"/>; in evaluation (training false) y = x.</summary>
    public static Tensor Dropout(this Tensor x, double p, Rng rng, bool training = true)
    {
        if (p < 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout: p must be in [0, 1)");
        if (!training || p == 0) return x;
        var keep = new double[x.Numel];
        double scale = 1.0 / (1.0 - p);
        for (int i = 0; i < keep.Length; i++) keep[i] = rng.NextDouble() >= p ? scale : 0.0;
        var mask = Tensor.FromArray(keep, x.Dims, x.DType, x.Backend);
        return x.Mul(mask);
    }
}
