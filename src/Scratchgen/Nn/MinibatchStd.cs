using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Nn;

/// <summary>
/// The minibatch standard deviation feature (Karras et al., 2018): one extra feature that tells D how
/// varied the batch is, so a generator that draws the same image for every z is caught by D:
///   s = mean over features f of sqrt(var over the batch n of x[n, f] + 1e-8)      (a scalar per batch)
///   (N, F) -> (N, F + 1): every row gets s appended;  (N, C, H, W) -> (N, C + 1, H, W): a constant plane of s
/// The variance is the population one (divided by N). Gradients flow through s into every sample, so the
/// layer mixes samples (a batch's real and fake images must go through D apart).
/// </summary>
public sealed class MinibatchStd : Layer
{
    private const double Eps = 1e-8;

    /// <inheritdoc/>
    public override bool MixesSamples => true;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 2 && x.Rank != 4)
            throw new ShapeException("minibatch_std", $"expects (N, F) or (N, C, H, W), got {Shapes.Format(x.Dims)}");
        int n = x.Dims[0];
        var centred = x.Sub(x.Mean(0, keepdim: true));
        var s = centred.Square().Mean(0, keepdim: true).Add(Eps).Sqrt().Mean(); // ()
        int[] plane = x.Rank == 2 ? [n, 1] : [n, 1, x.Dims[2], x.Dims[3]];
        return TensorShape.Concat([x, s.Reshape(x.Rank == 2 ? [1, 1] : [1, 1, 1, 1]).Expand(plane)], 1);
    }
}
